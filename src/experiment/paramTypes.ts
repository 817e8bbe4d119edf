/** The shape of a parameter of the schema table (src/experiment/schema.ts), import-free so task folders can declare theirs. */
export type ParamGroup = 'data' | 'model' | 'training' | 'run';

interface Base<K extends string> {
  key: K;
  group: ParamGroup;
  label: string;
  hint: string;
  /** The task this parameter belongs to (src/tasks/<id>/params.ts); absent: every task has it. */
  task?: string;
}
export interface IntParam<K extends string = string> extends Base<K> {
  type: 'int';
  default: number;
  min: number;
  max: number;
  step?: number;
}
export interface FloatParam<K extends string = string> extends Base<K> {
  type: 'float';
  default: number;
  min: number;
  max: number;
  step: number;
  log?: boolean;
}
export interface EnumParam<K extends string = string, V extends string = string> extends Base<K> {
  type: 'enum';
  default: V;
  options: readonly V[];
  /** Friendlier names for the options in the controls; the value in the link stays the option itself. */
  optionLabels?: Readonly<Record<V, string>>;
}
/** A short lowercase hex string (e.g. a file's sha-256 prefix): exactly `length` digits, or '' for none (the default). */
export interface HexParam<K extends string = string> extends Base<K> {
  type: 'hex';
  default: '';
  length: number;
}
export type Param = IntParam | FloatParam | EnumParam | HexParam;
