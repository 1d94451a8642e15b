// run(task, sample): load (or reuse) the model, compile the plan with the model's preset and tokenizer, materialize
// the plan's tensors, let the model's route produce the outputs, and validate them with the task's output schema.
import { resolve } from "node:path";
import { OmnispecError } from "../errors.js";
import { compile, resolvePreset } from "../plan/compile.js";
import { materialize } from "../plan/materialize.js";
import type { ModelPreset } from "../plan/preset.js";
import type { Task, TaskOutput, TaskSlot } from "../task/define-task.js";
import type { TextCounter } from "../modalities/text/tokenizer.js";
import { resolveModel, type ResolvedModel } from "./resolve.js";
import { routeFor, type RuntimeRoute } from "./routes/index.js";
import { BERT_LABELS, DEFAULT_MODELS_DIR, ensureTinyModels, type TinyModelKind } from "./tiny-models/index.js";
import type { ModelLocationOptions, RunOptions, RunResult, RunTimings } from "./types.js";

/** A model ready to run: resolved, loaded once, with the route that serves it. */
export interface LoadedModel {
  readonly id: string;
  readonly path: string;
  readonly modelType: string;
  readonly route: RuntimeRoute;
  /** the plan preset this model implies (family preset + the model's processor values) */
  readonly preset: ModelPreset;
  readonly resolved: ResolvedModel;
  readonly handle: unknown;
  /** ms spent loading */
  readonly loadMs: number;
}

const loaded = new Map<string, Promise<LoadedModel>>();
const tinyPaths = new Map<string, string>();

/** the embedded model's folder, checked (and generated if needed) once per process */
function tinyModel(kind: TinyModelKind, dir: string): string {
  const key = `${resolve(dir)}\0${kind}`;
  let path = tinyPaths.get(key);
  if (path === undefined) {
    path = ensureTinyModels(dir, { kinds: [kind] }).paths[kind]!;
    tinyPaths.set(key, path);
  }
  return path;
}

/**
 * Resolves and loads a model once per process (later calls with the same id and location options reuse it).
 *
 * @example
 * import { loadModel } from "omnispec/runtime";
 * const m = await loadModel("/abs/.omnispec/models/tiny-qwen2-vl", { offline: true });
 * m.route.name; // "qwen-vl"
 */
export function loadModel(model: string, options: ModelLocationOptions = {}): Promise<LoadedModel> {
  const key = JSON.stringify([model, options.offline ?? false, options.allowRemoteModels, options.localModelPath, options.cacheDir]);
  let hit = loaded.get(key);
  if (!hit) {
    hit = load(model, options);
    loaded.set(key, hit);
    hit.catch(() => loaded.delete(key));
  }
  return hit;
}

/** Forgets loaded models (their sessions are released when nothing else holds them). */
export function clearLoadedModels(): void {
  loaded.clear();
  tinyPaths.clear();
}

async function load(model: string, options: ModelLocationOptions): Promise<LoadedModel> {
  const start = performance.now();
  const resolved = await resolveModel(model, options);
  const route = routeFor(resolved.config, model);
  let handle: unknown;
  try {
    handle = await route.load(resolved);
  } catch (e) {
    if (e instanceof OmnispecError) throw e;
    const message = (e as Error).message.split("\n")[0];
    throw new OmnispecError(resolved.local || options.offline ? "model/not-found" : "model/not-found", `model "${model}" could not be loaded: ${message}`, {
      file: resolved.local ? resolved.path : undefined,
      value: model,
      hint: resolved.local ? "check the folder's onnx/ files and configs (the transformers.js layout)" : "check the hub id and your network, or pass a local folder",
      cause: e,
    });
  }
  return {
    id: model,
    path: resolved.path,
    modelType: resolved.config.model_type,
    route,
    preset: route.preset(resolved, handle),
    resolved,
    handle,
    loadMs: performance.now() - start,
  };
}

/**
 * The embedded tiny model kind for a task's shape: video or image to text → a Qwen2-VL; an image alone (no prompt
 * text) to a label set → CLIP (choices declared) or ViT; audio → Whisper; one text or a text pair (no prompt text) to
 * a label set → the BERT classifier when its labels cover the choices; other text → Qwen3 (which scores choices).
 *
 * @example
 * import { defineTask } from "omnispec";
 * import { defaultModelKind } from "omnispec/runtime";
 * defaultModelKind(defineTask("[IMAGE:img] what is it? -> [TEXT:caption]")); // "qwen2-vl"
 */
export function defaultModelKind(task: Task): TinyModelKind {
  const inputs = new Set(flat(task.inputs).map((s) => s.modality));
  const outputs = flat(task.outputs);
  if (inputs.has("AUDIO")) return "whisper";
  const onlyCategory = outputs.length === 1 && outputs[0].modality === "CATEGORY";
  if (inputs.has("IMAGE") && !inputs.has("VIDEO") && onlyCategory && !inputs.has("TEXT") && !prompted(task)) {
    return Array.isArray(outputs[0].attrs.choices) ? "clip" : "vit";
  }
  if (inputs.has("IMAGE") || inputs.has("VIDEO")) return "qwen2-vl";
  const slots = flat(task.inputs);
  const textPair = slots.length >= 1 && slots.length <= 2 && slots.every((s) => s.modality === "TEXT" && !s.list);
  if (onlyCategory && textPair && !prompted(task) && coveredByBert(outputs[0])) return "bert";
  return "qwen3";
}

/** a question in the prompt ("[IMAGE:img] is it red? -> ...") needs a model that reads it */
function prompted(task: Task): boolean {
  return task.parsed.source.some((s) => s.kind === "text" && s.text.trim() !== "");
}

