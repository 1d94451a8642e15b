// omnispec/modalities: the modality registry and each modality's pure helpers.
import "./builtin.js";

export { defineModality, registerModality, getModality, hasModality, modalityNames, commonAttrs, legacyAttrs, type ModalityDefinition } from "./registry.js";
export { imageInput, videoInput, audioInput, type ImageInput, type VideoInput, type AudioInput } from "./media-value.js";
export { smartResize, assertNotDegenerate, defaultPixelBounds, VISION_CONSTANTS, SMART_RESIZE_VARIANTS, type SmartResizeOptions, type SmartResizeResult, type SmartResizeVariant, type VisionFamily } from "./image/smart-resize.js";
export { imageGrid, imageTokensFromSize } from "./image/tokens.js";
export { tileGrid, fixedResize } from "./image/tiles.js";
export { imageHeader, type ImageHeader } from "./image/plan.js";
export { sampleFrames, qwen3VlTimestampText, type SampleFramesOptions, type SampledFrames } from "./video/sample-frames.js";
export { planVideoFrames, videoGrid, secondPerGridT, type VideoFramePlan } from "./video/resize.js";
export { videoHeader, type VideoHeader } from "./video/plan.js";
export {
  decodeFrames,
  streamFrames,
  probeVideo,
  packetsOf,
  selectExpression,
  defaultDecodeProcesses,
  DEFAULT_MAX_FRAMES,
  DEFAULT_MAX_FRAME_PIXELS,
  type DecodeFramesOptions,
  type DecodedFrames,
  type FrameResample,
  type VideoFrame,
  type VideoProbe,
} from "./video/decode.js";
export { splitPoints, planSegments, type SplitPoint, type DecodeSegment } from "./video/segments.js";
export { contactSheet, type ContactSheetOptions } from "./video/contact-sheet.js";
export * from "./audio/index.js";
export { parseBox, boxToModel, boxFromModel, boxText, type Box } from "./box/convention.js";
export { serialiseTable } from "./struct/plan.js";
export { estimateCounter, loadTokenizer, type TextCounter } from "./text/tokenizer.js";
export { classifyMediaValue, type MediaValueKind } from "./media-value.js";
export { decodeImage, openImage, readImageSize, DEFAULT_MAX_PIXELS, type DecodedImage, type OpenedImage, type ImageSize, type DecodeImageOptions } from "./image/decode.js";
export { resize, assertResizable, resizePillow, resizePillowAway, resizePillowParallel, resizeSharp, growPillow, resizeTransformersJs, RESAMPLE_METHODS, type ResampleMethod, type RgbImage } from "./image/resample/index.js";
export { patchify, patchShape, assertPatchable, normalizeTable, type PatchifyOptions, type Patches } from "./image/patchify.js";
export { imagePixelValues, imagePixelValuesBatch, type PixelValuesOptions, type ImagePixelValues, type PixelValuesResult } from "./image/pixel-values.js";
export { checkAspectRatio } from "./image/smart-resize.js";
export { swapsSides } from "./image/orientation.js";
