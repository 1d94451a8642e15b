import { describe, expect, it } from "vitest";
import { OmnispecError } from "../errors.js";
import { taskPresets } from "../../presets/tasks.js";
import { formatInstruction, instructionToJSON, parseInstruction } from "./parse.js";
import type { Segment, SlotNode } from "./ast.js";

const slots = (segs: readonly Segment[]): SlotNode[] => segs.filter((s): s is SlotNode => s.kind === "slot");
const names = (text: string) => {
  const p = parseInstruction(text);
  return [slots(p.source).map((s) => `${s.name}:${s.modality}`), slots(p.target).map((s) => `${s.name}:${s.modality}`)];
};

function error(text: string): OmnispecError {
  try {
    parseInstruction(text);
  } catch (e) {
    if (e instanceof OmnispecError) return e;
    throw e;
  }
  throw new Error(`no error for ${text}`);
}

// every instruction quoted in ofasys.md §1.7 (current and legacy syntax), with the slots OFASys's parser gives
const OFASYS: [string, string[][]][] = [
  ["[IMAGE:img] what does the image describe? -> [TEXT:cap]", [["img:IMAGE"], ["cap:TEXT"]]],
  ['[IMAGE:img] which region does the text " [TEXT:cap] " describe? -> [BOX:patch_boxes]', [["img:IMAGE", "cap:TEXT"], ["patch_boxes:BOX"]]],
  ['what is the summary of article " [TEXT:src] "? -> [TEXT:tgt]', [["src:TEXT"], ["tgt:TEXT"]]],
  ['structured knowledge: " [STRUCT:database,uncased] "  . how to describe the tripleset ? -> [TEXT:tgt]', [["database:STRUCT"], ["tgt:TEXT"]]],
  ['" [TEXT:src] " ; structured knowledge: " [STRUCT:database,max_length=876] " . generating sql code. -> [TEXT:tgt]', [["src:TEXT", "database:STRUCT"], ["tgt:TEXT"]]],
  ["[VIDEO:video] what does the video describe? -> [TEXT:cap]", [["video:VIDEO"], ["cap:TEXT"]]],
  ["[AUDIO:wav] what is the text corresponding to the voice? -> [TEXT:text,preprocess=text_phone]", [["wav:AUDIO"], ["text:TEXT"]]],
  ['what is the complete image? caption: [TEXT:text]"? -> [IMAGE,preprocess=image_vqgan,adaptor=image_vqgan]', [["text:TEXT"], ["3:IMAGE"]]],
  ["motion capture: [TEXT:text] -> [MOTION:bvh_frames,preprocess=motion_6d,adaptor=motion_6d]", [["text:TEXT"], ["bvh_frames:MOTION"]]],
  ['what is the complete text of " [TEXT:sentence,mask_ratio=0.3] "? -> [TEXT:sentence]', [["sentence:TEXT"], ["sentence:TEXT"]]],
  [
    'is the sentiment of text " [TEXT:sentence] " positive or negative? -> is the sentiment of text " [TEXT:sentence,no_loss] " positive or negative? [TEXT:label,closed_set]',
    [["sentence:TEXT"], ["sentence:TEXT", "label:TEXT"]],
  ],
  ["[IMAGE:img] what does the region describe? region: [BOX:region_coord] -> [TEXT:cap]", [["img:IMAGE", "region_coord:BOX"], ["cap:TEXT"]]],
  ["[PHONE:text] -> [AUDIO:fbank,adaptor=audio_tgt_fbank]", [["text:PHONE"], ["fbank:AUDIO"]]],
  ["[VIDEO:video] [TEXT:question] -> [TEXT:answer,is_label]", [["video:VIDEO", "question:TEXT"], ["answer:TEXT"]]],
  ["[IMAGE:image,preprocess=imagenet] what does the image describe? -> [TEXT:label_name,closed_set]", [["image:IMAGE"], ["label_name:TEXT"]]],
  ["[IMAGE:image,adaptor=image_vit] what does the image describe? -> [TEXT:caption]", [["image:IMAGE"], ["caption:TEXT"]]],
  ['[IMAGE:img] <BOS> which region does the text " [TEXT:cap] " describe? <EOS> -> [BOX:region_coord,add_bos,add_eos]', [["img:IMAGE", "cap:TEXT"], ["region_coord:BOX"]]],
  ["[AUDIO:wav] -> <BOS> [TEXT:text] <EOS>", [["wav:AUDIO"], ["text:TEXT"]]],
  ["<BOS> human motion: [TEXT:text,max_length=64] <EOS> -> [MOTION:bvh_frames,preprocess=motion_6d,adaptor=motion_6d,max_length=1024,sample_rate=1]", [["text:TEXT"], ["bvh_frames:MOTION"]]],
  // unnamed slots take their OFASys global position, which counts text runs too
  ['[IMAGE] <BOS> does the text " [TEXT] " describe the image ?<EOS> -> <BOS> [TEXT] <EOS>', [["0:IMAGE", "2:TEXT"], ["5:TEXT"]]],
  ['<BOS> structured knowledge: " [TEXT:database,max_length=768] " . what is the answer of the question " [TEXT:src,max_length=128] " ? <EOS> -> <BOS> [TEXT:tgt,noise_ratio=0.2] <EOS>', [["database:TEXT", "src:TEXT"], ["tgt:TEXT"]]],
];

