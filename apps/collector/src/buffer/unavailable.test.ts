import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  bufferConfig,
  kafkaAdmin,
  kafkaPipeline,
  testStorage,
  traceSpans,
  until,
} from '../../test-support/kafka-buffer.js';
import { PipelineError } from '../pipeline/pipeline.js';

/** A local port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('with Kafka unreachable', () => {
  it('starts anyway, is not ready, and refuses submissions with UNAVAILABLE at once', async () => {
    const config = bufferConfig({ brokers: [`127.0.0.1:${await freePort()}`], requestTimeoutMs: 500 });
    const storage = await testStorage();
    const { pipeline, logger } = kafkaPipeline(config, storage, { startTimeoutMs: 5_000 });
    const starting = Date.now();
    await pipeline.start();
    expect(Date.now() - starting).toBeLessThan(5_500);
    try {
      const refusing = Date.now();
      const refused = await pipeline.submitSpans(traceSpans(3)).catch((error: unknown) => error);
      expect(Date.now() - refusing).toBeLessThan(200);
      expect(refused).toBeInstanceOf(PipelineError);
      expect(refused).toMatchObject({
        code: 'UNAVAILABLE',
        retryAfterSeconds: 7,
        message: expect.stringMatching(/^Kafka is not available: .*(ECONNREFUSED|Connection error)/),
      });

      const readiness = await pipeline.readiness();
      expect(readiness.ready).toBe(false);
      expect(readiness.checks.kafka).toEqual({
        ok: false,
        detail: expect.stringMatching(/^not available: /),
      });
      // Storage itself is fine: the failing check is the one named.
      expect(readiness.checks.storage?.ok).toBe(true);
      expect(logger.lines).toContainEqual(
        expect.objectContaining({ level: 'warn', message: 'Kafka set-up failed; retrying' }),
      );
    } finally {
      const stopping = Date.now();
      await pipeline.stop(3_000);
      expect(Date.now() - stopping).toBeLessThan(3_500);
      await storage.close();
    }
  });

  it('retries its set-up for as long as it takes without piling up listeners', async () => {
    const config = bufferConfig({ brokers: [`127.0.0.1:${await freePort()}`], requestTimeoutMs: 100 });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const { pipeline, logger } = kafkaPipeline(config, undefined, {
      startTimeoutMs: 100,
      maxSetupBackoffMs: 1,
    });
    await pipeline.start();
    try {
      // Node warns of a leak past 10 listeners on one AbortSignal: one per retry would get there.
      await until('12 set-up attempts', 60_000, async () => {
        const failed = logger.lines.filter((line) => line.message === 'Kafka set-up failed; retrying');
        return failed.length >= 12 ? true : undefined;
      });
      expect(warnings.map((warning) => warning.message)).not.toContainEqual(
        expect.stringMatching(/abort listeners/),
      );
    } finally {
      process.off('warning', onWarning);
      await pipeline.stop(3_000);
    }
  });

  it('refuses with UNAVAILABLE once requestTimeoutMs passed without an acknowledgement', async () => {
    // Shorter than kafkajs's own retries, so the submission's deadline is what ends the wait.
    const config = bufferConfig({ requestTimeoutMs: 300 });
    const { pipeline } = kafkaPipeline(config);
    await pipeline.start();
    try {
      await pipeline.submitSpans(traceSpans(2));
      // The producer may not create topics, so records for a deleted one are never acknowledged.
      const admin = kafkaAdmin().admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [config.kafka.topics.traces] });
      // Deletion completes in the background: until then the broker may still take records.
      await until('the topic gone from the metadata', 10_000, async () =>
        (await admin.listTopics()).includes(config.kafka.topics.traces) ? undefined : true,
      );
      await admin.disconnect();
      const submitting = Date.now();
      const refused = await pipeline.submitSpans(traceSpans(2)).catch((error: unknown) => error);
      const waited = Date.now() - submitting;
      expect(refused).toBeInstanceOf(PipelineError);
      expect(refused).toMatchObject({
        code: 'UNAVAILABLE',
        retryAfterSeconds: 7,
        message: 'Kafka did not take the records: Kafka did not acknowledge the records within 300 ms',
      });
      expect(waited).toBeGreaterThanOrEqual(290);
      expect(waited).toBeLessThan(1_000);
    } finally {
      await pipeline.stop(3_000);
    }
  });
});
