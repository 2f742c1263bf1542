import { connect } from 'node:net';
import { encodeTracesProtobuf } from '@firefly/otlp-codec';
import { describe, expect, it } from 'vitest';
import { storedSpans, testCollector } from '../test-support/collector.js';
import { lambdaSpans } from '../test-support/receivers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('stop()', () => {
  it('does not wait past a third of its deadline for a slow upload, and still drains what was accepted', async () => {
    const collector = testCollector('direct', {
      server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 3_000, requestTimeoutMs: 60_000 },
      // Nothing is written before stop(): the drain is the shutdown's.
      pipeline: { mode: 'direct', batchTimeoutMs: 60_000 },
    });
    const url = new URL(await collector.start());
    expect(collector.server.server.requestTimeout).toBe(60_000);
    const spans = lambdaSpans(5);
    const accepted = await fetch(`${url.origin}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: encodeTracesProtobuf(spans),
    });
    expect(accepted.status).toBe(200);

    // A client that announces a body and sends only its first bytes, then nothing.
    const slow = connect(Number(url.port), url.hostname);
    const closed = new Promise<void>((resolve) => slow.once('close', () => resolve()));
    slow.on('error', () => {});
    slow.write(
      'POST /v1/traces HTTP/1.1\r\nhost: collector\r\ncontent-type: application/x-protobuf\r\ncontent-length: 100000\r\n\r\n0123',
    );
    await sleep(200);
    try {
      const stopping = Date.now();
      const outcome = await Promise.race([
        collector.stop().then(() => 'stopped'),
        sleep(6_000).then(() => 'still stopping after 6 s'),
      ]);
      const took = Date.now() - stopping;
      expect(outcome).toBe('stopped');
      // The upload had its share of the deadline, no more.
      expect(took).toBeGreaterThanOrEqual(950);
      expect(took).toBeLessThan(3_000);
      await closed;
    } finally {
      slow.destroy();
      await collector.stop();
    }
    expect(await storedSpans(collector, [spans[0]?.traceId as string], 5, 5_000)).toHaveLength(5);
  });
});
