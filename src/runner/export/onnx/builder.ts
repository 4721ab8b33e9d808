// Building an ONNX graph op by op: unique value names, initializers from typed arrays, and nodes whose outputs are
// returned by name, so graph code reads like the computation it writes.
import { DTYPE, type AttributeValue, type GraphValue, type NodeValue, type TensorValue, type ValueInfo } from './proto';

export type Attrs = Record<string, number | string | number[] | string[] | AttributeValue>;

function toAttribute(v: number | string | number[] | string[] | AttributeValue): AttributeValue {
  if (typeof v === 'number') return { kind: 'int', value: v };
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (Array.isArray(v)) return v.length && typeof v[0] === 'string' ? { kind: 'strings', value: v as string[] } : { kind: 'ints', value: v as number[] };
  return v;
}

export class GraphBuilder {
  private readonly nodes: NodeValue[] = [];
  private readonly initializers: TensorValue[] = [];
  private readonly used = new Set<string>();
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];

  /** prefix keeps a subgraph's names apart from its parent's (a Scan body sees the outer scope). */
  constructor(private readonly prefix = '') {}

  name(hint: string): string {
    const base = this.prefix + hint;
    let n = base;
    for (let k = 2; this.used.has(n); k++) n = `${base}_${k}`;
    this.used.add(n);
    return n;
  }

  /** A float32 initializer. */
  floats(hint: string, dims: number[], values: ArrayLike<number>): string {
    const name = this.name(hint);
    const data = Float32Array.from(values);
    this.initializers.push({ name, dims, dtype: DTYPE.float, raw: new Uint8Array(data.buffer) });
    return name;
  }

  /** An int64 initializer (shapes, axes, indices). */
  int64s(hint: string, dims: number[], values: number[]): string {
    const name = this.name(hint);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims, dtype: DTYPE.int64, raw: new Uint8Array(data.buffer) });
    return name;
  }

  /** One node; returns its outputs' names: `outputs` new ones, or the names given. */
  op(opType: string, inputs: string[], attrs: Attrs = {}, outputs: number | string[] = 1): string[] {
    const outs = Array.isArray(outputs) ? outputs.map((n) => this.name(n)) : Array.from({ length: outputs }, () => this.name(opType.toLowerCase()));
    const attributes = Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, toAttribute(v)]));
    this.nodes.push({ opType, inputs, outputs: outs, name: this.name(`${opType}_node`), attributes });
    return outs;
  }

  /** A node with one output. */
  op1(opType: string, inputs: string[], attrs: Attrs = {}): string {
    return this.op(opType, inputs, attrs)[0];
  }

  graph(name: string): GraphValue {
    return { name, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs };
  }
}
