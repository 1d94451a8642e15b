import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OmnispecError } from "../errors.js";
import { omniAudioTokens, ropeIndex, ropeIndexBatch, temporalIds } from "./rope-index.js";
import { tokenLayout, type LayoutPart } from "./layout.js";
import { QWEN_TOKEN_IDS, type GridThw, type RopeIndexOptions, type RopeScheme } from "./types.js";
import { seededRandom } from "../util/random.js";

interface GoldenResult {
  position_ids: number[][];
  mrope_position_delta: number;
}
interface GoldenCase {
  id: number;
  model: string;
  name: string;
  input_ids: number[];
  attention_mask?: number[];
  image_grid_thw?: GridThw[] | null;
  video_grid_thw?: GridThw[] | null;
  second_per_grid_ts?: number[];
  video_second_per_grid?: number[] | null;
  tokens_per_second?: number;
  position_id_per_seconds?: number;
  audio_feature_lengths_mel?: number[] | null;
  use_audio_in_video?: boolean;
  results: Record<string, GoldenResult>;
}

const golden = JSON.parse(readFileSync(new URL("../../tests/golden/rope.json", import.meta.url), "utf8")) as {
  token_ids: Record<string, number>;
  cases: GoldenCase[];
};

function schemeOf(c: GoldenCase, resultKey: string): RopeScheme {
  if (c.model === "Qwen2-VL") return "qwen2-vl";
  if (c.model === "Qwen3-VL") return "qwen3-vl";
  if (c.model === "Qwen2.5-Omni") return "qwen2.5-omni";
  if (c.model === "Qwen2.5-VL") return resultKey.startsWith("int_cast") ? "qwen2.5-vl-int" : "qwen2.5-vl";
  throw new Error(`unknown model ${c.model}`);
}

function optionsOf(c: GoldenCase, scheme: RopeScheme): RopeIndexOptions {
  return {
    scheme,
    inputIds: c.input_ids,
    attentionMask: c.attention_mask,
    imageGridThw: c.image_grid_thw ?? undefined,
    videoGridThw: c.video_grid_thw ?? undefined,
    secondPerGridTs: c.second_per_grid_ts ?? c.video_second_per_grid ?? undefined,
    tokensPerSecond: c.tokens_per_second ?? c.position_id_per_seconds,
    audioFeatureLengths: c.audio_feature_lengths_mel ?? undefined,
    useAudioInVideo: c.use_audio_in_video ?? false,
  };
}

const runs = golden.cases.flatMap((c) => Object.entries(c.results).map(([key, r]) => ({ c, key, r, scheme: schemeOf(c, key) })));

