// tiny-bert through transformers.js, offline behind a network tripwire: pipeline("text-classification") and
// AutoModelForSequenceClassification.
// onnx/model.onnx: input_ids, attention_mask, token_type_ids [batch, seq] → logits [batch, 3].
import { AutoModelForSequenceClassification, AutoTokenizer, pipeline } from "@huggingface/transformers";
import type { PreTrainedModel, PreTrainedTokenizer, TextClassificationPipeline } from "@huggingface/transformers";
import { beforeAll, describe, expect, it } from "vitest";
import { fetchTripwire } from "../../../tests/support/offline.js";
import { BERT_LABELS } from "./bert.js";
import { ensureTinyModels } from "./ensure.js";

let path = "";
let otherSeed = "";
let tripwire: { attempts(): number };
let tokenizer: PreTrainedTokenizer;
let model: PreTrainedModel;

beforeAll(async () => {
  tripwire = fetchTripwire();
  path = ensureTinyModels("tests/tmp/models", { kinds: ["bert"] }).paths.bert ?? "";
  otherSeed = ensureTinyModels("tests/tmp/models-seed-1", { seed: 1, kinds: ["bert"] }).paths.bert ?? "";
  tokenizer = await AutoTokenizer.from_pretrained(path);
  model = await AutoModelForSequenceClassification.from_pretrained(path);
});

type Logits = { logits: { dims: number[]; tolist(): number[][] } };
const logitsOf = async (m: PreTrainedModel, texts: string[]) => ((await m(tokenizer(texts, { padding: true }))) as Logits).logits.tolist();

describe("tiny-bert with transformers.js", () => {
  it("classifies with the text-classification pipeline from a local folder, offline, deterministically", async () => {
    const classify = (await pipeline("text-classification", path)) as TextClassificationPipeline;
    const all = (await classify("a wonderful film", { top_k: null })) as { label: string; score: number }[];
    expect(all.map((x) => x.label).sort()).toEqual([...BERT_LABELS].sort());
    expect(all.reduce((s, x) => s + x.score, 0)).toBeCloseTo(1, 5);
    expect(await classify("a wonderful film", { top_k: null })).toEqual(all);
    expect(await classify("the plot was dull and too long", { top_k: null })).not.toEqual(all);
    expect(tripwire.attempts()).toBe(0);
  });

  it("loads as BertForSequenceClassification; logits depend on the text, the seed and the segment, not on padding", async () => {
    expect(model.constructor.name).toBe("BertForSequenceClassification");
    const [a, b] = await logitsOf(model, ["a wonderful film", "the plot was dull and too long"]);
    expect(a).toHaveLength(BERT_LABELS.length);
    expect(a).not.toEqual(b);
    // right padding is masked out of attention: the shorter text alone gives the same logits as in the padded batch
    const [alone] = await logitsOf(model, ["a wonderful film"]);
    alone.forEach((x, i) => expect(x).toBeCloseTo(a[i], 4));
    const other = await AutoModelForSequenceClassification.from_pretrained(otherSeed);
    expect((await logitsOf(other, ["a wonderful film"]))[0]).not.toEqual(alone);
    const pair = (await model(tokenizer("a wonderful film", { text_pair: "the story" }))) as Logits;
    const swapped = (await model(tokenizer("the story", { text_pair: "a wonderful film" }))) as Logits;
    expect(pair.logits.dims).toEqual([1, BERT_LABELS.length]);
    expect(pair.logits.tolist()).not.toEqual(swapped.logits.tolist());
  });

  it("tokenizes uncased WordPiece at BERT's ids: [CLS] a [SEP] b [SEP] with token type ids, ## pieces for unknown words", () => {
    const enc = tokenizer("Hello, Walking", { text_pair: "the film" });
    const ids = (enc.input_ids.tolist() as bigint[][])[0].map(Number);
    expect([ids[0], ids.at(-1)]).toEqual([101, 102]);
    expect(ids.filter((id) => id === 102)).toHaveLength(2);
    const types = (enc.token_type_ids!.tolist() as bigint[][])[0].map(Number);
    expect(types.slice(ids.indexOf(102) + 1).every((t) => t === 1)).toBe(true);
    expect(types.slice(0, ids.indexOf(102) + 1).every((t) => t === 0)).toBe(true);
    const pieces = tokenizer.tokenize("Walking");
    expect(pieces[0]).toBe("w");
    expect(pieces.slice(1).every((p) => p.startsWith("##"))).toBe(true);
    expect(tokenizer.decode(ids, { skip_special_tokens: true })).toBe("hello, walking the film");
    expect(tokenizer.convert_tokens_to_ids(["[PAD]", "[UNK]", "[MASK]"])).toEqual([0, 100, 103]);
  });
});
