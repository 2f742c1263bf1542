export function idProblem(what: string, hex: string, bytes: number, optional: boolean): string | undefined {
  if (hex.length === bytes * 2 || (optional && hex.length === 0)) return undefined;
  return `${what} must be ${bytes} bytes${optional ? ' or empty' : ''}, got ${hex.length / 2}`;
}
