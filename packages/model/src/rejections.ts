const MAX_REASONS = 5;

/**
 * Items (spans, data points, series, lines) a decoder left out because they are invalid on their
 * own, while the rest of the payload is fine: the count and the first few reasons, for partial
 * success responses and logs. Shared by every codec so receivers report rejections alike.
 */
export class Rejections {
  /** Items rejected. */
  count = 0;
  private readonly reasons: string[] = [];
  private unlisted = 0;

  /** Records `count` items (default 1) rejected for one `reason`. */
  add(reason: string, count = 1): void {
    this.count += count;
    if (this.reasons.length < MAX_REASONS) this.reasons.push(reason);
    else this.unlisted += 1;
  }

  /** '' when nothing was rejected; otherwise the first reasons and how many more there were. */
  get message(): string {
    return this.reasons.join('; ') + (this.unlisted > 0 ? `; and ${this.unlisted} more` : '');
  }
}
