import type { Label, TimeSeries } from './write-request.js';

export const METRIC_NAME_LABEL = '__name__';

/**
 * Why a series breaks remote write 1.0's rules, or undefined if it is valid: labels sorted by name
 * (in byte order, as Prometheus compares them), names unique and non-empty, values non-empty, and
 * a non-empty `__name__`. Label name characters are not checked, so Prometheus 3's UTF-8 names pass.
 */
export function seriesProblem(series: TimeSeries): string | undefined {
  const labels = series.labels;
  let hasName = false;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as Label;
    if (label.name === '') return `label ${i} has an empty name`;
    if (label.value === '') return `label "${label.name}" has an empty value`;
    if (i > 0) {
      const previous = (labels[i - 1] as Label).name;
      if (previous === label.name) return `label "${label.name}" appears twice`;
      if (!precedesInByteOrder(previous, label.name)) {
        return `labels are not sorted by name ("${previous}" comes before "${label.name}")`;
      }
    }
    if (label.name === METRIC_NAME_LABEL) hasName = true;
  }
  return hasName ? undefined : `the series has no ${METRIC_NAME_LABEL} label`;
}

/**
 * a < b by UTF-8 bytes, which is code point order. JavaScript's `<` compares UTF-16 code units,
 * which disagrees only when a surrogate pair meets a character from U+E000 to U+FFFF.
 */
export function precedesInByteOrder(a: string, b: string): boolean {
  const shorter = Math.min(a.length, b.length);
  for (let i = 0; i < shorter; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) {
      return (a.codePointAt(i) as number) < (b.codePointAt(i) as number);
    }
  }
  return a.length < b.length;
}

/** The value of `__name__`, or '' (series are validated first, so '' means "not checked"). */
export function metricNameOf(labels: readonly Label[]): string {
  for (const label of labels) if (label.name === METRIC_NAME_LABEL) return label.value;
  return '';
}
