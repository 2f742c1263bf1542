import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { jsonRecord, lambdaDatums, random } from '../../test-support/metric-stream.js';
import {
  decodeFirehoseRequest,
  decodeMetricStream,
  FirehoseError,
  type FirehoseErrorCode,
  type HttpHeaders,
  MAX_FIREHOSE_BODY_BYTES,
} from '../index.js';

const REQUEST_ID = 'ed4acda5-034f-9f42-bba1-f29aea6d7d8f';

/** Headers as Firehose sends them ("HTTP endpoint delivery request and response specifications"). */
function firehoseHeaders(extra: Record<string, string | string[] | undefined> = {}): HttpHeaders {
  return {
    'content-type': 'application/json',
    'x-amz-firehose-protocol-version': '1.0',
    'x-amz-firehose-request-id': REQUEST_ID,
    'x-amz-firehose-source-arn': 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/firefly-metrics',
    'x-amz-firehose-access-key': 'my-api-key',
    'x-amz-firehose-common-attributes': JSON.stringify({
      commonAttributes: { 'deployment -context': 'pre-prod-gamma', 'device-types': '' },
    }),
    ...extra,
  };
}

function body(records: Uint8Array[], overrides: Record<string, unknown> = {}): Buffer {
  const data = records.map((r) => ({ data: Buffer.from(r).toString('base64') }));
  return Buffer.from(
    JSON.stringify({ requestId: REQUEST_ID, timestamp: 1578090901599, records: data, ...overrides }),
  );
}

async function failure(headers: HttpHeaders, payload: Uint8Array, options = {}): Promise<FirehoseError> {
  try {
    await decodeFirehoseRequest(headers, payload, options);
  } catch (error) {
    if (error instanceof FirehoseError) return error;
    throw error;
  }
  return expect.fail('the request was accepted');
}

async function expectCode(
  code: FirehoseErrorCode,
  status: number,
  headers: HttpHeaders,
  payload: Uint8Array,
) {
  const error = await failure(headers, payload);
  expect(error.code).toBe(code);
  expect(error.statusCode).toBe(status);
  return error.message;
}

