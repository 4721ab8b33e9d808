// The ONNX file format: protocol buffers of onnx.proto (ModelProto and what it holds), encoded here from plain objects
// so that exporting a trained model needs neither Python nor a protobuf library. Field numbers are onnx.proto's.

/** onnx.TensorProto.DataType values used here. */
export const DTYPE = { float: 1, int32: 6, int64: 7, bool: 9 } as const;

export interface TensorValue {
  name: string;
  dims: number[];
  dtype: (typeof DTYPE)[keyof typeof DTYPE];
  /** Little-endian bytes of the values, row-major. */
  raw: Uint8Array;
}

export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: number[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'tensor'; value: TensorValue }
  | { kind: 'graph'; value: GraphValue };

export interface NodeValue {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes: Record<string, AttributeValue>;
}

/** A graph input or output: its element type and dimensions (a string names a dimension fixed only at run time). */
export interface ValueInfo {
  name: string;
  dtype: (typeof DTYPE)[keyof typeof DTYPE];
  dims?: (number | string)[];
}

export interface GraphValue {
  name: string;
  nodes: NodeValue[];
  initializers: TensorValue[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

/** A protobuf message being written: fields in order, each as tag + payload. */
class Message {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array | number[]): void {
    const b = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
    this.parts.push(b);
    this.size += b.length;
  }

  private static varint(v: bigint): number[] {
    // int64 fields hold negative numbers as 64-bit two's complement: ten bytes
    let x = BigInt.asUintN(64, v);
    const out: number[] = [];
    do {
      let byte = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) byte |= 0x80;
      out.push(byte);
    } while (x !== 0n);
    return out;
  }

  int(field: number, v: number | bigint): this {
    this.push([...Message.varint(BigInt(field << 3)), ...Message.varint(BigInt(v))]);
    return this;
  }

  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(Message.varint(BigInt((field << 3) | 5)));
    this.push(b);
    return this;
  }

  bytes(field: number, v: Uint8Array | string): this {
    const b = typeof v === 'string' ? new TextEncoder().encode(v) : v;
    this.push([...Message.varint(BigInt((field << 3) | 2)), ...Message.varint(BigInt(b.length))]);
    this.push(b);
    return this;
  }

  message(field: number, m: Message): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) { out.set(p, at); at += p.length; }
    return out;
  }
}

function tensor(t: TensorValue): Message {
  const m = new Message();
  for (const d of t.dims) m.int(1, d);
  return m.int(2, t.dtype).bytes(8, t.name).bytes(9, t.raw);
}

function valueInfo(v: ValueInfo): Message {
  const tensorType = new Message().int(1, v.dtype);
  if (v.dims) {
    const shape = new Message();
    for (const d of v.dims) shape.message(1, typeof d === 'number' ? new Message().int(1, d) : new Message().bytes(2, d));
    tensorType.message(2, shape);
  }
  return new Message().bytes(1, v.name).message(2, new Message().message(1, tensorType));
}

/** AttributeProto, with its AttributeType (FLOAT 1, INT 2, STRING 3, TENSOR 4, GRAPH 5, INTS 7, STRINGS 8). */
function attribute(name: string, a: AttributeValue): Message {
  const m = new Message().bytes(1, name);
  switch (a.kind) {
    case 'float': return m.float(2, a.value).int(20, 1);
    case 'int': return m.int(3, a.value).int(20, 2);
    case 'string': return m.bytes(4, a.value).int(20, 3);
    case 'tensor': return m.message(5, tensor(a.value)).int(20, 4);
    case 'graph': return m.message(6, graph(a.value)).int(20, 5);
    case 'ints': for (const v of a.value) m.int(8, v); return m.int(20, 7);
    case 'strings': for (const v of a.value) m.bytes(9, v); return m.int(20, 8);
  }
}

function node(n: NodeValue): Message {
  const m = new Message();
  for (const i of n.inputs) m.bytes(1, i);
  for (const o of n.outputs) m.bytes(2, o);
  m.bytes(3, n.name).bytes(4, n.opType);
  for (const [k, a] of Object.entries(n.attributes)) m.message(5, attribute(k, a));
  return m;
}

function graph(g: GraphValue): Message {
  const m = new Message();
  for (const n of g.nodes) m.message(1, node(n));
  m.bytes(2, g.name);
  for (const t of g.initializers) m.message(5, tensor(t));
  for (const v of g.inputs) m.message(11, valueInfo(v));
  for (const v of g.outputs) m.message(12, valueInfo(v));
  return m;
}

/** A ModelProto (IR version 8, the default opset 17) holding the graph. */
export function encodeModel(g: GraphValue, producerVersion: string, docString: string): Uint8Array {
  return new Message()
    .int(1, 8)
    .bytes(2, 'seqlab').bytes(3, producerVersion)
    .bytes(6, docString)
    .message(7, graph(g))
    .message(8, new Message().bytes(1, '').int(2, 17))
    .finish();
}