describe("rope.json golden cases", () => {
  it("uses the token ids rope.json lists as defaults", () => {
    expect(QWEN_TOKEN_IDS.visionStart).toBe(golden.token_ids.vision_start);
    expect(QWEN_TOKEN_IDS.visionEnd).toBe(golden.token_ids.vision_end);
    expect(QWEN_TOKEN_IDS.imagePad).toBe(golden.token_ids.image_pad);
    expect(QWEN_TOKEN_IDS.videoPad).toBe(golden.token_ids.video_pad);
    expect(QWEN_TOKEN_IDS.audioPad).toBe(golden.token_ids["omni_audio_pad(<|AUDIO|>)"]);
    expect(QWEN_TOKEN_IDS.audioStart).toBe(golden.token_ids.omni_audio_bos);
    expect(QWEN_TOKEN_IDS.audioEnd).toBe(golden.token_ids.omni_audio_eos);
  });

  for (const { c, key, r, scheme } of runs) {
    it(`case ${c.id} ${scheme}: ${c.name} [${key.split(" ")[0]}]`, () => {
      const out = ropeIndex(optionsOf(c, scheme));
      expect(out.positionIds).toEqual(r.position_ids);
      expect(out.delta).toBe(r.mrope_position_delta);
      const typed = ropeIndex({ ...optionsOf(c, scheme), typed: true });
      expect(typed.positionIds.every((row) => row instanceof Int32Array)).toBe(true);
      expect(typed.positionIds.map((row) => Array.from(row))).toEqual(r.position_ids);
      expect(typed.delta).toBe(r.mrope_position_delta);
    });
  }

  it("matches every case, by scheme", () => {
    const tally: Record<string, { matched: number; total: number }> = {};
    for (const { c, r, scheme } of runs) {
      const t = (tally[scheme] ??= { matched: 0, total: 0 });
      t.total++;
      const out = ropeIndex(optionsOf(c, scheme));
      if (JSON.stringify(out.positionIds) === JSON.stringify(r.position_ids) && out.delta === r.mrope_position_delta) t.matched++;
    }
    console.log(Object.entries(tally).map(([s, t]) => `${s} ${t.matched}/${t.total}`).join(", "));
    expect(Object.keys(tally).sort()).toEqual(["qwen2-vl", "qwen2.5-omni", "qwen2.5-vl", "qwen2.5-vl-int", "qwen3-vl"]);
    for (const t of Object.values(tally)) expect(t.matched).toBe(t.total);
    expect(runs.length).toBe(26);
  });

  it("rebuilds every golden Omni, Qwen2-VL and Qwen2.5-VL input from its items with tokenLayout", () => {
    let rebuilt = 0;
    for (const c of golden.cases) {
      if (c.model === "Qwen3-VL" || c.attention_mask) continue;
      const family = c.model === "Qwen2.5-Omni" ? "qwen2.5-omni" : c.model === "Qwen2-VL" ? "qwen2-vl" : "qwen2.5-vl";
      const layout = tokenLayout({ family, parts: partsFromIds(c) });
      expect(layout.inputIds, `case ${c.id}`).toEqual(c.input_ids);
      for (const [key, r] of Object.entries(c.results)) {
        const scheme = schemeOf(c, key);
        const out = ropeIndex({ scheme, inputIds: layout.inputIds, ...layout.rope, tokensPerSecond: c.tokens_per_second });
        expect(out.positionIds, `case ${c.id} ${scheme}`).toEqual(r.position_ids);
        expect(out.delta).toBe(r.mrope_position_delta);
      }
      rebuilt++;
    }
    expect(rebuilt).toBe(19);
  });

  it("rebuilds the Qwen3-VL per-frame case with timestamp text from an encoder", () => {
    const c = golden.cases.find((x) => x.model === "Qwen3-VL")!;
    const layout = tokenLayout({
      family: "qwen3-vl",
      parts: [{ kind: "text", ids: [100, 100] }, { kind: "video", gridThw: c.video_grid_thw![0], timestamps: [0.25, 1.25] }, { kind: "text", ids: [100, 100] }],
      encodeText: () => [100, 100, 100],
    });
    expect(layout.inputIds).toEqual(c.input_ids);
    expect(layout.segments.filter((s) => s.kind === "timestamp").map((s) => s.text)).toEqual(["<0.2 seconds>", "<1.2 seconds>"]);
    const r = Object.values(c.results)[0];
    expect(ropeIndex({ scheme: "qwen3-vl", inputIds: layout.inputIds, ...layout.rope }).positionIds).toEqual(r.position_ids);
  });
});

/** reads the items back out of a golden input: text runs, image/video blocks, audio blocks, video+audio blocks */
function partsFromIds(c: GoldenCase): LayoutPart[] {
  const T = QWEN_TOKEN_IDS;
  const ids = c.input_ids;
  const parts: LayoutPart[] = [];
  const at = { image: 0, video: 0, audio: 0 };
  const spg = c.second_per_grid_ts ?? c.video_second_per_grid ?? undefined;
  let text: number[] = [];
  const flush = (): void => {
    if (text.length) parts.push({ kind: "text", ids: text });
    text = [];
  };
  for (let i = 0; i < ids.length; ) {
    if (ids[i] === T.visionStart) {
      flush();
      const next = ids[i + 1];
      if (next === T.imagePad) parts.push({ kind: "image", gridThw: c.image_grid_thw![at.image++] });
      else if (next === T.videoPad) parts.push({ kind: "video", gridThw: c.video_grid_thw![at.video], secondPerGrid: spg?.[at.video++] });
      else if (next === T.audioStart) {
        parts.push({ kind: "video", gridThw: c.video_grid_thw![at.video], secondPerGrid: spg?.[at.video++], audio: { melFrames: c.audio_feature_lengths_mel![at.audio++] } });
      }
      i = ids.indexOf(T.visionEnd, i) + 1;
    } else if (ids[i] === T.audioStart) {
      flush();
      parts.push({ kind: "audio", melFrames: c.audio_feature_lengths_mel![at.audio++] });
      i = ids.indexOf(T.audioEnd, i) + 1;
    } else {
      text.push(ids[i++]);
    }
  }
  flush();
  return parts;
}

// ---------------------------------------------------------------------------------------------------------------

const rng = seededRandom;

function randomParts(r: () => number, omni: boolean): LayoutPart[] {
  // at least two tokens, so the largest real position is >= the pad value 1
  const parts: LayoutPart[] = [{ kind: "text", ids: [100] }];
  const n = 1 + Math.floor(r() * 5);
  for (let k = 0; k < n; k++) {
    const x = r();
    const text = Array.from({ length: Math.floor(r() * 4) }, () => 100 + Math.floor(r() * 50));
    if (text.length) parts.push({ kind: "text", ids: text });
    const hw = (): number => 2 * (1 + Math.floor(r() * 4));
    if (x < 0.35) parts.push({ kind: "image", gridThw: [1, hw(), hw()] });
    else if (x < 0.7) parts.push({ kind: "video", gridThw: [1 + Math.floor(r() * 6), hw(), hw()], secondPerGrid: [0.5, 1, 1.1, 2, 2.5][Math.floor(r() * 5)] });
    else if (omni) parts.push({ kind: "audio", melFrames: 3 + Math.floor(r() * 900) });
  }
  parts.push({ kind: "text", ids: [100] });
  return parts;
}

