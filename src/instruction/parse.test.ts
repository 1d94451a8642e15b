import { describe, expect, it } from "vitest";
import { OmnispecError } from "../errors.js";
import { taskPresets } from "../../presets/tasks.js";
import { splitSlots } from "../task/define-task.js";
import { AGREEMENT_CASES } from "./agreement-cases.js";
import { formatInstruction, instructionToJSON, parseInstruction, parseInstructionUncached } from "./parse.js";
import { MAX_INSTRUCTION_LENGTH, PARSE_CACHE_SIZE } from "./tokens.js";
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
    expect(slots(parseInstruction("[IMAGE:i,orient=false,background=#fff,resize=tiles,min_pixels=3136] -> [TEXT:t]").source)[0].attrs).toEqual({
      orient: false,
      background: "#fff",
      resize: "tiles",
      min_pixels: 3136,
    });
    expect(slots(parseInstruction("[AUDIO:a,start=1.5,end=3e1,max_seconds=30,sample_rate=16000] -> [TEXT:t]").source)[0].attrs).toEqual({ start: 1.5, end: 30, max_seconds: 30, sample_rate: 16000 });
    expect(slots(parseInstruction("[VIDEO:v,fps=2,nframes=8,min_frames=4,max_frames=768,start=0,end=10,total_pixels=90316800,min_pixels=3136,max_pixels=602112] -> [TEXT:t]").source)[0].attrs).toMatchObject({ fps: 2, nframes: 8, total_pixels: 90316800 });
  });

  it("strips text runs as Python does, never collapsing inner spaces", () => {
    const p = parseInstruction('structured knowledge: " [STRUCT:database,uncased] "  . how to describe the tripleset ? -> [TEXT:tgt]');
    expect(p.source[2]).toMatchObject({ kind: "text", text: '"  . how to describe the tripleset ?' });
    // U+0085 and U+001F are Python whitespace (stripped); U+FEFF is not (kept)
    const q = parseInstruction("\u0085\u001fhello\ufeff [TEXT:a] -> [TEXT:b]");
    expect(q.source[0]).toMatchObject({ kind: "text", text: "hello\ufeff", span: [2, 8] });
  });

  it("drops every marker of a run with its own column, and a marker-only run still takes a position", () => {
    const p = parseInstruction("a <BOS> b <EOS> c <BOS> -> [TEXT]");
    expect(p.source[0]).toMatchObject({ kind: "text", text: "a b c" });
    expect(p.warnings.map((w) => w.column)).toEqual([3, 11, 19]);
    const q = parseInstruction("<BOS> -> [TEXT]");
    expect(q.source).toEqual([]);
    expect(slots(q.target)[0].name).toBe("1");
    expect(parseInstruction("<BOSS> -> [TEXT:x]").source[0]).toMatchObject({ text: "<BOSS>" });
  });

  it("caches frozen results", () => {
    const text = "[IMAGE:img] cache me -> [TEXT:c]";
    const a = parseInstruction(text);
    expect(parseInstruction(text)).toBe(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a.source[0]) && Object.isFrozen(slots(a.source)[0].attrs)).toBe(true);
  });

  it("keeps the cache bounded: an instruction not seen for a while is parsed again (equal, not the same object)", () => {
    const first = parseInstruction("[TEXT:first] -> [TEXT:x]");
    const kept = parseInstruction("[TEXT:kept] -> [TEXT:x]");
    for (let i = 0; i < PARSE_CACHE_SIZE; i++) {
      parseInstruction(`[TEXT:q${i}] -> [TEXT:x]`);
      if (i % 100 === 0) expect(parseInstruction("[TEXT:kept] -> [TEXT:x]")).toBe(kept);
    }
    const again = parseInstruction("[TEXT:first] -> [TEXT:x]");
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
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

describe("agreement with OFASys and with the type level", () => {
  // OFASys's own algorithm (ofasys/preprocessor/instruction.py), restated: the slot regex, Python strip, global positions
  const MOD = /\[(TEXT|IMAGE|BOX|AUDIO|MOTION|PHONE|VIDEO|STRUCT|CATEGORY)(?::([_A-Za-z0-9]+))?(?:,([_A-Za-z0-9,.=]+))?\]/g;
  const PY_SPACE = "[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
  const PY_STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, "g");
  const pyStrip = (t: string) => t.replace(PY_STRIP, "");
  function ofasys(template: string): string[] {
    const out: string[] = [];
    for (const side of template.trim().split("->").map(pyStrip)) {
      let last = 0;
      const text = (t: string) => {
        if (t) out.push(`text@${out.length}:${t}`);
      };
      for (const m of side.matchAll(MOD)) {
        text(pyStrip(side.slice(last, m.index)));
        out.push(`${m[1]}:${m[2] ?? String(out.length)}`);
        last = m.index + m[0].length;
      }
      text(pyStrip(side.slice(last)));
    }
    return out;
  }
  function ours(text: string): string[] {
    const out: string[] = [];
    const p = parseInstruction(text);
    for (const seg of [...p.source, ...p.target]) {
      if (seg.kind === "slot") out.push(`${seg.modality}:${seg.name}`);
      else if (seg.kind === "text") out.push(`text:${seg.text}`);
    }
    return out;
  }
  const withoutRepetition = OFASYS.map(([t]) => t).filter((t) => !t.includes(")*"));
  it.each(withoutRepetition)("same slots, names and text as OFASys: %s", (text) => {
    // OFASys keeps <BOS>/<EOS> as text since patch1; omnispec drops them, so compare without the markers
    const theirs = ofasys(text)
      .map((s) => (s.startsWith("text@") ? `text:${s.slice(s.indexOf(":") + 1).replace(/\s*<[BE]OS>\s*/g, " ").trim()}` : s))
      .filter((s) => s !== "text:");
    expect(ours(text)).toEqual(theirs);
  });

  const described = (slots: { name: string; optional: boolean; alternative?: boolean }[]) => slots.map((s) => (s.optional || s.alternative ? `${s.name}?` : s.name)).sort();
  it.each(AGREEMENT_CASES.map((c) => [c.instruction, c] as const))("task keys of %s", (_, c) => {
    const { inputs, outputs } = splitSlots(parseInstruction(c.instruction));
    expect(described(inputs)).toEqual([...c.input].sort());
    expect(described(outputs)).toEqual([...c.output].sort());
  });

  it.each(AGREEMENT_CASES.map((c) => [c.instruction]))("formatInstruction round-trips %s", (text) => {
    const p = parseInstruction(text);
    const again = parseInstruction(formatInstruction(p));
    expect(instructionToJSON(again)).toEqual(instructionToJSON(p));
    expect(formatInstruction(again)).toBe(formatInstruction(p));
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
    ["[TEXT[]] -> [TEXT:b]", "parse/bad-slot", 6, /needs a name: \[TEXT:name\[\]\]/],
    ["[IMAGE img] -> [TEXT:b]", "parse/bad-slot", 7, /no spaces/],
    ["[IMAGE:a?[]] -> [TEXT:b]", "parse/bad-name", 9, /a\[\]\?/],
    ["[TEXT:a,max_length=5,max_length=6] -> [TEXT:b]", "parse/bad-slot", 22, /given twice/],
    ["[TEXT:a,max_length=] -> [TEXT:b]", "parse/bad-attribute-value", 19, /needs a value/],
    ["[TEXT:a,max_length= 5] -> [TEXT:b]", "parse/bad-attribute-value", 20, /space/],
    ["[TEXT:a,max_length=0x10] -> [TEXT:b]", "parse/bad-attribute-value", 20, /whole number/],
    ["[TEXT:a,max_length=-3] -> [TEXT:b]", "parse/bad-attribute-value", 20],
    ["[TEXT:a,no_loss=yes] -> [TEXT:b]", "parse/bad-attribute-value", 17, /true\/false/],
    ["[TEXT:a,max_length] -> [TEXT:b]", "parse/bad-attribute-value", 9, /max_length=/],
    ["[IMAGE:x,resample=pill] -> [TEXT:a]", "parse/bad-attribute-value", 19, /did you mean resample=pil/],
    ["[IMAGE:x,background=red] -> [TEXT:a]", "parse/bad-attribute-value", 21, /hex/],
    ["[IMAGE:x] -> [CATEGORY:c,choices=a|a]", "parse/bad-attribute-value", 34, /distinct/],
    ["[IMAGE:x] -> [CATEGORY:c,choices=a||b]", "parse/bad-attribute-value", 34],
    ["[IMAGE:x] -> [TEXT:c,choices=a|b]", "parse/unknown-attribute", 22],
    ["[IMAGE:1] [TEXT] -> [TEXT:a]", "parse/duplicate-slot", 11, /unnamed/],
    ["[IMAGE:a[]] -> [IMAGE:a]", "parse/duplicate-slot", 16, /IMAGE list/],
    ["[IMAGE:objects] -> ( [BOX] [TEXT])*:objects", "parse/duplicate-slot", 20, /repeated group/],
    ["[IMAGE:x] -> ( [BOX:b] [TEXT:b] )*", "parse/duplicate-slot", 24],
    ["[[IMAGE:a]] -> [TEXT:t]", "parse/bad-pattern", 1, /at least two/],
    ["[[IMAGE:a]|] -> [TEXT:t]", "parse/bad-pattern", 12],
    ["[[IMAGE:a]|[VIDEO:b] -> [TEXT:t]", "parse/unclosed-bracket", 1],
    ["[[IMAGE:a]|[VIDEO:a]] -> [TEXT:t]", "parse/duplicate-slot", 12],
    ["[IMAGE:x] -> ( [BOX] ( [TEXT] )* )*", "parse/bad-pattern", 22, /do not nest/],
    ["see [1] -> [TEXT:t]", "parse/unknown-modality", 6, /reserved for slots/],
    ["[TEXT:a] -> [TEXT:b,max_length=5", "parse/unclosed-bracket", 13, /\[TEXT:b,max_length=5\]/],
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

  it("names the slot's value in the error and keeps huge values short", () => {
    const e = error(`[${"X".repeat(5000)}] -> [TEXT:t]`);
    expect(e.code).toBe("parse/unknown-modality");
    expect(String(e.value).length).toBeLessThan(80);
    expect(e.message.length).toBeLessThan(600);
  });

  it("refuses anything but a string", () => {
    expect(() => parseInstruction(42 as unknown as string)).toThrow(OmnispecError);
  });

  it("accepts exactly the length limit and refuses one more", () => {
    const pad = (n: number) => "[TEXT:a] -> [TEXT:b]" + " ".repeat(n - 20);
    expect(parseInstructionUncached(pad(MAX_INSTRUCTION_LENGTH)).target).toHaveLength(1);
    expect(error(pad(MAX_INSTRUCTION_LENGTH + 1)).code).toBe("parse/too-long");
  });

  it("refuses a 1 MB instruction before reading it (its speed is in bench/parse.ts)", () => {
    const big = "[TEXT:a] " + "x".repeat(1 << 20) + " -> [TEXT:b]";
    const e = error(big);
    expect(e.code).toBe("parse/too-long");
    expect(e.message).toMatch(/over the limit of 65536/);
  });
});
