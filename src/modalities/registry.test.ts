import { describe, expect, it } from "vitest";
import { z } from "zod";
import { OmnispecError } from "../errors.js";
import { parseInstruction } from "../instruction/parse.js";
import { classifyMediaValue, commonAttrs, defineModality, getModality, hasModality, modalityNames, registerModality } from "./index.js";
import { audioInput, imageInput, videoInput } from "./media-value.js";

function thrown(f: () => unknown): OmnispecError {
  try {
    f();
  } catch (e) {
    if (e instanceof OmnispecError) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("modality registry", () => {
  it("holds the OFASys modalities, text-like ones marked as OFASys groups them", () => {
    expect(modalityNames()).toEqual(expect.arrayContaining(["TEXT", "IMAGE", "AUDIO", "VIDEO", "BOX", "STRUCT", "CATEGORY", "MOTION", "PHONE"]));
    expect(["TEXT", "BOX", "STRUCT", "CATEGORY", "PHONE"].every((m) => getModality(m).textLike)).toBe(true);
    expect(["IMAGE", "AUDIO", "VIDEO", "MOTION"].some((m) => getModality(m).textLike)).toBe(false);
    expect(thrown(() => getModality("NOPE")).code).toBe("parse/unknown-modality");
  });

  it("every modality's attributes extend the common OFASys attributes, and stay strict", () => {
    for (const name of modalityNames()) {
      const attrs = getModality(name).attrs;
      for (const key of Object.keys(commonAttrs.shape)) expect(attrs.shape).toHaveProperty(key);
      expect(attrs.safeParse({ nonsense: 1 }).success).toBe(false);
    }
    expect(getModality("IMAGE").attrs.shape.orient.parse(undefined)).toBe(true);
  });

  it("a new modality is one definition: the parser reads its typed attributes at once", () => {
    registerModality(
      defineModality({
        name: "POINT",
        description: "an (x, y) point",
        attrs: z.object({ radius: z.number().positive().optional(), labels: z.array(z.string()).optional() }),
        input: z.tuple([z.number(), z.number()]),
      }),
    );
    expect(hasModality("POINT")).toBe(true);
    const p = parseInstruction("[IMAGE:img] where? -> [POINT:p,radius=2.5,labels=a|b,no_loss=false]");
    expect(p.target[0]).toMatchObject({ modality: "POINT", attrs: { radius: 2.5, labels: ["a", "b"], no_loss: false } });
    expect(thrown(() => parseInstruction("[IMAGE:img] -> [POINT:p,radus=2]")).message).toMatch(/did you mean radius/);
    expect(thrown(() => defineModality({ name: "point", description: "", attrs: {}, input: z.string() })).code).toBe("input/invalid");
    expect(thrown(() => defineModality({ name: "P2", description: "", attrs: { "bad-key": z.string().optional() }, input: z.string() })).code).toBe("input/invalid");
  });
});

describe("media values", () => {
  it("classifies paths, bytes and metadata without touching the disk", () => {
    expect(classifyMediaValue("photo.jpg", { slot: "img", modality: "IMAGE" })).toEqual({ kind: "path", path: "photo.jpg" });
    const bytes = new Uint8Array([1, 2, 3]);
    expect(classifyMediaValue(bytes, { slot: "img", modality: "IMAGE" })).toEqual({ kind: "bytes", bytes });
    expect(classifyMediaValue(Buffer.from([1]), { slot: "img", modality: "IMAGE" }).kind).toBe("bytes");
    expect(classifyMediaValue("size:1920x1080", { slot: "img", modality: "IMAGE" })).toEqual({ kind: "meta", fields: { width: 1920, height: 1080 } });
    expect(classifyMediaValue({ width: 4, height: 3 }, { slot: "img", modality: "IMAGE" })).toEqual({ kind: "meta", fields: { width: 4, height: 3 } });
    expect(classifyMediaValue("meta:frames=720,fps=24,width=854,height=480", { slot: "v", modality: "VIDEO" })).toEqual({
      kind: "meta",
      fields: { frames: 720, fps: 24, width: 854, height: 480 },
    });
    expect(classifyMediaValue("meta:seconds=11", { slot: "a", modality: "AUDIO" })).toEqual({ kind: "meta", fields: { seconds: 11 } });
    expect(classifyMediaValue("meta:samples=176000", { slot: "a", modality: "AUDIO" })).toEqual({ kind: "meta", fields: { samples: 176000 } });
  });

  const bad: [unknown, "IMAGE" | "VIDEO" | "AUDIO", RegExp][] = [
    ["size:1920*1080", "IMAGE", /size:WIDTHxHEIGHT/],
    ["meta:width=3,height=4", "IMAGE", /size:WIDTHxHEIGHT/],
    ["meta:frames=720,fps=24,width=854", "VIDEO", /missing height/],
    ["meta:frames=720,fsp=24,width=854,height=480", "VIDEO", /did you mean fps/],
    ["meta:frames=lots,fps=24,width=854,height=480", "VIDEO", /frames=<number>/],
    ["meta:seconds=11,samples=176000", "AUDIO", /exactly one/],
    ["meta:", "AUDIO", /unknown audio metadata ""/],
    [{ seconds: "11" }, "AUDIO", /is a number/],
    [new Uint8Array(0), "AUDIO", /empty/],
    [42, "VIDEO", /file path, file bytes, or metadata/],
    ["", "IMAGE", /empty string/],
  ];
  it.each(bad)("%s as %s is an input/invalid error naming the slot and the value", (value, modality, message) => {
    const e = thrown(() => classifyMediaValue(value, { slot: "s", modality }));
    expect(e.code).toBe("input/invalid");
    expect(e.slot).toBe("s");
    expect(e.message).toMatch(message);
    expect(e.value).toEqual(value);
  });

  it("the value schemas accept every documented form and refuse malformed metadata", () => {
    for (const v of ["a.jpg", new Uint8Array([1]), "size:640x480", { width: 640, height: 480 }]) expect(imageInput.safeParse(v).success).toBe(true);
    for (const v of ["a.mp4", "meta:frames=720,fps=24,width=854,height=480", { frames: 720, fps: 24, width: 854, height: 480 }]) expect(videoInput.safeParse(v).success).toBe(true);
    for (const v of ["a.wav", "meta:seconds=11", "meta:samples=176000", { seconds: 11 }, { samples: 5 }]) expect(audioInput.safeParse(v).success).toBe(true);
    expect(imageInput.safeParse("size:axb").success).toBe(false);
    expect(videoInput.safeParse("meta:frames=720").success).toBe(false);
    expect(audioInput.safeParse("meta:minutes=1").success).toBe(false);
  });
});