describe("ropeIndex properties", () => {
  const schemes: Exclude<RopeScheme, "1d">[] = ["qwen2-vl", "qwen2.5-vl", "qwen2.5-vl-int", "qwen3-vl", "qwen2.5-omni"];

  it("delta is max(position) + 1 - length, and text after a block starts at max(block) + 1", () => {
    const r = rng(7);
    for (let trial = 0; trial < 60; trial++) {
      for (const scheme of schemes) {
        const family = scheme === "qwen2.5-vl-int" ? "qwen2.5-vl" : scheme;
        const parts = randomParts(r, scheme === "qwen2.5-omni").map((p) => (p.kind === "video" && scheme === "qwen3-vl" ? { ...p, timestamps: Array.from({ length: p.gridThw[0] }, (_, i) => i) } : p));
        const layout = tokenLayout({ family, parts, encodeText: () => [101, 102] });
        const out = ropeIndex({ scheme, inputIds: layout.inputIds, ...layout.rope });
        const L = layout.inputIds.length;
        expect(out.positionIds).toHaveLength(3);
        for (const row of out.positionIds) expect(row).toHaveLength(L);
        const max = Math.max(...out.positionIds.flat());
        expect(out.delta).toBe(max + 1 - L);
        // every text token right after a media run continues from the max so far
        for (const seg of layout.segments) {
          if (seg.kind !== "text" || seg.start === 0) continue;
          let before = -1;
          for (let i = 0; i < seg.start; i++) before = Math.max(before, out.positionIds[0][i], out.positionIds[1][i], out.positionIds[2][i]);
          expect(out.positionIds[0][seg.start]).toBe(before + 1);
        }
      }
    }
  });

  it("left padding leaves the real positions unchanged, fills 1, and shifts delta by the pad count (Omni: delta unchanged)", () => {
    const r = rng(11);
    for (let trial = 0; trial < 40; trial++) {
      for (const scheme of schemes.filter((s) => s !== "qwen3-vl")) {
        const family = scheme === "qwen2.5-vl-int" ? "qwen2.5-vl" : scheme;
        const layout = tokenLayout({ family, parts: randomParts(r, scheme === "qwen2.5-omni") });
        const base = ropeIndex({ scheme, inputIds: layout.inputIds, ...layout.rope });
        const pad = 1 + Math.floor(r() * 4);
        const padded = ropeIndex({
          scheme,
          inputIds: [...Array(pad).fill(0), ...layout.inputIds],
          attentionMask: [...Array(pad).fill(0), ...layout.inputIds.map(() => 1)],
          ...layout.rope,
        });
        for (let k = 0; k < 3; k++) {
          expect(padded.positionIds[k].slice(0, pad)).toEqual(Array(pad).fill(1));
          expect(padded.positionIds[k].slice(pad)).toEqual(base.positionIds[k]);
        }
        expect(padded.delta).toBe(scheme === "qwen2.5-omni" ? base.delta : base.delta - pad);
      }
    }
  });

  it("the text-only path is cumsum(mask) - 1 with 1 at padding, for every scheme", () => {
    const r = rng(3);
    for (let trial = 0; trial < 30; trial++) {
      const L = 1 + Math.floor(r() * 30);
      const ids = Array.from({ length: L }, () => 100 + Math.floor(r() * 1000));
      const mask: number[] = ids.map(() => (r() < 0.8 ? 1 : 0));
      let c = 0;
      const expected = mask.map((m) => (m ? c++ : 1));
      const real = mask.reduce((a, b) => a + b, 0);
      for (const scheme of [...schemes, "1d"] as RopeScheme[]) {
        const out = ropeIndex({ scheme, inputIds: ids, attentionMask: mask });
        expect(out.positionIds).toHaveLength(scheme === "1d" ? 1 : 3);
        for (const row of out.positionIds) expect(row).toEqual(expected);
        expect(out.delta).toBe(Math.max(...expected) + 1 - (scheme === "qwen2.5-omni" ? real : L));
      }
      // unused grids take the structured path, which gives the same ids for plain text
      const structured = ropeIndex({ scheme: "qwen2-vl", inputIds: ids, imageGridThw: [[1, 2, 2]] });
      expect(structured.positionIds[0]).toEqual(ids.map((_, i) => i));
      expect(structured.delta).toBe(0);
    }
    // the text path takes the max over the padded row too: one real token after two pads
    expect(ropeIndex({ scheme: "qwen2-vl", inputIds: [0, 0, 100], attentionMask: [0, 0, 1] })).toEqual({ positionIds: [[1, 1, 0], [1, 1, 0], [1, 1, 0]], delta: -1 });
  });

  it("qwen2.5-vl time ids are float32 and the int variant truncates spg first", () => {
    expect(Array.from(temporalIds(6, 1.1, 2))).toEqual([0, 2, 4, 6, 8, 11]);
    expect(Array.from(temporalIds(4, 2.5, 2, true))).toEqual([0, 4, 8, 12]);
    expect(Array.from(temporalIds(4, 0.5, 2, true))).toEqual([0, 0, 0, 0]);
    expect(Array.from(temporalIds(6, 1.1, 25))).toEqual([0, 27, 55, 82, 110, 137]);
  });

  it("audio token counts follow the conv/pool arithmetic with floor division", () => {
    expect([0, 1, 2, 3, 4, 37, 100, 400, 3002, 30000].map(omniAudioTokens)).toEqual([0, 0, 0, 1, 1, 9, 25, 100, 750, 7500]);
  });

  it("ropeIndexBatch consumes grids across rows in order", () => {
    const a = tokenLayout({ family: "qwen2-vl", parts: [{ kind: "text", ids: [100] }, { kind: "image", gridThw: [1, 2, 4] }] });
    const b = tokenLayout({ family: "qwen2-vl", parts: [{ kind: "image", gridThw: [1, 4, 2] }, { kind: "text", ids: [100, 100, 100] }] });
    const L = Math.max(a.inputIds.length, b.inputIds.length);
    const padLeft = (x: number[]): number[] => [...Array(L - x.length).fill(0), ...x];
    const maskLeft = (x: number[]): number[] => [...Array(L - x.length).fill(0), ...x.map(() => 1)];
    const batch = ropeIndexBatch({
      scheme: "qwen2-vl",
      inputIds: [padLeft(a.inputIds), padLeft(b.inputIds)],
      attentionMask: [maskLeft(a.inputIds), maskLeft(b.inputIds)],
      imageGridThw: [[1, 2, 4], [1, 4, 2]],
    });
    const one = ropeIndex({ scheme: "qwen2-vl", inputIds: padLeft(b.inputIds), attentionMask: maskLeft(b.inputIds), imageGridThw: [[1, 4, 2]] });
    expect(batch.positionIds[1]).toEqual(one.positionIds);
    expect(batch.deltas[1]).toBe(one.delta);
    expect(batch.positionIds).toHaveLength(2);
  });
});

