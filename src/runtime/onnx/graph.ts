// an ONNX graph builder over the protobuf writer: inputs, outputs, initializers and nodes, then ModelProto bytes.
import { ProtoWriter } from "./protobuf.js";

/** Element types the builder writes (ONNX TensorProto.DataType codes). */
export type OnnxDType = "float32" | "int64" | "int32" | "bool";

/** A dimension: a fixed size, or a symbolic name such as "batch_size". */
export type Dim = number | string;

/** Attribute values: integers, floats (`{ float: 1 }` forces a float for a whole number), strings, lists. */
export type AttrValue = number | number[] | string | { float: number } | { floats: number[] };

const DTYPE_CODE: Record<OnnxDType, number> = { float32: 1, int32: 6, int64: 7, bool: 9 };

interface ValueInfo {
  name: string;
  dtype: OnnxDType;
  dims: Dim[];
}

interface Initializer {
  name: string;
  dtype: OnnxDType;
  dims: number[];
  data: Uint8Array;
}

interface NodeSpec {
  type: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  // typed arrays are little-endian on every platform node ships for, which is what raw_data wants
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * Builds an ONNX model (opset 17, IR version 8) node by node. Names of node outputs are generated unless given, so
 * graphs read like expressions: `const y = g.op("MatMul", [x, w])`.
 *
 * @example
 * import { OnnxGraph } from "./graph.js";
 * const g = new OnnxGraph("double");
 * const x = g.input("x", "float32", ["batch_size", 4]);
 * g.op("Mul", [x, g.f32("two", [], [2])], {}, "y");
 * g.output("y", "float32", ["batch_size", 4]);
 * const bytes = g.toBytes();
 */
export class OnnxGraph {
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly inits: Initializer[] = [];
  private readonly nodes: NodeSpec[] = [];
  private readonly names = new Set<string>();
  private readonly constants = new Map<string, string>();

  constructor(readonly name: string) {}

  /** declares a graph input and returns its name */
  input(name: string, dtype: OnnxDType, dims: Dim[]): string {
    this.claim(name);
    this.inputs.push({ name, dtype, dims });
    return name;
  }

  /** declares a graph output; some node (or input) must produce `name` */
  output(name: string, dtype: OnnxDType, dims: Dim[]): void {
    this.outputs.push({ name, dtype, dims });
  }

  /** a float32 initializer */
  f32(name: string, dims: number[], data: Float32Array | number[]): string {
    const arr = data instanceof Float32Array ? data : Float32Array.from(data);
    return this.init(name, "float32", dims, arr);
  }

  /** an int64 initializer */
  i64(name: string, dims: number[], data: number[]): string {
    return this.init(name, "int64", dims, BigInt64Array.from(data.map((v) => BigInt(v))));
  }

  /** a shared 1-D int64 constant (shapes, axes, pads), created once per distinct value */
  ints(values: number[]): string {
    const key = `i64:${values.join(",")}`;
    const hit = this.constants.get(key);
    if (hit) return hit;
    const name = this.i64(`const_i64_${this.constants.size}`, [values.length], values);
    this.constants.set(key, name);
    return name;
  }

  /** a shared scalar constant (float32 or int64) */
  scalar(value: number, dtype: "float32" | "int64" = "float32"): string {
    const key = `${dtype}:${value}`;
    const hit = this.constants.get(key);
    if (hit) return hit;
    const name = `const_${dtype}_${this.constants.size}`;
    if (dtype === "float32") this.f32(name, [], [value]);
    else this.i64(name, [], [value]);
    this.constants.set(key, name);
    return name;
  }

  /** appends a node with one output and returns the output's name */
  op(type: string, inputs: string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    const out = output ?? `${type.toLowerCase()}_${this.nodes.length}`;
    this.claim(out);
    this.nodes.push({ type, inputs, outputs: [out], attrs });
    return out;
  }

  /** the serialized ModelProto */
  toBytes(producer = "omnispec"): Uint8Array {
    const graph = new ProtoWriter();
    this.nodes.forEach((n, i) => graph.message(1, nodeProto(n, `n${i}_${n.type}`)));
    graph.string(2, this.name);
    for (const t of this.inits) graph.message(5, tensorProto(t));
    for (const v of this.inputs) graph.message(11, valueInfo(v));
    for (const v of this.outputs) graph.message(12, valueInfo(v));
    return new ProtoWriter()
      .int(1, 8)
      .string(2, producer)
      .message(7, graph)
      .message(8, new ProtoWriter().string(1, "").int(2, 17))
      .bytes();
  }

  private init(name: string, dtype: OnnxDType, dims: number[], data: ArrayBufferView): string {
    this.claim(name);
    const count = dims.reduce((a, b) => a * b, 1);
    const elems = data.byteLength / (dtype === "bool" ? 1 : dtype === "int32" || dtype === "float32" ? 4 : 8);
    if (count !== elems) throw new Error(`initializer ${name}: dims [${dims}] hold ${count} values, data has ${elems}`);
    this.inits.push({ name, dtype, dims, data: bytesOf(data) });
    return name;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`graph ${this.name}: name "${name}" is used twice`);
    this.names.add(name);
  }
}

function nodeProto(n: NodeSpec, name: string): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, name).string(4, n.type);
  for (const [key, value] of Object.entries(n.attrs)) w.message(5, attribute(key, value));
  return w;
}

function attribute(name: string, v: AttrValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (typeof v === "string") return w.raw(4, new TextEncoder().encode(v)).int(20, 3);
  if (typeof v === "number") return Number.isInteger(v) ? w.int(3, v).int(20, 2) : w.float(2, v).int(20, 1);
  if (Array.isArray(v)) {
    if (v.every(Number.isInteger)) {
      for (const x of v) w.int(8, x);
      return w.int(20, 7);
    }
    for (const x of v) w.float(7, x);
    return w.int(20, 6);
  }
  if ("float" in v) return w.float(2, v.float).int(20, 1);
  for (const x of v.floats) w.float(7, x);
  return w.int(20, 6);
}

function tensorProto(t: Initializer): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of t.dims) w.int(1, d);
  return w.int(2, DTYPE_CODE[t.dtype]).string(8, t.name).raw(9, t.data);
}

function valueInfo(v: ValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) shape.message(1, typeof d === "number" ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensor = new ProtoWriter().int(1, DTYPE_CODE[v.dtype]).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensor));
}
