import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OmnispecError } from "../errors.js";
import { chunkRanges, omniInterleave } from "./omni-interleave.js";
import { omniAudioTokens, ropeIndex } from "./rope-index.js";
import { tokenLayout } from "./layout.js";
import { QWEN_TOKEN_IDS, type GridThw } from "./types.js";

interface OmniCase {
  id: number;
  name: string;
  input_ids: number[];
  video_grid_thw: GridThw[] | null;
  video_second_per_grid: number[] | null;
  audio_tokens: number[] | null;
  use_audio_in_video?: boolean;
}

const golden = JSON.parse(readFileSync(new URL("../../tests/golden/rope.json", import.meta.url), "utf8")) as { cases: OmniCase[] };
const interleaved = golden.cases.filter((c) => c.use_audio_in_video);

/** the runs between <|audio_bos|> and <|audio_eos|> of the first video+audio block: [kind, length][] */
function runsOf(ids: number[]): [string, number][] {
  const T = QWEN_TOKEN_IDS;
  const from = ids.indexOf(T.audioStart) + 1;
  const to = ids.indexOf(T.audioEnd, from);
  expect(ids[from - 2]).toBe(T.visionStart);
  expect(ids[to + 1]).toBe(T.visionEnd);
  const runs: [string, number][] = [];
  for (let i = from; i < to; i++) {
    const kind = ids[i] === T.videoPad ? "video" : ids[i] === T.audioPad ? "audio" : `other ${ids[i]}`;
    const last = runs[runs.length - 1];
    if (last && last[0] === kind) last[1]++;
    else runs.push([kind, 1]);
  }
  return runs;
}

describe("omniInterleave against the golden use_audio_in_video inputs", () => {
  it("has the golden cases to compare with", () => {
    expect(interleaved.map((c) => c.id)).toEqual([22, 23, 25]);
  });

  for (const c of interleaved) {
    it(`case ${c.id}: ${c.name}`, () => {
      for (const arithmetic of ["processor", "model"] as const) {
        const chunks = omniInterleave({ videoGridThw: c.video_grid_thw![0], secondPerGridT: c.video_second_per_grid![0], audioTokens: c.audio_tokens![0], arithmetic });
        // an audio chunk that follows another (video over) reads as one run in the ids
        const merged: [string, number][] = [];
        for (const x of chunks) {
          const last = merged[merged.length - 1];
          if (last && last[0] === x.kind) last[1] += x.tokens;
          else merged.push([x.kind, x.tokens]);
        }
        expect(merged).toEqual(runsOf(c.input_ids));
        // offsets tile the block, chunks alternate video k, audio k
        let at = 0;
        for (const x of chunks) {
          expect(x.start).toBe(at);
          expect(x.end - x.start).toBe(x.tokens);
          at = x.end;
        }
        for (const x of chunks) expect(Math.floor(x.tFirst / 50)).toBe(x.chunk);
      }
    });
  }

  it("the chunk list's temporal ranges are the position ids ropeIndex gives the block, offset by its start", () => {
    const c = golden.cases.find((x) => x.id === 22)!;
    const pos = ropeIndex({ scheme: "qwen2.5-omni", inputIds: c.input_ids, videoGridThw: c.video_grid_thw!, secondPerGridTs: c.video_second_per_grid!, audioFeatureLengths: [400], useAudioInVideo: true });
    const blockStart = c.input_ids.indexOf(QWEN_TOKEN_IDS.audioStart) + 1;
    const s = pos.positionIds[0][blockStart - 1] + 1;
    for (const x of omniInterleave({ videoGridThw: c.video_grid_thw![0], secondPerGridT: 1, audioTokens: 100 })) {
      expect(pos.positionIds[0][blockStart + x.start] - s).toBe(x.tFirst);
      expect(pos.positionIds[0][blockStart + x.end - 1] - s).toBe(x.tLast);
    }
  });
});

describe("omniInterleave chunking", () => {
  it("splits a long audio tail into its own 2-second chunks (golden case 23: 2 s video, 125 audio tokens)", () => {
    const chunks = omniInterleave({ videoGridThw: [2, 2, 2], secondPerGridT: 1, audioTokens: 125 });
    expect(chunks.map((c) => `${c.kind}${c.chunk}:${c.tokens}`)).toEqual(["video0:2", "audio0:50", "audio1:50", "audio2:25"]);
  });

  it("reproduces get_chunked_index when a frame skips past a whole chunk (spg 4: t = 0, 100, 200)", () => {
    // one token per threshold is split off, as the reference loop advances one chunk per token
    const chunks = omniInterleave({ videoGridThw: [3, 4, 4], secondPerGridT: 4, audioTokens: 30 });
    expect(chunks.map((c) => `${c.kind}${c.chunk}:${c.tokens}`)).toEqual(["video0:4", "audio0:30", "video1:1", "video2:3", "video3:1", "video4:3"]);
    expect(chunkRanges(5, (i) => [0, 0, 50, 50, 100][i], 50)).toEqual([[0, 2], [2, 4], [4, 5]]);
    expect(chunkRanges(0, () => 0, 50)).toEqual([[0, 0]]);
  });

  it("the layout built from the chunk list is accepted by ropeIndex, for many lengths and rates", () => {
    for (const spg of [0.5, 1, 1.1, 2, 2.5, 4]) {
      for (const t of [1, 2, 3, 7, 15]) {
        for (const mel of [3, 50, 199, 400, 1201, 3002]) {
          const layout = tokenLayout({ family: "qwen2.5-omni", parts: [{ kind: "text", ids: [100] }, { kind: "video", gridThw: [t, 4, 6], secondPerGrid: spg, audio: { melFrames: mel } }, { kind: "text", ids: [100] }] });
          const audio = layout.segments.filter((x) => x.kind === "audio").reduce((a, x) => a + x.tokens, 0);
          expect(audio).toBe(omniAudioTokens(mel));
          const out = ropeIndex({ scheme: "qwen2.5-omni", inputIds: layout.inputIds, ...layout.rope, typed: true });
          expect(out.positionIds[0].length).toBe(layout.inputIds.length);
        }
      }
    }
  });

  it("places the closing markers after the last appended chunk, as the reference does, even below the video's max", () => {
    // video t = 0, 25, 50, 75; audio 60 tokens: the last chunk is audio 50..59, so <|audio_eos|> gets s + 60 < s + 75
    const layout = tokenLayout({ family: "qwen2.5-omni", parts: [{ kind: "video", gridThw: [4, 2, 2], secondPerGrid: 1, audio: { tokens: 60 } }] });
    const out = ropeIndex({ scheme: "qwen2.5-omni", inputIds: layout.inputIds, ...layout.rope });
    const s = out.positionIds[0][1] + 1;
    const L = layout.inputIds.length;
    expect(Math.max(...out.positionIds[0])).toBe(s + 75);
    expect(out.positionIds[0][L - 1]).toBe(s + 60);
    expect(out.delta).toBe(s + 75 + 1 - L);
  });

  it("rejects audio with no tokens and a bad grid", () => {
    expect(() => omniInterleave({ videoGridThw: [2, 2, 2], secondPerGridT: 1, audioTokens: 0 })).toThrow(OmnispecError);
    expect(() => omniInterleave({ videoGridThw: [2, 3, 2], secondPerGridT: 1, audioTokens: 5 })).toThrow(/not a valid \[t, h, w\]/);
  });
});
