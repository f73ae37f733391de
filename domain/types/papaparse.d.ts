// The part of papaparse that domain/ uses, declared without Node's types. @types/papaparse starts
// with `/// <reference types="node" />`, which would bring Buffer, process and node:fs into the
// pure domain build and let an accidental Node import pass its typecheck. domain/tsconfig.json
// maps 'papaparse' here; the rest of the project keeps the full declarations.
declare module 'papaparse' {
  export interface ParseMeta {
    cursor: number;
  }
  export interface ParseStepResult<T> {
    data: T;
    errors: { message: string; row?: number }[];
    meta: ParseMeta;
  }
  export interface ParseConfig<T> {
    header?: false;
    skipEmptyLines?: boolean | 'greedy';
    step?: (results: ParseStepResult<T>) => void;
  }
  const Papa: { parse<T>(input: string, config: ParseConfig<T>): void };
  export default Papa;
}
