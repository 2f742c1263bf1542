import type { QuantileValue } from '@firefly/model';

/** The statistics of one CloudWatch data point, as the model's summary point holds them. */
export interface StatisticValues {
  count: bigint;
  sum: number;
  /** Sorted by quantile: `min` is 0, `pNN` is 0.NN, `max` is 1. */
  quantiles: QuantileValue[];
  /** Every other statistic by its CloudWatch name, e.g. `TM(25%:75%)`, `wm90`, `PR(:300)`. */
  statistics: Record<string, number>;
}

const PERCENTILE = /^[pP](\d{1,3})(?:\.(\d+))?$/;

/**
 * The quantile of a percentile statistic name (`p99` → 0.99, `p99.9` → 0.999), or undefined for
 * any other name. The decimal point is moved in the text, not by dividing by 100, so the result is
 * the double nearest the decimal quantile, as AWS writes it in its OpenTelemetry formats
 * (99.9 / 100 would be 0.9990000000000001).
 */
export function percentileQuantile(name: string): number | undefined {
  const known = KNOWN.get(name);
  if (known !== undefined || KNOWN.has(name)) return known;
  const quantile = parsePercentile(name);
  // A stream uses a handful of statistic names; remember them, within reason.
  if (KNOWN.size < 1000) KNOWN.set(name, quantile);
  return quantile;
}

const KNOWN = new Map<string, number | undefined>();

function parsePercentile(name: string): number | undefined {
  const match = PERCENTILE.exec(name);
  if (match === null) return undefined;
  const whole = Number(match[1]);
  const fraction = match[2] ?? '';
  if (whole === 100) return /^0*$/.test(fraction) ? 1 : undefined;
  if (whole > 100) return undefined;
  return Number(`0.${String(whole).padStart(2, '0')}${fraction}`);
}

/** Reads a JSON metric stream `value` object, or says what is wrong with it. */
export function readStatisticValues(value: unknown): StatisticValues | string {
  if (!isObject(value)) return `"value" must be an object, got ${describe(value)}`;
  let count: number | undefined;
  let sum: number | undefined;
  const quantiles: QuantileValue[] = [];
  const percentiles: [string, QuantileValue][] = [];
  const statistics: Record<string, number> = {};
  for (const key in value) {
    const number = value[key];
    if (typeof number !== 'number') return `"value.${key}" must be a number, got ${describe(number)}`;
    if (key === 'count') count = number;
    else if (key === 'sum') sum = number;
    else if (key === 'min') quantiles.push({ quantile: 0, value: number });
    else if (key === 'max') quantiles.push({ quantile: 1, value: number });
    else {
      const quantile = percentileQuantile(key);
      if (quantile === undefined) setStatistic(statistics, key, number);
      else percentiles.push([key, { quantile, value: number }]);
    }
  }
  if (count === undefined) return '"value.count" is missing';
  if (!Number.isSafeInteger(count) || count < 0)
    return `"value.count" must be a non-negative integer, got ${describe(count)}`;
  if (sum === undefined) return '"value.sum" is missing';
  // min and max own quantiles 0 and 1; a percentile landing on a taken quantile (p0, p100, p99 and
  // p99.0) stays a statistic under its own name, so nothing is lost and quantiles stay distinct.
  for (const [name, entry] of percentiles) {
    if (quantiles.some((q) => q.quantile === entry.quantile)) setStatistic(statistics, name, entry.value);
    else quantiles.push(entry);
  }
  quantiles.sort((a, b) => a.quantile - b.quantile);
  return { count: BigInt(count), sum, quantiles, statistics };
}

/** `statistics[name] = value`, with `__proto__` stored as an ordinary key. */
function setStatistic(statistics: Record<string, number>, name: string, value: number): void {
  if (name === '__proto__') {
    Object.defineProperty(statistics, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    statistics[name] = value;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short rendering of a bad value for an error message. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
