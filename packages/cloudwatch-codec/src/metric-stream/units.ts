/**
 * CloudWatch units as AWS translates them for its OpenTelemetry output formats ("Translations with
 * OpenTelemetry 1.0.0 format"): the case-sensitive UCUM variant, `None` as `1`, `Count` as
 * `{Count}`, and units combined with a slash translated on both sides (`Bytes/Second` → `By/s`).
 * The table is AWS's, including its spelling of `MBit` and `GBit`, so that a JSON stream and an
 * OpenTelemetry stream of the same metric carry the same unit.
 */
const UCUM: ReadonlyMap<string, string> = new Map([
  ['Second', 's'],
  ['Seconds', 's'],
  ['Microsecond', 'us'],
  ['Microseconds', 'us'],
  ['Milliseconds', 'ms'],
  ['Bytes', 'By'],
  ['Kilobytes', 'kBy'],
  ['Megabytes', 'MBy'],
  ['Gigabytes', 'GBy'],
  ['Terabytes', 'TBy'],
  ['Bits', 'bit'],
  ['Kilobits', 'kbit'],
  ['Megabits', 'MBit'],
  ['Gigabits', 'GBit'],
  ['Terabits', 'Tbit'],
  ['Percent', '%'],
  ['Count', '{Count}'],
  ['None', '1'],
]);

/** The OpenTelemetry unit of a CloudWatch unit; a unit outside AWS's table is kept as it is. */
export function ucumUnit(cloudWatchUnit: string): string {
  const direct = UCUM.get(cloudWatchUnit);
  if (direct !== undefined) return direct;
  const slash = cloudWatchUnit.indexOf('/');
  if (slash > 0) {
    const top = UCUM.get(cloudWatchUnit.slice(0, slash));
    const bottom = UCUM.get(cloudWatchUnit.slice(slash + 1));
    if (top !== undefined && bottom !== undefined) return `${top}/${bottom}`;
  }
  return cloudWatchUnit;
}
