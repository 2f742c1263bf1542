/**
 * One ordered record of what the Lambda stand-in and the OTLP endpoint saw, so tests can assert
 * the order of a response, an export and the freeze.
 */
export type TimelineKind =
  | 'invoke'
  | 'response'
  | 'response-first-byte'
  | 'error'
  | 'timeout'
  | 'init-error'
  | 'runtime-next'
  | 'extension-register'
  | 'extension-next'
  | 'frozen'
  | 'thawed'
  | 'shutdown'
  | 'traces'
  | 'metrics';

export interface TimelineEvent {
  seq: number;
  /** `performance.now()` in the test process. */
  at: number;
  kind: TimelineKind;
  requestId?: string;
  detail?: unknown;
}

export class Timeline {
  readonly events: TimelineEvent[] = [];

  record(kind: TimelineKind, requestId?: string, detail?: unknown): TimelineEvent {
    const event: TimelineEvent = { seq: this.events.length, at: performance.now(), kind };
    if (requestId !== undefined) event.requestId = requestId;
    if (detail !== undefined) event.detail = detail;
    this.events.push(event);
    return event;
  }

  /** The first event of `kind` after `after` (a sequence number), matching `where`. */
  find(kind: TimelineKind, after = -1, where: (event: TimelineEvent) => boolean = () => true) {
    return this.events.find((event) => event.seq > after && event.kind === kind && where(event));
  }

  kinds(): string[] {
    return this.events.map((event) => (event.requestId ? `${event.kind}:${event.requestId}` : event.kind));
  }
}
