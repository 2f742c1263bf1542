import type { InstrumentationScope, Resource } from '@firefly/model';

/**
 * Groups flat items back into OTLP's resource → scope nesting, by object identity (decoders share
 * one Resource and one InstrumentationScope object among the items that came together), keeping
 * first-seen order.
 */
export function groupByResourceAndScope<
  T extends { readonly resource: Resource; readonly scope: InstrumentationScope },
>(items: readonly T[]): Map<Resource, Map<InstrumentationScope, T[]>> {
  const groups = new Map<Resource, Map<InstrumentationScope, T[]>>();
  for (const item of items) {
    let scopes = groups.get(item.resource);
    if (scopes === undefined) {
      scopes = new Map();
      groups.set(item.resource, scopes);
    }
    const list = scopes.get(item.scope);
    if (list === undefined) scopes.set(item.scope, [item]);
    else list.push(item);
  }
  return groups;
}
