/** Firehose's limit on a response's errorMessage. */
export const MAX_ERROR_MESSAGE_LENGTH = 8192;

export interface FirehoseResponseInit {
  /** The delivery's request id; Firehose checks that the response echoes it. */
  requestId: string;
  /** When the request was processed, in milliseconds since the epoch; default now. */
  timestamp?: number;
  /** Why the delivery failed; omit on success. Cut to 8192 characters. */
  errorMessage?: string;
}

/**
 * The JSON body of the answer to a Firehose HTTP endpoint delivery: `{requestId, timestamp}` and,
 * on failure, `errorMessage` (which Firehose copies to its error output after its last retry).
 * Send it with Content-Type application/json, without Content-Encoding: status 200 acknowledges the
 * records; 413 is a permanent failure; any other status makes Firehose retry the same records.
 */
export function encodeFirehoseResponse(init: FirehoseResponseInit): string {
  const response: { requestId: string; timestamp: number; errorMessage?: string } = {
    requestId: init.requestId,
    timestamp: init.timestamp ?? Date.now(),
  };
  if (init.errorMessage !== undefined) response.errorMessage = truncate(init.errorMessage);
  return JSON.stringify(response);
}

function truncate(message: string): string {
  if (message.length <= MAX_ERROR_MESSAGE_LENGTH) return message;
  // Avoid cutting a surrogate pair in half.
  let end = MAX_ERROR_MESSAGE_LENGTH - 1;
  const last = message.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${message.slice(0, end)}…`;
}