describe("OFASys instructions", () => {
  it.each(OFASYS)("%s", (text, expected) => {
    expect(names(text)).toEqual(expected);
  });

  it("parses all 23 example tasks of the catalogue", () => {
    const ofasys = Object.values(taskPresets).filter((t) => !("origin" in t) || t.origin === "ofasys");
    expect(ofasys.length).toBe(23);
    for (const t of ofasys) expect(() => parseInstruction(t.instruction)).not.toThrow();
  });

  it("keeps plain text as OFASys does (trimmed runs), and drops <BOS>/<EOS> with a warning", () => {
    const p = parseInstruction("[AUDIO:wav] -> <BOS> [TEXT:text] <EOS>");
    expect(p.target.map((s) => s.kind)).toEqual(["slot"]);
    expect(p.warnings.map((w) => w.code)).toEqual(["bos-eos", "bos-eos"]);
    expect(p.warnings[0].column).toBe(16);
    const q = parseInstruction('what is the summary of article " [TEXT:src] "? -> [TEXT:tgt]');
    expect(q.source[0]).toMatchObject({ kind: "text", text: 'what is the summary of article "' });
  });

  it("types attributes: flags, numbers, strings, and choices lists", () => {
    const p = parseInstruction("[IMAGE:img,max_pixels=1003520,variant=qwen-vl-utils-0.0.10] -> [CATEGORY:label,choices=yes|no|maybe,no_loss]");
    expect(slots(p.source)[0].attrs).toEqual({ max_pixels: 1003520, variant: "qwen-vl-utils-0.0.10" });
    expect(slots(p.target)[0].attrs).toEqual({ choices: ["yes", "no", "maybe"], no_loss: true });
    expect(parseInstruction("[VIDEO:v,audio=false] -> [TEXT:t]").source[0]).toMatchObject({ attrs: { audio: false } });
  });

  it("legacy add_bos/add_eos are accepted and dropped with a warning", () => {
    const p = parseInstruction("[IMAGE:img] -> [BOX:b,add_bos,add_eos]");
    expect(slots(p.target)[0].attrs).toEqual({});
    expect(p.warnings.map((w) => w.code)).toEqual(["legacy-attribute", "legacy-attribute"]);
  });
});

