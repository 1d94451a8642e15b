// run() on the tiny BERT classifier (text -> CATEGORY), offline behind a network tripwire: routing, determinism,
// choices mapped onto the model's labels, and the typed errors.
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fetchTripwire } from "../../../tests/support/offline.js";
import { OmnispecError } from "../../errors.js";
import { defineTask } from "../../task/define-task.js";
import { run } from "../run.js";
import { BERT_LABELS, ensureTinyModels } from "../tiny-models/index.js";

const MODELS = resolve("tests/tmp/models");
const offline = { offline: true, modelsDir: MODELS };
const sentiment = defineTask("[TEXT:review] -> [CATEGORY:sentiment,choices=negative|positive]");
let paths: Record<string, string> = {};
let tripwire: { attempts(): number };

beforeAll(() => {
  tripwire = fetchTripwire();
  paths = ensureTinyModels(MODELS, { kinds: ["bert", "vit", "whisper"] }).paths as Record<string, string>;
});

const failure = async (work: Promise<unknown>): Promise<OmnispecError> => {
  const e = await work.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(OmnispecError);
  return e as OmnispecError;
};

describe("text -> CATEGORY on the tiny BERT", () => {
  it("is the embedded default, deterministic, and depends on the text; scores are probabilities over the choices", async () => {
    const a = await run(sentiment, { review: "a wonderful film, I loved it" }, offline);
    const again = await run(sentiment, { review: "a wonderful film, I loved it" }, offline);
    const b = await run(sentiment, { review: "the plot was dull and too long" }, offline);
    expect(a.model).toEqual({ id: paths.bert, route: "text-classification", modelType: "bert" });
    expect(again.trace).toEqual(a.trace);
    expect(again.outputs).toEqual(a.outputs);
    expect(b.trace.sentiment.scores).not.toEqual(a.trace.sentiment.scores);
    for (const r of [a, b]) {
      const scores = r.trace.sentiment.scores!;
      expect(Object.keys(scores)).toEqual(["negative", "positive"]);
      expect(scores.negative + scores.positive).toBeCloseTo(1, 6);
      expect(r.outputs.sentiment).toBe(scores.negative > scores.positive ? "negative" : "positive");
    }
    expect(a.trace.sentiment.method).toBe("classify");
    expect(a.input!.ids[0]).toBe(101);
    expect(a.input!.tokens).toBe(a.plan.slots.review.tokens + 2);
    expect(a.timings.model).toBeGreaterThan(0);
    expect(a.timings.total).toBeGreaterThanOrEqual(a.timings.model + a.timings.prompt);
    expect(tripwire.attempts()).toBe(0);
  });

  it("maps choices onto the labels case-insensitively, keeping the slot's spelling; without choices gives the argmax label", async () => {
    const text = { review: "a wonderful film, I loved it" };
    const lower = await run(sentiment, text, offline);
    const mixed = await run(defineTask("[TEXT:review] -> [CATEGORY:sentiment,choices=Positive|NEGATIVE]"), text, offline);
    expect(mixed.trace.sentiment.scores).toEqual({ Positive: lower.trace.sentiment.scores!.positive, NEGATIVE: lower.trace.sentiment.scores!.negative });
    expect(mixed.outputs.sentiment.toLowerCase()).toBe(lower.outputs.sentiment);
    const open = await run(defineTask("[TEXT:review] -> [CATEGORY:sentiment]"), text, offline);
    const scores = open.trace.sentiment.scores!;
    expect(Object.keys(scores)).toEqual([...BERT_LABELS]);
    expect(Object.values(scores).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);
    expect(open.outputs.sentiment).toBe(Object.entries(scores).sort((x, y) => y[1] - x[1])[0][0]);
    // restricting to two of the three labels renormalises their odds, it does not change them
    expect(lower.trace.sentiment.scores!.positive / lower.trace.sentiment.scores!.negative).toBeCloseTo(scores.positive / scores.negative, 4);
  });

  it("reads a text pair with the second text as segment B", async () => {
    const nli = defineTask("[TEXT:premise] [TEXT:hypothesis] -> [CATEGORY:label]");
    const a = await run(nli, { premise: "a good film", hypothesis: "the story" }, offline);
    const b = await run(nli, { premise: "the story", hypothesis: "a good film" }, offline);
    expect(a.model.route).toBe("text-classification");
    expect(a.input!.ids.filter((id) => id === 102)).toHaveLength(2);
    expect(a.trace.label.scores).not.toEqual(b.trace.label.scores);
  });

  it("names the model, the missing labels and the model's labels when the choices are not its labels", async () => {
    const topic = defineTask("[TEXT:review] -> [CATEGORY:topic,choices=sports|positive|politics]");
    const e = await failure(run(topic, { review: "a match" }, { ...offline, model: paths.bert }));
    expect([e.code, e.slot, e.value]).toEqual(["model/mismatch", "topic", ["sports", "politics"]]);
    expect(e.message).toContain(paths.bert);
    expect(e.message).toContain('"sports", "politics"');
    expect(e.message).toContain(BERT_LABELS.join(", "));
  });

  it("refuses other shapes: an ASR or vision model given text, and the classifier given an image or a text output", async () => {
    for (const model of [paths.whisper, paths.vit]) {
      const e = await failure(run(sentiment, { review: "fine" }, { ...offline, model }));
      expect([e.code, e.slot]).toEqual(["model/unsupported-task", "review"]);
      expect(e.message).toContain("cannot take TEXT input");
    }
    const caption = await failure(run(defineTask("[TEXT:review] -> [TEXT:summary]"), { review: "fine" }, { ...offline, model: paths.bert }));
    expect([caption.code, caption.slot]).toEqual(["model/unsupported-task", "summary"]);
    const three = defineTask("[TEXT:a] [TEXT:b] [TEXT:c] -> [CATEGORY:label]");
    const e = await failure(run(three, { a: "x", b: "y", c: "z" }, { ...offline, model: paths.bert }));
    expect(e.code).toBe("model/unsupported-task");
    expect(e.message).toContain("3 texts");
  });
});
