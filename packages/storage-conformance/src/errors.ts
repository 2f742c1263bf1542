/** How many differences a failure message lists before it summarises the rest. */
const LISTED_DIFFERENCES = 25;

/**
 * A conformance check failed: the backend stored, returned or refused something the contract says
 * otherwise. The message lists every difference found (up to a limit), each with its path.
 */
export class ConformanceError extends Error {
  override readonly name = 'ConformanceError';
  readonly differences: readonly string[];

  constructor(summary: string, differences: readonly string[] = [], options?: { cause?: unknown }) {
    super(formatMessage(summary, differences), options);
    this.differences = differences;
  }
}

function formatMessage(summary: string, differences: readonly string[]): string {
  if (differences.length === 0) return summary;
  const listed = differences.slice(0, LISTED_DIFFERENCES).map((line) => `  - ${line}`);
  const rest = differences.length - listed.length;
  if (rest > 0) listed.push(`  … and ${rest} more`);
  const count = differences.length === 1 ? '1 difference' : `${differences.length} differences`;
  return `${summary} (${count}):\n${listed.join('\n')}`;
}

/** Throws a {@link ConformanceError} when `differences` is not empty. */
export function assertNoDifferences(summary: string, differences: readonly string[]): void {
  if (differences.length > 0) throw new ConformanceError(summary, differences);
}