describe("beyond OFASys", () => {
  it("optional and list slots", () => {
    const p = parseInstruction("[IMAGE:pics[],max_pixels=100352] [TEXT:hint?] -> [BOX:boxes[]]");
    expect(slots(p.source).map((s) => [s.name, s.list, s.optional])).toEqual([
      ["pics", true, false],
      ["hint", false, true],
    ]);
    expect(slots(p.source)[0].attrs).toEqual({ max_pixels: 100352 });
    expect(slots(p.target)[0]).toMatchObject({ name: "boxes", list: true });
  });

  it("repetition groups become one list-typed slot, named or positional", () => {
    const od = parseInstruction("[IMAGE:img] what are the objects in the image? -> ( [BOX] [TEXT])*");
    const group = od.target[0];
    expect(group.kind).toBe("repeat");
    if (group.kind !== "repeat") return;
    expect(group.name).toBe("2");
    expect(slots(group.segments).map((s) => `${s.name}:${s.modality}`)).toEqual(["0:BOX", "1:TEXT"]);
    const named = parseInstruction("[IMAGE:img] find them -> ( [BOX:box] is a [TEXT:label] )*:objects");
    expect(named.target[0]).toMatchObject({ kind: "repeat", name: "objects", named: true });
  });

  it("a parenthesis in text is text", () => {
    const p = parseInstruction("[IMAGE:img] describe (briefly) the scene -> [TEXT:c]");
    expect(p.source[1]).toMatchObject({ kind: "text", text: "describe (briefly) the scene" });
  });

  it("alternatives", () => {
    const p = parseInstruction("[[IMAGE:pic]|[VIDEO:clip]] what is shown? -> [TEXT:answer]");
    expect(p.source[0]).toMatchObject({ kind: "choice" });
    if (p.source[0].kind === "choice") expect(p.source[0].options.map((o) => o.name)).toEqual(["pic", "clip"]);
  });

  it("round-trips through formatInstruction and the JSON form", () => {
    const text = "[IMAGE:img,max_pixels=1003520] what is it? -> [CATEGORY:label,choices=a|b]";
    const p = parseInstruction(text);
    expect(formatInstruction(p)).toBe(text);
    expect(instructionToJSON(p).target).toEqual([{ kind: "slot", modality: "CATEGORY", name: "label", attrs: { choices: ["a", "b"] }, optional: false, list: false }]);
  });
});

describe("errors", () => {
  const cases: [string, string, number, RegExp?][] = [
    ["[image:img] -> [TEXT:t]", "parse/unknown-modality", 2, /did you mean IMAGE/],
    ["[IMGAE:x] -> [TEXT:t]", "parse/unknown-modality", 2, /did you mean IMAGE/],
    ["[TEXT:x,max_lenght=5] -> [TEXT:t]", "parse/unknown-attribute", 9, /did you mean max_length/],
    ["[IMAGE:img] what is it? [TEXT:answer]", "parse/missing-arrow", 37],
    ["[TEXT:a] -> [TEXT:b] -> [TEXT:c]", "parse/multiple-arrows", 22],
    ["[IMAGE:img what is it? -> [TEXT:a]", "parse/unclosed-bracket", 1],
    ["[IMAGE:img] -> [TEXT:a", "parse/unclosed-bracket", 16],
    ["[IMAGE:x] [TEXT:x] -> [TEXT:a]", "parse/duplicate-slot", 11],
    ["[TEXT:x,max_length=five] -> [TEXT:a]", "parse/bad-attribute-value", 20],
    ["[TEXT:x,max_length=2.5] -> [TEXT:a]", "parse/bad-attribute-value", 20],
    ["[IMAGE:x,orient=maybe] -> [TEXT:a]", "parse/bad-attribute-value", 17],
    ["[IMAGE:x,resample=bilinear] -> [TEXT:a]", "parse/bad-attribute-value", 19],
    ["[TEXT: x] -> [TEXT:a]", "parse/bad-name", 7, /no spaces/],
    ["[] -> [TEXT:a]", "parse/bad-slot", 1],
    ["what ] -> [TEXT:a]", "parse/unexpected-bracket", 6],
    ["[TEXT:a,] -> [TEXT:b]", "parse/bad-slot", 9],
  ];
  it.each(cases)("%s -> %s at column %i", (text, code, column, hint) => {
    const e = error(text);
    expect(e.code).toBe(code);
    expect(e.column).toBe(column);
    if (hint) expect(e.message).toMatch(hint);
    // the caret line sits under the column
    const lines = e.message.split("\n");
    const caretLine = lines.find((l) => /^\s+\^+$/.test(l));
    expect(caretLine?.indexOf("^")).toBe(2 + column - 1);
  });

  it("refuses a 1 MB instruction quickly", () => {
    const big = "[TEXT:a] " + "x".repeat(1 << 20) + " -> [TEXT:b]";
    const t0 = performance.now();
    expect(error(big).code).toBe("parse/too-long");
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