function coveredByBert(slot: TaskSlot): boolean {
  const labels = new Set<string>(BERT_LABELS);
  return !Array.isArray(slot.attrs.choices) || (slot.attrs.choices as string[]).every((c) => labels.has(c.toLowerCase()));
}

function flat(slots: readonly TaskSlot[]): TaskSlot[] {
  return slots.flatMap((s) => (s.fields ? [...s.fields] : [s]));
}

function checkShape(task: Task, m: LoadedModel): void {
  for (const s of flat(task.inputs)) {
    if (!m.route.inputs.includes(s.modality)) {
      throw new OmnispecError("model/unsupported-task", `model "${m.id}" (${m.modelType}, route ${m.route.name}) cannot take ${s.modality} input "${s.name}"`, {
        slot: s.name,
        hint: `it takes ${m.route.inputs.join(", ")} and produces ${m.route.outputs.join(", ")}; omit --model to use the default for this task's shape`,
      });
    }
  }
  for (const s of flat(task.outputs)) {
    if (!m.route.outputs.includes(s.modality)) {
      throw new OmnispecError("model/unsupported-task", `model "${m.id}" (${m.modelType}, route ${m.route.name}) cannot produce ${s.modality} output "${s.name}"`, {
        slot: s.name,
        hint: `it produces ${m.route.outputs.join(", ")}`,
      });
    }
  }
}

/**
 * The model's own tokenizer as a plan's text counter (exact counts), for compiling plans the way `run()` does.
 *
 * @example
 * import { compile, defineTask } from "omnispec";
 * import { loadModel, textCounter } from "omnispec/runtime";
 * const m = await loadModel("/abs/.omnispec/models/tiny-qwen2-vl", { offline: true });
 * const task = defineTask("[IMAGE:img] where is the cat? -> [BOX:box]");
 * const plan = await compile(task, { img: "cat.jpg", box: [10, 20, 200, 180] }, { preset: m.preset, tokenizer: textCounter(m) });
 */
export function textCounter(m: LoadedModel): TextCounter | undefined {
  const tokenizer = (m.handle as { tokenizer?: { encode(t: string, o: { add_special_tokens: boolean }): number[]; convert_tokens_to_ids(t: string): number } }).tokenizer;
  if (!tokenizer) return undefined;
  return {
    exact: true,
    source: `${m.id} tokenizer`,
    count: (text) => tokenizer.encode(text, { add_special_tokens: false }).length,
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }),
    tokenId: (token) => tokenizer.convert_tokens_to_ids(token),
  };
}

/**
 * Runs a task on one sample with a local model: the plan's tensors go into the model, the outputs come back typed
 * and validated by `task.outputSchema`. Without `model`, the embedded tiny model for the task's shape is used.
 *
 * @example
 * import { defineTask } from "omnispec";
 * import { run } from "omnispec/runtime";
 * const task = defineTask("[IMAGE:img] what does the image describe? -> [TEXT:caption]");
 * const { outputs, plan, timings } = await run(task, { img: "photo.jpg" }, { generation: { maxNewTokens: 16 } });
 * console.log(outputs.caption, plan.slots.img.grid_thw, timings.total);
 */
export async function run<T extends Task>(task: T, sample: Record<string, unknown>, options: RunOptions = {}): Promise<RunResult<TaskOutput<T>>> {
  const t0 = performance.now();
  let modelId = options.model;
  if (modelId === undefined) {
    modelId = tinyModel(defaultModelKind(task), options.modelsDir ?? DEFAULT_MODELS_DIR);
  }
  const tLoad = performance.now();
  const m = await loadModel(modelId, options);
  const timings: RunTimings = { load: performance.now() - tLoad, plan: 0, materialize: 0, prompt: 0, model: 0, total: 0 };
  checkShape(task, m);

  const tPlan = performance.now();
  const plan = await compile(task, sample, { preset: options.preset ?? m.preset, tokenizer: options.tokenizer ?? textCounter(m), baseDir: options.baseDir });
  const planJson = plan.toJSON();
  timings.plan = performance.now() - tPlan;

  const preset = typeof options.preset === "object" ? options.preset : options.preset === undefined ? m.preset : resolvePreset(options.preset);
  const tMat = performance.now();
  const inputs = await materialize(planJson, task, sample, { baseDir: options.baseDir, preset });
  timings.materialize = performance.now() - tMat;

  const r = await m.route.run(m.handle, {
    task,
    sample,
    plan: planJson,
    preset,
    inputs,
    outputs: flat(task.outputs),
    options,
    timeModel: async (work) => {
      const s = performance.now();
      try {
        return await work();
      } finally {
        timings.model += performance.now() - s;
      }
    },
  });
  timings.prompt = r.promptMs ?? 0;

  const parsed = task.outputSchema.safeParse(r.outputs);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const slot = issue?.path[0] === undefined ? undefined : String(issue.path[0]);
    throw new OmnispecError("model/output", `model "${m.id}" produced an output that fails the task's schema: ${issue?.message ?? "invalid"}`, {
      slot,
      value: slot === undefined ? r.outputs : r.outputs[slot],
      hint: "declare choices on CATEGORY slots so the output is constrained, or check the slot's type",
    });
  }
  timings.total = performance.now() - t0;
  return {
    outputs: parsed.data as TaskOutput<T>,
    plan: planJson,
    timings,
    model: { id: m.id, route: m.route.name, modelType: m.modelType },
    trace: r.trace,
    ...(r.thinking !== undefined ? { thinking: r.thinking } : {}),
    ...(options.returnTokenStats ? { tokenStats: r.tokenStats ?? [] } : {}),
    ...(r.input ? { input: r.input } : {}),
  };
}