describe("ropeIndex errors", () => {
  const img = [100, 151652, 151655, 151655, 151653, 100];
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      if (e instanceof OmnispecError) return `${e.code}: ${e.message}`;
      throw e;
    }
    return "no error";
  };

  it("names a missing grid", () => {
    expect(code(() => ropeIndex({ scheme: "qwen2-vl", inputIds: [...img, ...img], imageGridThw: [[1, 2, 4]] }))).toMatch(/^input\/invalid: .*more <\|image_pad\|> runs than imageGridThw/);
  });

  it("rejects a grid that does not match its placeholder run", () => {
    expect(code(() => ropeIndex({ scheme: "qwen2-vl", inputIds: img, imageGridThw: [[1, 4, 4]] }))).toMatch(/^input\/invalid/);
    expect(code(() => ropeIndex({ scheme: "qwen2-vl", inputIds: img, imageGridThw: [[1, 2, 2]] }))).toMatch(/longer than the 1 tokens/);
  });

  it("rejects bad grids, unknown schemes and audio with no tokens", () => {
    expect(code(() => ropeIndex({ scheme: "qwen2-vl", inputIds: img, imageGridThw: [[1, 3, 4]] }))).toMatch(/multiples of the merge size/);
    expect(code(() => ropeIndex({ scheme: "qwen9" as RopeScheme, inputIds: img }))).toMatch(/unknown position-id scheme "qwen9"/);
    const audio = [100, 151647, 151646, 151648];
    expect(code(() => ropeIndex({ scheme: "qwen2.5-omni", inputIds: audio, imageGridThw: [[1, 2, 2]], audioFeatureLengths: [2] }))).toMatch(/gives 0 audio tokens/);
    expect(code(() => ropeIndex({ scheme: "qwen2.5-omni", inputIds: audio, imageGridThw: [[1, 2, 2]] }))).toMatch(/audioFeatureLengths/);
  });

  it("rejects a mask of the wrong length", () => {
    expect(code(() => ropeIndex({ scheme: "qwen2-vl", inputIds: img, attentionMask: [1, 1] }))).toMatch(/attentionMask row 0 has length 2/);
  });
});
