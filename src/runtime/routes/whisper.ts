// Whisper ASR: omnispec's own log-mel features (from the plan, see materialize) go into the encoder once; the decoder
// starts from Whisper's forced tokens (<|startoftranscript|> <|lang|> <|task|> <|notimestamps|>) and writes the text.
import { AutoModelForSpeechSeq2Seq, AutoTokenizer, Tensor } from "@huggingface/transformers";
import type { PreTrainedModel, PreTrainedTokenizer } from "@huggingface/transformers";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OmnispecError } from "../../errors.js";
import { modelPresets } from "../../../presets/models.js";
import type { AudioConfig, ModelPreset } from "../../plan/preset.js";
import { generate, int64, lastRows, nextPast, prefill, type RawTensor, type StepFn } from "../decode.js";
import { checkLayerCount, requireFiles, type ResolvedModel } from "../resolve.js";
import type { RuntimeRoute } from "./route.js";

/** The parts of a Whisper generation_config.json the route reads. */
interface WhisperGeneration {
  decoder_start_token_id?: number;
  eos_token_id?: number | number[];
  is_multilingual?: boolean;
  lang_to_id?: Record<string, number>;
  task_to_id?: Record<string, number>;
  no_timestamps_token_id?: number;
  suppress_tokens?: number[];
  begin_suppress_tokens?: number[];
}

interface Session {
  inputNames: string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, unknown>>;
}

type Seq2Seq = PreTrainedModel & { forward(inputs: Record<string, unknown>): Promise<Record<string, RawTensor>>; sessions: Record<string, Session> };

interface Handle {
  model: Seq2Seq;
  tokenizer: PreTrainedTokenizer;
  processor: Record<string, unknown>;
  generation: WhisperGeneration;
  resolved: ResolvedModel;
}

function readJson(resolved: ResolvedModel, file: string): Record<string, unknown> {
  const path = join(resolved.path, file);
  return resolved.local && existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>) : {};
}

/** the whisper preset with the model's own front end (mel bins, window, rate) */
function whisperPreset(processor: Record<string, unknown>): ModelPreset {
  const base = modelPresets.whisper as ModelPreset;
  const audio = base.audio as AudioConfig;
  const num = (v: unknown, d: number) => (typeof v === "number" ? v : d);
  const chunk = num(processor.chunk_length, audio.chunkSeconds);
  return {
    ...base,
    name: "whisper+model",
    audio: { ...audio, nMels: num(processor.feature_size, audio.nMels), chunkSeconds: chunk, maxSeconds: chunk, sampleRate: num(processor.sampling_rate, audio.sampleRate) },
  };
}

/**
 * The forced decoder prefix. Multilingual: start, language, task, no-timestamps; English-only: start, no-timestamps.
 * Without a language, a multilingual model picks the most likely language token after the start token (as
 * transformers' `detect_language` does), which costs one decoder step.
 */
async function forcedTokens(h: Handle, options: { language?: string; translate?: boolean }, afterStart: (ids: number[]) => Promise<Float32Array>): Promise<{ ids: number[]; language?: string }> {
  const g = h.generation;
  const ids = [g.decoder_start_token_id ?? h.tokenizer.convert_tokens_to_ids("<|startoftranscript|>")];
  let language: string | undefined;
  if (g.is_multilingual) {
    const langs = g.lang_to_id ?? {};
    if (options.language !== undefined) {
      const code = options.language.replace(/^<\|(.+)\|>$/, "$1").toLowerCase();
      if (langs[`<|${code}|>`] === undefined) {
        throw new OmnispecError("input/invalid", `model "${h.resolved.id}" has no language "${options.language}"`, {
          value: options.language,
          hint: `use a language code: ${Object.keys(langs).map((k) => k.slice(2, -2)).slice(0, 12).join(", ")}, …`,
        });
      }
      language = code;
    } else {
      const logits = await afterStart(ids);
      let best = -Infinity;
      for (const [token, id] of Object.entries(langs)) {
        if (logits[id] > best) {
          best = logits[id];
          language = token.slice(2, -2);
        }
      }
    }
    if (language !== undefined) ids.push(langs[`<|${language}|>`]);
    const task = g.task_to_id?.[options.translate ? "translate" : "transcribe"];
    if (task !== undefined) ids.push(task);
  } else if (options.language !== undefined || options.translate) {
    throw new OmnispecError("input/invalid", `model "${h.resolved.id}" is English-only: it takes no language or translate option`, {
      value: options.language ?? "translate",
      hint: "drop the option, or use a multilingual Whisper",
    });
  }
  if (g.no_timestamps_token_id !== undefined) ids.push(g.no_timestamps_token_id);
  return { ids, language };
}

