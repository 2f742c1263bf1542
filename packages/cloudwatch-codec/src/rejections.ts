const MAX_REASONS = 5;

/**
 * Items (JSON lines, OpenTelemetry data points or messages) a decoder left out because they are
 * invalid on their own, while the rest of the record is fine: counted, with the first reasons kept.
 */
export class Rejections {
  count = 0;
  private readonly reasons: string[] = [];
  private explained = 0;

  /** Counts `items` rejected items (default 1) for one reason. */
  add(reason: string, items = 1): void {
    this.count += items;
    if (this.reasons.length < MAX_REASONS) {
      this.reasons.push(reason);
      this.explained += items;
    }
  }

  /** '' when nothing was rejected; otherwise the first reasons and how many more items there were. */
  get message(): string {
    const more = this.count - this.explained;
    return this.reasons.join('; ') + (more > 0 ? `; and ${more} more` : '');
  }
}
