import type { MetricPoint, Span } from '@firefly/model';
import { diffValues } from './diff.js';

interface Identity<T> {
  /** Items with different keys are never compared with each other. */
  key(item: T): string;
  /** How a difference names the item, e.g. `span <trace>/<span>`. */
  label(item: T): string;
  /** How a difference names all items of one key, for counts. */
  groupLabel(item: T): string;
  /** Pairs up items of one key that are not exactly equal, so their differences can be listed. */
  order(a: T, b: T): number;
}

/**
 * Differences between the spans written and the spans read back, in any order: spans are matched
 * by trace and span id, then compared field by field. A span read back more often than written is
 * reported as stored N times; one not written at all as unexpected.
 */
export function diffSpans(expected: readonly Span[], actual: readonly Span[]): string[] {
  return diffByKey(expected, actual, SPAN_IDENTITY);
}

/**
 * Differences between the metric points written and read back, in any order: points are matched
 * by metric name and type, then by equality, then by time, and compared field by field (the
 * metric's resource and scope by value).
 */
export function diffMetricPoints(expected: readonly MetricPoint[], actual: readonly MetricPoint[]): string[] {
  return diffByKey(expected, actual, POINT_IDENTITY);
}

const SPAN_IDENTITY: Identity<Span> = {
  key: (span) => `${span.traceId}/${span.spanId}`,
  label: (span) => `span ${span.traceId}/${span.spanId}`,
  groupLabel: (span) => `span ${span.traceId}/${span.spanId}`,
  order: (a, b) => compareBigints(a.startTimeUnixNano, b.startTimeUnixNano),
};

const POINT_IDENTITY: Identity<MetricPoint> = {
  key: (point) => `${point.type}\u0000${point.metric.name}`,
  label: (point) => `${point.type} point of ${JSON.stringify(point.metric.name)} at ${point.timeUnixNano}`,
  groupLabel: (point) => `${point.type} points of ${JSON.stringify(point.metric.name)}`,
  order: (a, b) =>
    compareBigints(a.timeUnixNano, b.timeUnixNano) ||
    compareBigints(a.startTimeUnixNano, b.startTimeUnixNano),
};

function diffByKey<T>(expected: readonly T[], actual: readonly T[], identity: Identity<T>): string[] {
  const groups = new Map<string, { expected: T[]; actual: T[] }>();
  const groupOf = (item: T) => {
    const key = identity.key(item);
    let group = groups.get(key);
    if (group === undefined) {
      group = { expected: [], actual: [] };
      groups.set(key, group);
    }
    return group;
  };
  for (const item of expected) groupOf(item).expected.push(item);
  for (const item of actual) groupOf(item).actual.push(item);
  const differences: string[] = [];
  for (const group of groups.values()) differences.push(...diffGroup(group.expected, group.actual, identity));
  return differences;
}

function diffGroup<T>(expected: readonly T[], actual: readonly T[], identity: Identity<T>): string[] {
  const [first] = expected.length > 0 ? expected : actual;
  if (first === undefined) return [];
  if (expected.length === 0) {
    return [`unexpected ${identity.label(first)}${actual.length > 1 ? `, ${actual.length} times` : ''}`];
  }
  const leftActual = [...actual];
  const leftExpected: T[] = [];
  for (const item of expected) {
    const match = leftActual.findIndex((candidate) => diffValues(item, candidate).length === 0);
    if (match >= 0) leftActual.splice(match, 1);
    else leftExpected.push(item);
  }
  if (leftExpected.length === 0 && leftActual.length === 0) return [];
  if (actual.length !== expected.length && leftExpected.length === 0) {
    return [
      `${identity.groupLabel(first)}: stored ${times(actual.length)}, expected ${times(expected.length)}`,
    ];
  }
  return diffLeftovers(leftExpected, leftActual, identity);
}

function diffLeftovers<T>(expected: T[], actual: T[], identity: Identity<T>): string[] {
  expected.sort(identity.order);
  actual.sort(identity.order);
  const differences: string[] = [];
  expected.forEach((item, i) => {
    const label = identity.label(item);
    const counterpart = actual[i];
    if (counterpart === undefined) differences.push(`${label}: missing`);
    else differences.push(...diffValues(item, counterpart, label));
  });
  for (const extra of actual.slice(expected.length)) {
    differences.push(`${identity.label(extra)}: stored once more than written`);
  }
  return differences;
}

function times(count: number): string {
  return count === 1 ? 'once' : count === 2 ? 'twice' : `${count} times`;
}

function compareBigints(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
