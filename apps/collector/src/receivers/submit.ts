import type { Pipeline } from '../pipeline/pipeline.js';
import type { CollectorMetrics, ReceiverName, SignalName } from '../telemetry/metrics.js';
import { toReceiverError } from './errors.js';

export interface Decoded {
  /** Items the codec kept, to submit. */
  items: number;
  /** Items the codec left out as invalid (partial success). */
  invalid: number;
}

/**
 * Counts what a request brought, hands the valid items to the pipeline and resolves once the
 * pipeline acknowledged them — only then may the receiver answer 2xx. When the pipeline refuses,
 * the items are counted as rejected with the pipeline's reason and the error goes on to the
 * receiver's error handler (429/503 with Retry-After).
 */
export async function submitCounted(
  metrics: CollectorMetrics,
  labels: { receiver: ReceiverName; signal: SignalName },
  decoded: Decoded,
  submit: () => Promise<void>,
): Promise<void> {
  metrics.received.inc(labels, decoded.items + decoded.invalid);
  if (decoded.invalid > 0) metrics.rejected.inc({ ...labels, reason: 'invalid' }, decoded.invalid);
  if (decoded.items === 0) return;
  try {
    await submit();
  } catch (thrown) {
    const error = toReceiverError(thrown);
    metrics.rejected.inc({ ...labels, reason: error.spec.reason }, decoded.items);
    throw error;
  }
  metrics.accepted.inc(labels, decoded.items);
}

/**
 * An onRequest hook: when the pipeline would refuse any submission now, answer (429/503 with
 * Retry-After) before the body is read or decoded.
 */
export function refuseWhenPipelineRefuses(pipeline: Pipeline): () => Promise<void> {
  return async () => {
    const refusal = pipeline.refusal();
    if (refusal !== undefined) throw refusal;
  };
}
