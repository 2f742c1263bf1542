import { describe, expect, it } from 'vitest';
import { decodeMetricsJson, decodeTracesJson, OtlpDecodeError } from '../index.js';

const TRACE_ID = '5B8EFFF798038103D269B633813FC60C';
const SPAN_ID = 'EEE19B7EC3C1B174';

function traces(span: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [{ scope: { name: 'lib' }, spans: [{ traceId: TRACE_ID, spanId: SPAN_ID, ...span }] }],
        ...extra,
      },
    ],
  });
}

describe('OTLP/JSON per the OTLP/HTTP spec', () => {
  it('reads hex ids in any case, int64 as string or number, integer or named enums, and ignores unknown fields', () => {
    const { spans } = decodeTracesJson(
      traces(
        {
          name: 'op',
          kind: 'SPAN_KIND_CLIENT',
          startTimeUnixNano: '1764000000123456789',
          endTimeUnixNano: 1764000000,
          status: { code: 2, message: 'boom', futureField: 1 },
          attributes: [
            { key: 'int.string', value: { intValue: '-9223372036854775808' } },
            { key: 'int.number', value: { intValue: 42 } },
            { key: 'double.nan', value: { doubleValue: 'NaN' } },
            { key: 'double.inf', value: { doubleValue: '-Infinity' } },
            { key: 'bytes', value: { bytesValue: 'AP8=' } },
            { key: 'bytes.url', value: { bytesValue: '_-8' } },
            { key: 'empty', value: {} },
            { key: 'missing' },
            { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: false }] } } },
            { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { doubleValue: 1 } }] } } },
          ],
          someNewField: { nested: true },
        },
        { unknownTopLevel: [] },
      ),
    );
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect(span?.traceId).toBe(TRACE_ID.toLowerCase());
    expect(span?.spanId).toBe(SPAN_ID.toLowerCase());
    expect(span?.kind).toBe(3);
    expect(span?.startTimeUnixNano).toBe(1_764_000_000_123_456_789n);
    expect(span?.endTimeUnixNano).toBe(1_764_000_000n);
    expect(span?.status).toEqual({ code: 2, message: 'boom' });
    expect(span?.attributes).toEqual({
      'int.string': -(2n ** 63n),
      'int.number': 42n,
      'double.nan': Number.NaN,
      'double.inf': Number.NEGATIVE_INFINITY,
      bytes: new Uint8Array([0, 255]),
      'bytes.url': new Uint8Array([255, 239]),
      empty: null,
      missing: null,
      list: ['a', false],
      map: { k: 1 },
    });
    expect(span?.resource.serviceName).toBe('svc');
  });

  it('treats null as the default value', () => {
    const { spans } = decodeTracesJson(
      traces({ name: null, kind: null, events: null, status: null, parentSpanId: null }),
    );
    expect(spans[0]).toMatchObject({
      name: '',
      kind: 0,
      events: [],
      parentSpanId: '',
      status: { code: 0, message: '' },
    });
  });

  it.each([
    [{ name: 5 }, 'resourceSpans[0].scopeSpans[0].spans[0].name: expected a string, got number 5'],
    [
      { startTimeUnixNano: '12.5' },
      'spans[0].startTimeUnixNano: expected an integer (number or decimal string), got "12.5"',
    ],
    [{ startTimeUnixNano: '-1' }, 'spans[0].startTimeUnixNano: -1 is out of range for a 64-bit integer'],
    [{ traceId: 'zz'.repeat(16) }, 'spans[0].traceId: expected hex digits'],
    [
      { kind: 'SERVER' },
      'spans[0].kind: unknown value "SERVER"; expected an integer or one of SPAN_KIND_UNSPECIFIED',
    ],
    [{ events: {} }, 'spans[0].events: expected an array, got an object'],
    [{ events: [{ name: 'e' }, 7] }, 'spans[0].events.1: expected an object, got number 7'],
    [
      { attributes: [{ key: 'k', value: { intValue: 'ten' } }] },
      'spans[0].attributes[0].value.intValue: expected an integer (number or decimal string), got "ten"',
    ],
    [
      { attributes: [{ key: 'k', value: { bytesValue: '***' } }] },
      'attributes[0].value.bytesValue: expected base64',
    ],
    [{ droppedAttributesCount: -0.5 }, 'spans[0].droppedAttributesCount: expected a 32-bit integer'],
  ])('names the path of a type error: %j', (span, message) => {
    expect(() => decodeTracesJson(traces(span))).toThrow(OtlpDecodeError);
    expect(() => decodeTracesJson(traces(span))).toThrow(message);
  });

  it.each([
    ['not JSON', '{"resourceSpans": [', 'INVALID_JSON'],
    ['a JSON array', '[]', 'INVALID_JSON'],
    [
      '200,000 levels of unknown nested JSON (parsed without recursion, ignored)',
      `{"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`,
      'ok',
    ],
  ])('%s', (_what, body, code) => {
    let result = 'ok';
    try {
      decodeTracesJson(body);
    } catch (error) {
      expect(error).toBeInstanceOf(OtlpDecodeError);
      result = (error as OtlpDecodeError).code;
    }
    expect(result).toBe(code);
  });

  it('refuses attribute values nested deeper than the limit', () => {
    let value: unknown = { stringValue: 'leaf' };
    for (let i = 0; i < 40; i++) value = { arrayValue: { values: [value] } };
    expect(() => decodeTracesJson(traces({ attributes: [{ key: 'deep', value }] }))).toThrow(
      /attribute values nest deeper than 32/,
    );
  });

  it('refuses a body that is not UTF-8', () => {
    const body = Buffer.concat([
      Buffer.from('{"resourceSpans":[{"x":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}]}'),
    ]);
    expect(() => decodeTracesJson(body)).toThrow(
      new OtlpDecodeError('INVALID_UTF8', 'OTLP/JSON: the body is not valid UTF-8'),
    );
  });

  it('reads metric points with numbers as strings and NaN quantiles', () => {
    const { points } = decodeMetricsJson(
      JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'lat',
                    summary: {
                      dataPoints: [
                        {
                          count: '3',
                          sum: '1.5',
                          quantileValues: [{ quantile: 0.5, value: 'NaN' }],
                          timeUnixNano: 9,
                        },
                      ],
                    },
                  },
                  {
                    name: 'c',
                    sum: {
                      aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA',
                      isMonotonic: true,
                      dataPoints: [{ asInt: '9223372036854775807' }],
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(points[0]).toMatchObject({ type: 'summary', count: 3n, sum: 1.5, timeUnixNano: 9n });
    expect(points[0]?.type === 'summary' && Number.isNaN(points[0].quantiles[0]?.value)).toBe(true);
    expect(points[1]).toMatchObject({ type: 'sum', value: 2n ** 63n - 1n, temporality: 1, monotonic: true });
    expect(() =>
      decodeMetricsJson(
        JSON.stringify({
          resourceMetrics: [
            {
              scopeMetrics: [
                { metrics: [{ name: 'c', sum: { dataPoints: [{ asInt: '18446744073709551615' }] } }] },
              ],
            },
          ],
        }),
      ),
    ).toThrow('asInt: 18446744073709551615 is out of range for a 64-bit integer');
  });
});
