const REMEMBERED = 64;

/**
 * Invocations ended by the wrapper, by request id, for the internal extension: it learns of an
 * invocation from the Extensions API and must not flush before the wrapper has ended its span,
 * whichever of the two happens first.
 */
export class Completions {
  private readonly ended = new Set<string>();
  private readonly waiting = new Map<string, () => void>();

  end(requestId: string): void {
    const resolve = this.waiting.get(requestId);
    if (resolve) {
      this.waiting.delete(requestId);
      resolve();
      return;
    }
    this.ended.add(requestId);
    if (this.ended.size > REMEMBERED) {
      const oldest = this.ended.values().next().value;
      if (oldest !== undefined) this.ended.delete(oldest);
    }
  }

  /** Resolves when `requestId` has ended, or after `timeoutMs` (the invocation may never be seen). */
  whenEnded(requestId: string, timeoutMs: number): Promise<void> {
    if (this.ended.delete(requestId)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      timer.unref();
      const waiting = this.waiting;
      function done() {
        clearTimeout(timer);
        waiting.delete(requestId);
        resolve();
      }
      waiting.set(requestId, done);
    });
  }
}
