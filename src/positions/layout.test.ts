import { describe, expect, it } from "vitest";
import { OmnispecError } from "../errors.js";
import { qwen3Timestamps, tokenLayout } from "./layout.js";
import { ropeIndex } from "./rope-index.js";
import { QWEN_TOKEN_IDS as T } from "./types.js";

const kinds = (l: ReturnType<typeof tokenLayout>): string[] => l.segments.map((s) => `${s.kind}${s.chunk !== undefined ? s.chunk : ""}:${s.tokens}`);

describe("tokenLayout", () => {
  it("wraps Qwen2-VL images and videos in vision start/end with grid/4 pads, with offsets that tile the ids", () => {
    const l = tokenLayout({
      family: "qwen2.5-vl",
      parts: [{ kind: "text", ids: [1, 2], slot: "q" }, { kind: "image", gridThw: [1, 4, 6], slot: "img" }, { kind: "video", gridThw: [3, 2, 4], secondPerGrid: 2.5, slot: "clip" }],
    });
    expect(kinds(l)).toEqual(["text:2", "vision_start:1", "image:6", "vision_end:1", "vision_start:1", "video:6", "vision_end:1"]);
    let at = 0;
    for (const s of l.segments) {
      expect(s.start).toBe(at);
      at += s.tokens;
    }
    expect(at).toBe(l.inputIds.length);
    expect(l.segments.find((s) => s.kind === "video")?.slot).toBe("clip");
    expect(l.rope).toEqual({ imageGridThw: [[1, 4, 6]], videoGridThw: [[3, 2, 4]], secondPerGridTs: [2.5], audioFeatureLengths: [], useAudioInVideo: false });
    expect(l.exact).toBe(true);
    expect(ropeIndex({ scheme: "qwen2.5-vl", inputIds: l.inputIds, ...l.rope }).positionIds[0].slice(11, 17)).toEqual([8, 8, 13, 13, 18, 18]);
  });

  it("gives Qwen3-VL one timestamped block per temporal patch, with Python rounding of the timestamp", () => {
    const l = tokenLayout({ family: "qwen3-vl", parts: [{ kind: "video", gridThw: [3, 4, 4], frameIndices: [0, 15, 30, 45, 60], videoFps: 30 }] });
    expect(l.segments.filter((s) => s.kind === "timestamp").map((s) => s.text)).toEqual(["<0.2 seconds>", "<1.2 seconds>", "<2.0 seconds>"]);
    expect(kinds(l).slice(0, 4)).toEqual(["timestamp:6", "vision_start:1", "video:4", "vision_end:1"]);
    // without a tokenizer the timestamp count is an estimate and says so
    expect(l.exact).toBe(false);
    expect(l.segments[0].exact).toBe(false);
    const enc = tokenLayout({ family: "qwen3-vl", parts: [{ kind: "video", gridThw: [3, 4, 4], timestamps: [0.25, 1.25, 2] }], encodeText: (s) => [...s].map(() => 7) });
    expect(enc.exact).toBe(true);
    expect(enc.segments[0].tokens).toBe("<0.2 seconds>".length);
    const pos = ropeIndex({ scheme: "qwen3-vl", inputIds: enc.inputIds, ...enc.rope });
    expect(pos.positionIds[0].length).toBe(enc.inputIds.length);
  });

  it("qwen3Timestamps pads to the merge size and averages first and last frame of each patch", () => {
    expect(qwen3Timestamps([0, 15, 30, 45], 30)).toEqual([0.25, 1.25]);
    expect(qwen3Timestamps([0, 15, 30], 30)).toEqual([0.25, 1]);
  });

  it("builds Omni audio and the video+audio interleaving with shared opening and closing markers", () => {
    const l = tokenLayout({ family: "qwen2.5-omni", parts: [{ kind: "audio", tokens: 15 }, { kind: "video", gridThw: [4, 4, 4], audio: { melFrames: 400 } }] });
    expect(kinds(l)).toEqual(["audio_start:1", "audio:15", "audio_end:1", "vision_start:1", "audio_start:1", "video0:8", "audio0:50", "video1:8", "audio1:50", "audio_end:1", "vision_end:1"]);
    expect(l.rope.audioFeatureLengths).toEqual([60, 400]);
    expect(l.rope.useAudioInVideo).toBe(true);
    expect(l.inputIds.slice(17, 20)).toEqual([T.visionStart, T.audioStart, T.videoPad]);
    const pos = ropeIndex({ scheme: "qwen2.5-omni", inputIds: l.inputIds, ...l.rope });
    // both opening markers share one position, as do both closing markers
    expect(pos.positionIds[0][17]).toBe(pos.positionIds[0][18]);
    expect(pos.positionIds[0][l.inputIds.length - 1]).toBe(pos.positionIds[0][l.inputIds.length - 2]);
  });

  it("estimates text without a tokenizer and flags it, uses an encoder when given", () => {
    expect(tokenLayout({ family: "qwen2-vl", parts: [{ kind: "text", text: "what is in the picture?" }] }).exact).toBe(false);
    const enc = tokenLayout({ family: "qwen2-vl", parts: [{ kind: "text", text: "hi there" }], encodeText: () => [5, 6] });
    expect(enc.inputIds).toEqual([5, 6]);
    expect(enc.exact).toBe(true);
    expect(tokenLayout({ family: "qwen2-vl", parts: [{ kind: "text", tokens: 3 }], placeholderId: 9 }).inputIds).toEqual([9, 9, 9]);
  });

  it("refuses what the family cannot take, naming the slot", () => {
    const err = (f: () => unknown): OmnispecError => {
      try {
        f();
      } catch (e) {
        if (e instanceof OmnispecError) return e;
        throw e;
      }
      throw new Error("no error");
    };
    expect(err(() => tokenLayout({ family: "qwen2.5-vl", parts: [{ kind: "audio", melFrames: 100, slot: "speech" }] }))).toMatchObject({ code: "plan/unsupported", slot: "speech" });
    expect(err(() => tokenLayout({ family: "qwen2.5-vl", parts: [{ kind: "video", gridThw: [2, 2, 2], audio: { melFrames: 100 } }] })).code).toBe("plan/unsupported");
    expect(
      err(() => tokenLayout({ family: "qwen2.5-omni", parts: [{ kind: "video", gridThw: [2, 2, 2], audio: { melFrames: 100 } }, { kind: "video", gridThw: [2, 2, 2] }] })).message,
    ).toMatch(/all videos of a prompt or of none/);
    expect(err(() => tokenLayout({ family: "qwen3-vl", parts: [{ kind: "video", gridThw: [2, 2, 2], slot: "clip" }] }))).toMatchObject({ code: "input/missing", slot: "clip" });
    expect(err(() => tokenLayout({ family: "qwen2.5-omni", parts: [{ kind: "audio", melFrames: 2, slot: "a" }] })).message).toMatch(/gives no audio tokens/);
    expect(err(() => tokenLayout({ family: "qwen2-vl", parts: [{ kind: "image", gridThw: [1, 3, 4], slot: "img" }] }))).toMatchObject({ code: "input/invalid", slot: "img" });
  });
});
