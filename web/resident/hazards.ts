// The hazard vocabulary of the schema, repeated here as a plain list because domain/schema.ts
// imports Yjs at run time and must stay out of this page's first load. A unit test keeps the
// two lists equal.
import type { Hazard } from '../../domain/schema';

export const HAZARD_LIST: readonly Hazard[] = [
  'flood', 'landslide', 'storm-surge', 'earthquake', 'tsunami', 'fire', 'inland-flood', 'volcano',
];