describe('decodeFirehoseRequest', () => {
  it("decodes AWS's documented example", async () => {
    const example = Buffer.from(
      JSON.stringify({
        requestId: REQUEST_ID,
        timestamp: 1578090901599,
        records: [{ data: 'aGVsbG8=' }, { data: 'aGVsbG8gd29ybGQ=' }],
      }),
    );
    const request = await decodeFirehoseRequest(firehoseHeaders(), example);
    expect(request).toEqual({
      requestId: REQUEST_ID,
      protocolVersion: '1.0',
      accessKey: 'my-api-key',
      sourceArn: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/firefly-metrics',
      commonAttributes: { 'deployment -context': 'pre-prod-gamma', 'device-types': '' },
      contentEncoding: 'identity',
      timestamp: 1578090901599,
      records: [Buffer.from('hello'), Buffer.from('hello world')],
    });
  });

  it('gunzips a gzip body and hands over metric stream records, empty records included', async () => {
    const records = [jsonRecord(lambdaDatums(3, 0)), jsonRecord(lambdaDatums(2, 60_000)), new Uint8Array(0)];
    const request = await decodeFirehoseRequest(
      firehoseHeaders({ 'content-encoding': 'gzip' }),
      gzipSync(body(records)),
    );
    expect(request.contentEncoding).toBe('gzip');
    expect(request.records.map((r) => r.length)).toEqual(records.map((r) => r.length));
    const decoded = decodeMetricStream(request.records, 'json');
    expect(decoded.rejected).toBe(0);
    expect(decoded.points).toHaveLength(lambdaDatums(3, 0).length + lambdaDatums(2, 0).length);
  });

  it('accepts mixed-case header names, a charset, a missing timestamp and absent optional headers', async () => {
    const request = await decodeFirehoseRequest(
      {
        'Content-Type': 'application/json; charset=utf-8',
        'X-Amz-Firehose-Protocol-Version': '1.0',
        'X-Amz-Firehose-Request-Id': REQUEST_ID,
      },
      body([Buffer.from('x')], { timestamp: undefined }),
    );
    expect(request).toMatchObject({
      accessKey: undefined,
      sourceArn: undefined,
      commonAttributes: {},
      timestamp: undefined,
    });
  });

  it('refuses missing, repeated and malformed headers', async () => {
    const ok = body([Buffer.from('x')]);
    const cases: [FirehoseErrorCode, number, HttpHeaders, RegExp][] = [
      [
        'MISSING_HEADER',
        400,
        firehoseHeaders({ 'x-amz-firehose-request-id': undefined }),
        /Request-Id is missing/,
      ],
      [
        'MISSING_HEADER',
        400,
        firehoseHeaders({ 'x-amz-firehose-protocol-version': undefined }),
        /Protocol-Version is missing/,
      ],
      [
        'UNSUPPORTED_PROTOCOL_VERSION',
        400,
        firehoseHeaders({ 'x-amz-firehose-protocol-version': '2.0' }),
        /"2.0"; only 1.0/,
      ],
      [
        'INVALID_HEADER',
        400,
        firehoseHeaders({ 'x-amz-firehose-request-id': [REQUEST_ID, 'other'] }),
        /appears 2 times/,
      ],
      [
        'INVALID_HEADER',
        400,
        firehoseHeaders({ 'x-amz-firehose-access-key': 'k'.repeat(4097) }),
        /4096 bytes/,
      ],
      [
        'INVALID_HEADER',
        400,
        firehoseHeaders({ 'x-amz-firehose-common-attributes': '{"commonAttributes":' }),
        /not JSON/,
      ],
      [
        'INVALID_HEADER',
        400,
        firehoseHeaders({ 'x-amz-firehose-common-attributes': '{"a":"b"}' }),
        /must be a JSON object/,
      ],
      [
        'INVALID_HEADER',
        400,
        firehoseHeaders({ 'x-amz-firehose-common-attributes': '{"commonAttributes":{"n":1}}' }),
        /"n" is not a string/,
      ],
      [
        'INVALID_HEADER',
        400,
        firehoseHeaders({
          'x-amz-firehose-common-attributes': JSON.stringify({
            commonAttributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])),
          }),
        }),
        /has 51 attributes, more than 50/,
      ],
      ['UNSUPPORTED_ENCODING', 415, firehoseHeaders({ 'content-encoding': 'br' }), /"br"/],
      ['UNSUPPORTED_CONTENT_TYPE', 415, firehoseHeaders({ 'content-type': 'text/plain' }), /"text\/plain"/],
    ];
    for (const [code, status, headers, message] of cases) {
      expect(await expectCode(code, status, headers, ok)).toMatch(message);
    }
  });

  it('refuses a body that is not the JSON document Firehose sends', async () => {
    const headers = firehoseHeaders();
    const cases: [string | Buffer, RegExp][] = [
      ['{"requestId": ', /^the body is not JSON \(/],
      ['[]', /must be a JSON object/],
      [JSON.stringify({ records: [{ data: '' }] }), /"requestId" must be a non-empty string/],
      [
        JSON.stringify({ requestId: REQUEST_ID, timestamp: 'now', records: [{ data: '' }] }),
        /"timestamp" must be an integer/,
      ],
      [JSON.stringify({ requestId: REQUEST_ID, records: {} }), /"records" must be an array/],
      [
        JSON.stringify({ requestId: REQUEST_ID, records: [{ data: '' }, {}] }),
        /records\[1\]\.data must be a base64 string/,
      ],
      [Buffer.from([0x7b, 0xff, 0x7d]), /not valid UTF-8/],
    ];
    for (const [payload, message] of cases) {
      expect(await expectCode('INVALID_JSON', 400, headers, Buffer.from(payload))).toMatch(message);
    }
  });

  it('refuses a body whose requestId is not the header one', async () => {
    const message = await expectCode(
      'REQUEST_ID_MISMATCH',
      400,
      firehoseHeaders(),
      body([], { requestId: 'abc', records: [{ data: '' }] }),
    );
    expect(message).toBe(`the body's requestId "abc" is not X-Amz-Firehose-Request-Id "${REQUEST_ID}"`);
  });

  it('refuses 0 and 10,001 records, and takes 10,000', async () => {
    expect(await expectCode('INVALID_RECORD_COUNT', 400, firehoseHeaders(), body([]))).toBe(
      'the body has 0 records; Firehose sends 1 to 10000',
    );
    const many = (n: number) => body(Array.from({ length: n }, () => Buffer.from('r')));
    expect(await expectCode('INVALID_RECORD_COUNT', 400, firehoseHeaders(), many(10_001))).toMatch(
      /has 10001 records/,
    );
    expect((await decodeFirehoseRequest(firehoseHeaders(), many(10_000))).records).toHaveLength(10_000);
  });

  it('refuses record data that is not strict, padded base64 or longer than Firehose allows', async () => {
    for (const data of ['aGVsbG8', 'aGVs!G8=', 'aGVsbG8=\n', '====', 'aGVsbG8=aGVs']) {
      const message = await expectCode(
        'INVALID_BASE64',
        400,
        firehoseHeaders(),
        body([], { records: [{ data: 'QQ==' }, { data }] }),
      );
      expect(message).toBe('records[1].data is not standard padded base64');
    }
    const long = 'A'.repeat(1_365_340);
    expect(
      await expectCode('INVALID_BASE64', 400, firehoseHeaders(), body([], { records: [{ data: long }] })),
    ).toBe('records[0].data is 1365340 base64 characters, more than the 1365336 Firehose allows');
  });

  it('refuses a body that says gzip but is not', async () => {
    const gzip = gzipSync(body([Buffer.from('x')]));
    for (const payload of [body([Buffer.from('x')]), gzip.subarray(0, gzip.length - 4)]) {
      const message = await expectCode(
        'INVALID_GZIP',
        400,
        firehoseHeaders({ 'content-encoding': 'gzip' }),
        payload,
      );
      expect(message).toMatch(/^the body is not valid gzip \(/);
    }
  });

  it('refuses a body over the limit before decompression', async () => {
    const payload = body([Buffer.alloc(2000)]);
    const error = await failure(firehoseHeaders(), payload, { maxBodyBytes: 1000 });
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.statusCode).toBe(413);
    expect(error.message).toBe(`the body is ${payload.length} bytes, more than the limit of 1000 bytes`);
  });

  it('stops a gzip bomb at the limit: 1 GiB of zeros in 130 KB is refused at 64 MiB', async () => {
    // Concatenated gzip members decompress one after the other, as Node and Firehose read them.
    const member = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 128 }, () => member));
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    const error = await failure(firehoseHeaders({ 'content-encoding': 'gzip' }), bomb);
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.message).toBe(
      `the body decompresses to more than the limit of ${MAX_FIREHOSE_BODY_BYTES} bytes`,
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(256 * 1024 * 1024);
  });

  it('applies a smaller limit after decompression too', async () => {
    const payload = gzipSync(body([Buffer.alloc(100_000)]));
    expect(payload.length).toBeLessThan(2000);
    const error = await failure(firehoseHeaders({ 'content-encoding': 'gzip' }), payload, {
      maxBodyBytes: 10_000,
    });
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 2,000 random mutations and truncations of plain and gzip bodies with a result or a FirehoseError', async () => {
    const plain = body([jsonRecord(lambdaDatums(1, 0)), Buffer.from('second')]);
    const sources: [Buffer, HttpHeaders][] = [
      [plain, firehoseHeaders()],
      [gzipSync(plain), firehoseHeaders({ 'content-encoding': 'gzip' })],
    ];
    const next = random(5);
    const codes = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const [source, headers] = sources[i % 2] as [Buffer, HttpHeaders];
      const bytes = Buffer.from(
        source.subarray(0, next() < 0.2 ? Math.floor(next() * source.length) : source.length),
      );
      for (let f = 0; f < 1 + Math.floor(next() * 3); f++)
        bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      try {
        const request = await decodeFirehoseRequest(headers, bytes);
        codes.add('ok');
        expect(request.records.length).toBeGreaterThan(0);
      } catch (error) {
        if (!(error instanceof FirehoseError)) throw error;
        codes.add(error.code);
      }
    }
    expect(codes).toContain('INVALID_JSON');
    expect(codes).toContain('INVALID_GZIP');
  });
});
