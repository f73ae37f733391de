// Reading the attributes of GeoJSON features as cities export them (closures, hazard areas).

/** Every property key used by the file's features, in first-seen order. */
export function propertyKeys(features: readonly unknown[]): string[] {
  const keys = new Set<string>();
  for (const f of features) {
    const props = (f as { properties?: unknown } | null)?.properties;
    if (props && typeof props === 'object') for (const k of Object.keys(props)) keys.add(k);
  }
  return [...keys];
}
