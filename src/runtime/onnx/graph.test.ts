import { describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { OnnxGraph } from "./graph.js";
import { ProtoWriter } from "./protobuf.js";

describe("ProtoWriter", () => {
  it("writes varints, negative int64s as ten bytes, strings and nested messages", () => {
    expect([...new ProtoWriter().int(1, 300).bytes()]).toEqual([8, 0xac, 0x02]);
    expect([...new ProtoWriter().int(1, -1).bytes()]).toEqual([8, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1]);
    expect([...new ProtoWriter().string(2, "ab").bytes()]).toEqual([18, 2, 97, 98]);
    expect([...new ProtoWriter().message(3, new ProtoWriter().int(1, 1)).bytes()]).toEqual([26, 2, 8, 1]);
    expect([...new ProtoWriter().float(2, 1).bytes()]).toEqual([21, 0, 0, 128, 63]);
  });
});

describe("OnnxGraph", () => {
  function build(): OnnxGraph {
    const g = new OnnxGraph("test");
    const x = g.input("x", "float32", ["batch_size", 4]);
    const w = g.f32("w", [4, 2], [1, 0, 0, 1, 1, 0, 0, 1]);
    const y = g.op("MatMul", [x, w]);
    g.op("Reshape", [g.op("Mul", [y, g.scalar(0.5)]), g.ints([-1])], {}, "flat");
    g.op("ReduceMean", [x], { axes: [1], keepdims: 1 }, "mean");
    g.output("flat", "float32", ["n"]);
    g.output("mean", "float32", ["batch_size", 1]);
    return g;
  }

  it("produces a model onnxruntime loads and runs, with the declared names", async () => {
    const session = await ort.InferenceSession.create(build().toBytes());
    expect(session.inputNames).toEqual(["x"]);
    expect(session.outputNames).toEqual(["flat", "mean"]);
    const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), [2, 4]) });
    expect([...(out.flat.data as Float32Array)]).toEqual([2, 3, 6, 7]);
    expect([...(out.mean.data as Float32Array)]).toEqual([2.5, 6.5]);
  });

  it("is deterministic and rejects duplicate names and mis-sized initializers", () => {
    expect(Buffer.from(build().toBytes()).equals(Buffer.from(build().toBytes()))).toBe(true);
    const g = new OnnxGraph("dup");
    g.input("x", "float32", [1]);
    expect(() => g.f32("x", [1], [0])).toThrow(/used twice/);
    expect(() => g.f32("w", [2, 2], [0])).toThrow(/hold 4 values/);
  });
});
