import { beforeAll, describe, expect, it } from "vitest";
import { audioFixtures } from "../../../tests/fixtures/audio.js";
import { defineTask } from "../../task/define-task.js";
import { compile } from "../../plan/compile.js";
import { OmnispecError } from "../../errors.js";
import type { SlotPlanJSON } from "../../plan/types.js";
import { audioTokens } from "./tokens.js";

let fx: Record<string, string>;
beforeAll(() => {
  fx = audioFixtures();
});

const task = defineTask("[AUDIO:speech] transcribe the speech -> [TEXT:text]");
const slotOf = async (preset: string, speech: unknown): Promise<SlotPlanJSON> => (await compile(task, { speech }, { preset })).toJSON().slots.speech;

describe("AUDIO slot plans", () => {
  it("count Qwen2-Audio and Omni tokens from metadata without decoding", async () => {
    expect((await slotOf("qwen2-audio", "meta:samples=176000")).tokens).toBe(275);
    expect((await slotOf("qwen2.5-omni", "meta:seconds=11")).tokens).toBe(275);
    expect((await slotOf("qwen2.5-omni", "meta:seconds=0.01")).tokens).toBe(0);
  });
  it("truncate long audio as the reference does instead of refusing it", async () => {
    const q = await slotOf("qwen2-audio", "meta:seconds=45");
    expect(q.tokens).toBe(750);
    expect(q.steps.some((s) => s.op === "truncate")).toBe(true);
    expect((await slotOf("whisper", "meta:seconds=45")).tokens).toBe(1500);
  });
  it("count OFA tokens from Kaldi frames and 4x subsampling", async () => {
    expect((await slotOf("ofa", "meta:seconds=11")).tokens).toBe(audioTokens({ samples: 176000, preset: "ofa" }).tokens);
  });
  it("plan real files by probing them, with the downmix and resample steps", async () => {
    const p = await slotOf("qwen2.5-omni", fx["speech-44k-stereo.mp3"]);
    expect(p.steps.map((s) => s.op)).toEqual(expect.arrayContaining(["decode", "downmix", "resample", "features", "encode"]));
    expect(p.tokens).toBeGreaterThanOrEqual(75);
    expect(p.tokens).toBeLessThanOrEqual(76);
  });
  it("name the slot and the file for a video without sound", async () => {
    const e = await slotOf("qwen2.5-omni", fx["video-no-audio.mp4"]).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(OmnispecError);
    expect([(e as OmnispecError).code, (e as OmnispecError).slot]).toEqual(["media/no-stream", "speech"]);
  });
});
