import { endianness } from 'node:os';

// Reading a double as its two 32-bit halves is the only way to see Prometheus's staleness marker:
// JavaScript does not promise to keep a NaN's payload bits through a number.
const doubles = new Float64Array(1);
const words = new Uint32Array(doubles.buffer);
const [LOW, HIGH] = endianness() === 'LE' ? [0, 1] : [1, 0];

/** Prometheus's staleness marker: a NaN with these bits (value.StaleNaN). */
export const STALE_NAN_HIGH = 0x7ff00000;
export const STALE_NAN_LOW = 0x00000002;
/** The NaN Prometheus writes for an ordinary NaN sample (value.NormalNaN). */
const NORMAL_NAN_HIGH = 0x7ff80000;
const NORMAL_NAN_LOW = 0x00000001;

export function doubleFromWords(low: number, high: number): number {
  words[LOW] = low;
  words[HIGH] = high;
  return doubles[0] as number;
}

export function isStaleWords(low: number, high: number): boolean {
  return low === STALE_NAN_LOW && high === STALE_NAN_HIGH;
}

/** The two 32-bit halves to write for `value`; any NaN that is not stale is written as NormalNaN. */
export function wordsOfDouble(value: number, stale: boolean): [low: number, high: number] {
  if (stale) return [STALE_NAN_LOW, STALE_NAN_HIGH];
  if (Number.isNaN(value)) return [NORMAL_NAN_LOW, NORMAL_NAN_HIGH];
  doubles[0] = value;
  return [words[LOW] as number, words[HIGH] as number];
}
