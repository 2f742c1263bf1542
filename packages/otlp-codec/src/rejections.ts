const MAX_REASONS = 5;

/**
 * Items (spans or data points) a decoder left out because they are invalid on their own, while
 * the rest of the request is fine. Feeds OTLP's partial success response.
 */
export class Rejections {
  count = 0;
  private readonly reasons: string[] = [];

  add(reason: string): void {
    this.count += 1;
    if (this.reasons.length < MAX_REASONS) this.reasons.push(reason);
  }

  /** '' when nothing was rejected; otherwise the first reasons and how many more there were. */
  get message(): string {
    const more = this.count - this.reasons.length;
    return this.reasons.join('; ') + (more > 0 ? `; and ${more} more` : '');
  }
}

export function idProblem(what: string, hex: string, bytes: number, optional: boolean): string | undefined {
  if (hex.length === bytes * 2 || (optional && hex.length === 0)) return undefined;
  return `${what} must be ${bytes} bytes${optional ? ' or empty' : ''}, got ${hex.length / 2}`;
}
