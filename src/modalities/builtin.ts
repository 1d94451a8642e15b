// the built-in modalities, registered once; the parser and the task API import this, not the whole subpath
import { audioModality } from "./audio/schema.js";
import { boxModality } from "./box/schema.js";
import { categoryModality } from "./category/schema.js";
import { imageModality } from "./image/schema.js";
import { motionModality } from "./motion/schema.js";
import { phoneModality } from "./phone/schema.js";
import { registerModality } from "./registry.js";
import { structModality } from "./struct/schema.js";
import { textModality } from "./text/schema.js";
import { videoModality } from "./video/schema.js";

for (const m of [textModality, imageModality, audioModality, videoModality, boxModality, structModality, categoryModality, motionModality, phoneModality]) {
  registerModality(m);
}

export { getModality, hasModality, legacyAttrs, modalityNames } from "./registry.js";
