// npx tsx examples/grounding.ts
// Grounding: find the region a phrase describes, as a box. Boxes are given and returned in original pixels (as the photo
// is displayed, EXIF rotation applied); each model preset writes them in its own convention: Qwen2.5-VL in pixels of
// the resized image, Qwen2-VL on a 0..1000 grid. The plan picture draws the box where the model will see it.
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { compile, defineTask } from "../src/index.js";
import { iou } from "../src/metrics/index.js";
import { presets } from "../presets/index.js";
import { exampleMedia, outDir } from "./example-media.js";

const media = await exampleMedia();
const root = fileURLToPath(new URL("..", import.meta.url));
const show = (file: string): string => relative(process.cwd(), file);

// %% [markdown]
// The `grounding` preset: a phrase in, a `[BOX:box]` out.

// %%
const grounding = defineTask(presets.tasks.grounding);
console.log(`grounding: ${grounding.instruction}`);

// %% [markdown]
// A reference box in original pixels, written the way each model reads and writes boxes.

// %%
for (const [i, region] of media.regions.entries()) {
  console.log(`\n"${region.phrase}" in ${relative(media.dir, region.photo)}: ${JSON.stringify(region.box)} (original pixels)`);
  for (const preset of ["qwen2.5-vl", "qwen2-vl"]) {
    const p = await compile(grounding, { image: region.photo, phrase: region.phrase, box: region.box }, { preset });
    const b = p.slots.box.box as { text: string };
    const r = p.slots.image.resized as { width: number; height: number };
    console.log(`  ${preset.padEnd(11)} image ${r.width}x${r.height}  target ${b.text}`);
    if (preset === "qwen2.5-vl") {
      const picture = join(outDir, `grounding-reference-${i + 1}.png`);
      await p.render({ out: picture });
      console.log(`  drawn: ${show(picture)}`);
    }
  }
}

// %% [markdown]
// The same task run on the embedded tiny Qwen2.5-VL (random weights, offline): its answer is parsed into a typed box,
// mapped back to original pixels, drawn, and scored with IoU, the preset's metric, which is also a reward in [0, 1].

// %%
const { run } = await import("../src/runtime/index.js");
const region = media.regions[0];
const r = await run(grounding, { image: region.photo, phrase: region.phrase }, {
  offline: true,
  modelsDir: join(root, ".omnispec/models"),
  preset: "qwen2.5-vl",
  generation: { maxNewTokens: 24 },
});
const predicted = r.outputs.box;
console.log(`\ntiny model (${r.model.route}) said ${JSON.stringify(r.trace.box?.text ?? "")}`);
console.log(`  box ${JSON.stringify(predicted)}, IoU with the reference ${iou.reward(predicted, region.box).toFixed(3)}`);
const drawn = await compile(grounding, { image: region.photo, phrase: region.phrase, box: predicted }, { preset: "qwen2.5-vl" });
const picture = join(outDir, "grounding-predicted.png");
await drawn.render({ out: picture });
console.log(`  drawn: ${show(picture)}`);
