import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OmnispecError } from "../../errors.js";
import { audioTokens, audioTokensFromSeconds } from "./tokens.js";

interface Side {
  truncated: boolean;
  padded_input_features_frames: number;
  feature_attention_mask_sum: number;
  after_conv_frames: number;
  audio_tokens: number;
}
interface Case {
  num_samples: number;
  unpadded_frames_formula_n_div_160: number;
  qwen2_audio: Side;
  qwen2_5_omni: Side;
}
const golden = JSON.parse(readFileSync(new URL("../../../tests/golden/audio.json", import.meta.url), "utf8")) as { cases: Case[] };

describe("audioTokens against tests/golden/audio.json", () => {
  it("has the 27 reference cases", () => {
    expect(golden.cases.length).toBe(27);
  });
  for (const c of golden.cases) {
    it(`${c.num_samples} samples`, () => {
      for (const [preset, ref] of [["qwen2-audio", c.qwen2_audio], ["qwen2.5-omni", c.qwen2_5_omni]] as const) {
        const got = audioTokens({ samples: c.num_samples, preset });
        expect({ preset, truncated: got.truncated, padded: got.paddedFrames, mask: got.maskLength, conv: got.afterConv, tokens: got.tokens }).toEqual({
          preset,
          truncated: ref.truncated,
          padded: ref.padded_input_features_frames,
          mask: ref.feature_attention_mask_sum,
          conv: ref.after_conv_frames,
          tokens: ref.audio_tokens,
        });
        if (!got.truncated) expect(got.stftFrames).toBe(c.unpadded_frames_formula_n_div_160);
      }
    });
  }
});

describe("audioTokens per preset", () => {
  it("gives 25 tokens per second for Qwen2-Audio and Omni", () => {
    for (const s of [1, 2, 10, 29]) expect(audioTokensFromSeconds(s, "qwen2-audio").tokens).toBe(25 * s);
    expect(audioTokensFromSeconds(120, "qwen2.5-omni").tokens).toBe(3000);
  });
  it("gives 0 tokens up to 320 samples and 1 from 321", () => {
    expect(audioTokens({ samples: 320, preset: "qwen2.5-omni" }).tokens).toBe(0);
    expect(audioTokens({ samples: 321, preset: "qwen2.5-omni" }).tokens).toBe(1);
  });
  it("gives Whisper's encoder 1500 positions whatever the clip length", () => {
    for (const n of [1, 176000, 480000, 960000]) expect(audioTokens({ samples: n, preset: "whisper" }).tokens).toBe(1500);
    expect(audioTokens({ samples: 960000, preset: "whisper" }).truncated).toBe(true);
  });
  it("counts OFA fbank frames with snip_edges and two unpadded stride-2 convolutions", () => {
    const count = (n: number) => audioTokens({ samples: n, preset: "ofa" });
    expect(count(399).stftFrames).toBe(0);
    expect(count(400).stftFrames).toBe(1);
    expect(count(176000).stftFrames).toBe(1098);
    // 1098 -> (1098 - 3) // 2 + 1 = 548 -> (548 - 3) // 2 + 1 = 273
    expect([count(176000).afterConv, count(176000).tokens]).toEqual([548, 273]);
    // 7 frames is the shortest clip with a token: 7 -> 3 -> 1
    expect(count(400 + 6 * 160).tokens).toBe(1);
    expect(count(400 + 5 * 160).tokens).toBe(0);
  });
  it("accepts the samples themselves", () => {
    expect(audioTokens({ samples: new Float32Array(16000), preset: "qwen2-audio" }).tokens).toBe(25);
  });
  it("rejects bad counts and unknown presets with typed errors", () => {
    expect(() => audioTokens({ samples: -1, preset: "whisper" })).toThrow(OmnispecError);
    expect(() => audioTokensFromSeconds(Number.NaN, "whisper")).toThrow(/non-negative/);
    expect(() => audioTokens({ samples: 1, preset: "nope" as "whisper" })).toThrow(/no audio token rule/);
  });
});
