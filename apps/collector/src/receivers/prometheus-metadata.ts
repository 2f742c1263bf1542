import type { MetricMetadata } from '@firefly/prometheus-codec';

/**
 * Metric family metadata (type, help, unit) remembered across remote write requests: Prometheus
 * sends it in requests of its own, and samples without it fall back to guessing the type from the
 * name. Bounded, so a sender inventing family names cannot grow it without end: past `maxFamilies`
 * the family updated longest ago is forgotten (its samples go back to the suffix rules).
 */
export class MetadataMemory {
  private readonly families = new Map<string, MetricMetadata>();

  constructor(private readonly maxFamilies: number) {}

  /** What the codec looks families up in. */
  get known(): ReadonlyMap<string, MetricMetadata> {
    return this.families;
  }

  remember(entries: readonly MetricMetadata[]): void {
    for (const entry of entries) {
      // Delete first so that the Map's insertion order is the order of last update.
      this.families.delete(entry.metricFamilyName);
      this.families.set(entry.metricFamilyName, entry);
    }
    for (const name of this.families.keys()) {
      if (this.families.size <= this.maxFamilies) break;
      this.families.delete(name);
    }
  }
}
