import {
  type Attributes,
  type AttributeValue,
  createAttributes,
  type InstrumentationScope,
  type Metric,
  type MetricPoint,
  type Resource,
  type Span,
  setAttribute,
} from '@firefly/model';

export function attributes(entries: [string, AttributeValue][]): Attributes {
  const out = createAttributes();
  for (const [key, value] of entries) setAttribute(out, key, value);
  return out;
}

/** Every attribute type and the values storage must keep exactly. */
export const EXOTIC_ATTRIBUTES: Attributes = attributes([
  ['string', 'quotes " and \' backslash \\ NUL \u0000 newline \n tab \t emoji 🚀 CJK 東京'],
  ['empty.string', ''],
  ['', 'empty key'],
  ['__proto__', 'an ordinary key'],
  ['constructor', 'another'],
  ['bool.true', true],
  ['bool.false', false],
  ['int.max', 2n ** 63n - 1n],
  ['int.min', -(2n ** 63n)],
  ['int.beyond.double', 2n ** 53n + 1n],
  ['int.zero', 0n],
  ['int.negative', -1n],
  ['double', Math.PI],
  ['double.zero', 0],
  ['double.negative.zero', -0],
  ['double.nan', Number.NaN],
  ['double.inf', Number.POSITIVE_INFINITY],
  ['double.-inf', Number.NEGATIVE_INFINITY],
  ['double.tiny', 5e-324],
  ['bytes', new Uint8Array([0, 1, 2, 254, 255])],
  ['bytes.empty', new Uint8Array([])],
  ['null', null],
  ['array', ['a', 1n, 2.5, true, null, new Uint8Array([9]), ['nested', ['deeper']]]],
  ['array.empty', []],
  [
    'kvlist',
    attributes([
      ['inner', 'v'],
      ['list', [1n, 2n]],
      ['map', attributes([['deep', true]])],
    ]),
  ],
  ['kvlist.empty', createAttributes()],
  ['long.value', 'x'.repeat(4096)],
]);

export const RESOURCE: Resource = {
  attributes: attributes([
    ['service.name', 'exotic'],
    ['host.id', 'i-123'],
  ]),
  droppedAttributesCount: 2,
  schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
  serviceName: 'exotic',
};

export const SCOPE: InstrumentationScope = {
  name: 'exotic-scope',
  version: '9.9.9',
  attributes: attributes([['scope.attr', 1n]]),
  droppedAttributesCount: 1,
  schemaUrl: 'https://opentelemetry.io/schemas/1.27.0',
};

export function exoticSpans(): Span[] {
  const base = {
    resource: RESOURCE,
    scope: SCOPE,
    traceState: '',
    flags: 0,
    kind: 1,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
  };
  return [
    {
      ...base,
      traceId: '00000000000000000000000000000000',
      spanId: '0000000000000000',
      parentSpanId: '',
      name: '',
      startTimeUnixNano: 0n,
      endTimeUnixNano: 2n ** 64n - 1n,
      attributes: EXOTIC_ATTRIBUTES,
    },
    {
      ...base,
      traceId: 'ffffffffffffffffffffffffffffffff',
      spanId: 'ffffffffffffffff',
      parentSpanId: '0123456789abcdef',
      traceState: 'a=1,b=2',
      flags: 0x301,
      name: 'span ✓',
      kind: 5,
      startTimeUnixNano: 1_764_000_000_123_456_789n,
      endTimeUnixNano: 1_764_000_000_123_456_790n,
      attributes: attributes([['k', 'v']]),
      droppedAttributesCount: 4_294_967_295,
      events: [
        { timeUnixNano: 1n, name: 'e', attributes: EXOTIC_ATTRIBUTES, droppedAttributesCount: 3 },
        { timeUnixNano: 0n, name: '', attributes: createAttributes(), droppedAttributesCount: 0 },
      ],
      droppedEventsCount: 7,
      links: [
        {
          traceId: '0af7651916cd43dd8448eb211c80319c',
          spanId: 'b7ad6b7169203331',
          traceState: 'x=y',
          attributes: attributes([['link', true]]),
          droppedAttributesCount: 1,
          flags: 0x101,
        },
      ],
      droppedLinksCount: 9,
      status: { code: 2, message: 'failed: "quoted"' },
    },
  ];
}

export function exoticPoints(): MetricPoint[] {
  const metric = (name: string, unit = ''): Metric => ({
    resource: RESOURCE,
    scope: SCOPE,
    name,
    description: `${name} description`,
    unit,
    metadata: attributes([['prometheus.type', 'counter']]),
  });
  const base = { attributes: EXOTIC_ATTRIBUTES, startTimeUnixNano: 1n, timeUnixNano: 2n ** 63n, flags: 1 };
  const exemplar = {
    filteredAttributes: attributes([['user', 'u1']]),
    timeUnixNano: 5n,
    value: -(2n ** 63n),
    spanId: 'b7ad6b7169203331',
    traceId: '0af7651916cd43dd8448eb211c80319c',
  };
  const gauge = metric('g', 'By');
  return [
    { ...base, metric: gauge, type: 'gauge', value: Number.NaN, exemplars: [] },
    { ...base, metric: gauge, type: 'gauge', value: 2n ** 63n - 1n, exemplars: [exemplar] },
    { ...base, metric: metric('s'), type: 'sum', value: 0, temporality: 1, monotonic: true, exemplars: [] },
    {
      ...base,
      metric: metric('h', 's'),
      type: 'histogram',
      temporality: 2,
      count: 2n ** 64n - 1n,
      sum: Number.NEGATIVE_INFINITY,
      min: -0,
      max: undefined,
      explicitBounds: [0, 0.5, Number.POSITIVE_INFINITY],
      bucketCounts: [0n, 1n, 2n ** 63n, 7n],
      exemplars: [{ ...exemplar, value: 0.25, spanId: '', traceId: '' }],
    },
    {
      ...base,
      metric: metric('h.empty'),
      type: 'histogram',
      temporality: 1,
      count: 0n,
      sum: undefined,
      min: undefined,
      max: undefined,
      explicitBounds: [],
      bucketCounts: [],
      exemplars: [],
    },
    {
      ...base,
      metric: metric('eh'),
      type: 'exponential_histogram',
      temporality: 2,
      count: 10n,
      sum: 12.5,
      min: 0.001,
      max: 1e300,
      scale: -10,
      zeroCount: 3n,
      zeroThreshold: 1e-9,
      positive: { offset: -5, bucketCounts: [1n, 0n, 2n ** 64n - 1n] },
      negative: { offset: 2_147_483_647, bucketCounts: [4n] },
      exemplars: [exemplar],
    },
    {
      ...base,
      metric: metric('sm'),
      type: 'summary',
      count: 42n,
      sum: 99.5,
      quantiles: [
        { quantile: 0, value: 0.1 },
        { quantile: 0.99, value: Number.NaN },
        { quantile: 1, value: 1e9 },
      ],
      statistics: {},
    },
  ];
}
