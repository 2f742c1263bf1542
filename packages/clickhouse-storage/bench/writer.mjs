// One writer of bench/write.mjs, in a process of its own so that no writer runs in a heap another
// left behind (a large heap's garbage collection took a quarter of the machine from whatever ran
// next): generates the spans, warms up outside the clock, writes, prints {"rate", "peakRss"}.
// The spans are POOL distinct batches written in turn under new ids, so the live heap is a few
// batches, as in a collector (holding all 200,000 spans made every major GC mark ~400 MB of them).
//   node bench/writer.mjs <ClickHouse URL> <database> <writer name>
import { Readable } from 'node:stream';
import { createClient } from '@clickhouse/client';
import { NativeEncoder } from '../dist/encode/native.js';
import { RowBinaryEncoder } from '../dist/encode/row-binary.js';
import { ClickHouseStorage } from '../dist/index.js';
import { SPAN_COLUMNS, writeSpan } from '../dist/rows/span-layout.js';
import { insertSelectLambdaSpans, lambdaSpan } from './lambda-spans.mjs';

const [url, database, writer] = process.argv.slice(2);
const SPANS = Number(process.env.BENCH_SPANS ?? 200_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
// Sustained rates: the first batches warm the JIT and the connections, outside the clock.
const WARMUP = 2;
const POOL = 8;
const base = BigInt(process.env.BENCH_BASE_NS ?? BigInt(Date.now() - 3_600_000) * 1_000_000n);

const inserts = `${BATCH}-span inserts x${CONCURRENCY}`;

/** Every writer: its label in the table, and its run over the batches (ClickHouse's own makes the
 *  same rows itself). */
export const WRITERS = {
  'insert-select': { label: 'ClickHouse INSERT … SELECT (limit)', run: serverSide },
  'pre-encoded Native': {
    label: `pre-encoded Native bodies, ${inserts} (no adapter)`,
    run: (batches) => preEncoded(batches, 'Native'),
  },
  'pre-encoded RowBinary': {
    label: `pre-encoded RowBinary bodies, ${inserts} (no adapter)`,
    run: (batches) => preEncoded(batches, 'RowBinary'),
  },
  'adapter Native': {
    label: `adapter, Native (default), ${inserts}`,
    run: (batches) => throughAdapter(batches, { insertFormat: 'Native' }),
  },
  'adapter Native gzip': {
    label: `adapter, Native, gzip 1, ${inserts}`,
    run: (batches) => throughAdapter(batches, { insertFormat: 'Native', compression: true }),
  },
  'adapter RowBinary': {
    label: `adapter, RowBinary, ${inserts}`,
    run: (batches) => throughAdapter(batches, { insertFormat: 'RowBinary' }),
  },
  'adapter JSONCompactEachRow': {
    label: `adapter, JSONCompactEachRow, ${inserts}`,
    run: (batches) => throughAdapter(batches, { insertFormat: 'JSONCompactEachRow' }),
  },
};

async function throughAdapter(batches, options) {
  const adapter = new ClickHouseStorage({ url, database, ttlDays: 0, requestTimeoutMs: 600_000, ...options });
  for (const batch of batches.slice(0, WARMUP))
    await adapter.writeSpans({ ...batch, id: `warmup/${batch.id}` });
  const seconds = await timed(batches, (batch) => adapter.writeSpans(batch));
  await adapter.close();
  return SPANS / seconds;
}

async function serverSide() {
  const client = createClient({ url, request_timeout: 600_000 });
  // Warm-up rows numbered after the measured ones: every row of the table is distinct.
  await insertSelectLambdaSpans(client, `${database}.otel_traces`, WARMUP * BATCH, base, SPANS);
  const started = performance.now();
  await insertSelectLambdaSpans(client, `${database}.otel_traces`, SPANS, base);
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  return SPANS / seconds;
}

/** The same batches, encoded before the clock starts and posted with the same client and insert
 *  settings: ClickHouse's own cost of receiving them over HTTP, without the adapter's encoding. */
async function preEncoded(batches, format) {
  const client = createClient({ url, request_timeout: 600_000 });
  const columns = SPAN_COLUMNS.map((c) => c.name).join(', ');
  const bodies = new Map();
  for (const batch of batches) {
    if (bodies.has(batch.spans)) continue;
    const encoder = format === 'Native' ? new NativeEncoder(SPAN_COLUMNS) : new RowBinaryEncoder();
    for (const [i, s] of batch.spans.entries()) writeSpan(encoder, s, i);
    bodies.set(batch.spans, Buffer.concat(encoder.finish()));
  }
  const post = async (batch, token) => {
    const result = await client.exec({
      query: `INSERT INTO ${database}.otel_traces (${columns}) FORMAT ${format}`,
      values: Readable.from([bodies.get(batch.spans)]),
      clickhouse_settings: { insert_deduplication_token: `${token}/otel_traces` },
    });
    for await (const _ of result.stream) {
      // drain
    }
  };
  for (const batch of batches.slice(0, WARMUP)) await post(batch, `warmup/${batch.id}`);
  const seconds = await timed(batches, (batch) => post(batch, batch.id));
  await client.close();
  return SPANS / seconds;
}

async function timed(batches, write) {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (let batch = batches[next++]; batch !== undefined; batch = batches[next++]) await write(batch);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (performance.now() - started) / 1000;
}

if (writer !== undefined) {
  if (SPANS % BATCH !== 0)
    throw new Error(`BENCH_SPANS (${SPANS}) must be a multiple of BENCH_BATCH (${BATCH})`);
  const run = WRITERS[writer]?.run;
  if (run === undefined) throw new Error(`no writer "${writer}"; one of ${Object.keys(WRITERS).join(', ')}`);
  let peakRss = 0;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  // Built before the clock starts: the bench measures the writer, not the span generator.
  const pool = [];
  const batches = [];
  if (writer !== 'insert-select') {
    for (let first = 0, n = 0; first < SPANS; first += BATCH, n++) {
      if (pool.length < POOL) pool.push(Array.from({ length: BATCH }, (_, i) => lambdaSpan(first + i, base)));
      batches.push({ id: `bench/${first}`, spans: pool[n % POOL] });
    }
  }
  const rate = await run(batches);
  clearInterval(rssTimer);
  process.stdout.write(`${JSON.stringify({ rate, peakRss })}\n`);
}