/** Whisper-style speech recognition: one AUDIO input to one TEXT output. */
export const whisperRoute: RuntimeRoute<Handle> = {
  name: "asr",
  description: "Whisper: audio to text; omnispec's log-mel features into the encoder, Whisper's forced tokens into the decoder",
  matches: (c) => c.model_type === "whisper",
  inputs: ["AUDIO"],
  outputs: ["TEXT"],
  files: () => ["config.json", "tokenizer.json", "tokenizer_config.json", "preprocessor_config.json", "onnx/encoder_model.onnx", "onnx/decoder_model_merged.onnx"],
  async load(resolved) {
    requireFiles(resolved, this.files(resolved.config));
    const tokenizer = await AutoTokenizer.from_pretrained(resolved.path, resolved.hub);
    const model = (await AutoModelForSpeechSeq2Seq.from_pretrained(resolved.path, resolved.hub)) as unknown as Seq2Seq;
    checkLayerCount(resolved, model.sessions.decoder_model_merged?.inputNames ?? [], "onnx/decoder_model_merged.onnx");
    const generation = { ...(resolved.config as WhisperGeneration), ...(readJson(resolved, "generation_config.json") as WhisperGeneration) };
    return { model, tokenizer, processor: readJson(resolved, "preprocessor_config.json"), generation, resolved };
  },
  preset: (_resolved, h) => whisperPreset(h.processor),
  async run(h, ctx) {
    const id = h.resolved.id;
    const audios = Object.values(ctx.inputs.audios);
    const outputs = ctx.outputs;
    if (audios.length !== 1 || outputs.length !== 1) {
      throw new OmnispecError("model/unsupported-task", `model "${id}" transcribes one AUDIO input into one TEXT output; the task has ${audios.length} and ${outputs.length}`, {
        slot: outputs[1]?.name ?? audios[1]?.slot,
        hint: "split the task into one speech-to-text task per clip",
      });
    }
    const audio = audios[0];
    const slot = outputs[0];
    const features = audio.features;
    if (!features) {
      throw new OmnispecError("plan/unsupported", `the plan of "${audio.slot}" has no log-mel step for model "${id}"`, { slot: audio.slot, hint: "plan with the whisper preset (the default for this model)" });
    }
    const encoder = h.model.sessions.model as Session;
    const encoded = await ctx.timeModel<Record<string, unknown>>(() => encoder.run({ input_features: new Tensor("float32", features.data, features.dims).ort_tensor }));
    const hidden = new (Tensor as unknown as new (ort: unknown) => Tensor)(encoded.last_hidden_state);
    const planned = ctx.plan.slots[audio.slot]?.tokens;
    if (hidden.dims[1] !== planned) {
      throw new OmnispecError("model/mismatch", `the encoder of model "${id}" gave ${hidden.dims[1]} positions for "${audio.slot}", the plan counts ${planned}`, {
        slot: audio.slot,
        hint: "the model's feature window differs from the preset's: pass the matching preset",
      });
    }

    const step: StepFn = async (ids, past, _pastLength, keep) => {
      const out = await h.model.forward({
        encoder_outputs: hidden,
        decoder_input_ids: int64(ids, [1, ids.length]),
        past_key_values: past ?? null,
        num_logits_to_keep: new Tensor("int64", [BigInt(keep)], []),
      });
      const { rows, vocab } = lastRows(out.logits, keep);
      return { logits: rows, vocab, past: nextPast(out, past) };
    };
    const t0 = performance.now();
    let detectMs = 0;
    const detect = async (ids: number[]) => {
      const d0 = performance.now();
      const next = (await ctx.timeModel(() => prefill(step, ids))).next;
      detectMs = performance.now() - d0;
      return next;
    };
    const prefix = await forcedTokens(h, { language: ctx.options.language, translate: ctx.options.translate }, detect);
    // language detection is a model call, counted there
    const promptMs = performance.now() - t0 - detectMs;
    const state = await ctx.timeModel(() => prefill(step, prefix.ids));
    const eos = new Set([h.generation.eos_token_id ?? h.tokenizer.convert_tokens_to_ids("<|endoftext|>")].flat());
    const g = await ctx.timeModel(() =>
      generate(step, state, {
        generation: ctx.options.generation,
        eos,
        tokenizer: h.tokenizer,
        stream: ctx.options.stream,
        suppress: h.generation.suppress_tokens ?? [],
        suppressFirst: h.generation.begin_suppress_tokens ?? [],
      }),
    );
    return {
      outputs: { [slot.name]: g.text.trim() },
      trace: {
        [slot.name]: {
          method: "transcribe",
          text: g.text,
          tokens: g.ids.length,
          ...(prefix.language !== undefined ? { language: prefix.language } : {}),
        },
      },
      tokenStats: g.stats,
      promptMs,
      input: { tokens: prefix.ids.length, ids: prefix.ids, mediaTokens: { [audio.slot]: hidden.dims[1] } },
    };
  },
};
