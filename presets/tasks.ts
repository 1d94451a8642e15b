// the task preset registry: the 23 OFASys example tasks (../shared/notes/ofasys.md §3), usable by their OFASys keys.

export interface TaskPreset {
  /** the OFASys task key */
  name: string;
  group: "text" | "image" | "box" | "video" | "audio" | "structural" | "motion";
  instruction: string;
  dataset: string;
  /** metric key in omnispec/metrics, or "none" for pretraining-only tasks */
  metric: string;
  /** true when the target is a modality omnispec cannot generate (images, speech, motion): inputs plan, running needs a generative model */
  generative?: boolean;
  pretrainOnly?: boolean;
  note?: string;
}

export const taskPresets = {
  glue: {
    name: "glue",
    group: "text",
    instruction:
      'is the sentiment of text " [TEXT:sentence] " positive or negative? -> is the sentiment of text " [TEXT:sentence,no_loss] " positive or negative? [TEXT:label,closed_set]',
    dataset: "GLUE (SST-2 template; CoLA/MNLI/MRPC/QNLI/QQP/RTE use similar ones)",
    metric: "accuracy",
  },
  natural_instruction_v2: {
    name: "natural_instruction_v2",
    group: "text",
    instruction: "[TEXT:instruction] [TEXT:examples] [TEXT:src] -> [TEXT:tgt,max_length=128]",
    dataset: "Natural Instructions v2",
    metric: "rougeL",
  },
  gigaword: {
    name: "gigaword",
    group: "text",
    instruction: 'what is the summary of article " [TEXT:src] "? -> [TEXT:tgt,noise_ratio=0.2]',
    dataset: "Gigaword",
    metric: "rougeL",
  },
  text_infilling: {
    name: "text_infilling",
    group: "text",
    instruction: 'what is the complete text of " [TEXT:text,mask_ratio=0.3] "? -> [TEXT:text]',
    dataset: "Pile / Wikicorpus / Bookcorpus",
    metric: "none",
    pretrainOnly: true,
  },
  image_classify: {
    name: "image_classify",
    group: "image",
    instruction: "[IMAGE:image] what does the image describe? -> [TEXT:label_name,closed_set]",
    dataset: "ILSVRC-2012 ImageNet",
    metric: "accuracy",
  },
  snli_ve: {
    name: "snli_ve",
    group: "image",
    instruction:
      '[IMAGE:img] can image and text1 " [TEXT:cap] " imply text2 " [TEXT:hyp] "? -> can image and text1 " [TEXT:cap,no_loss] " imply text2 " [TEXT:hyp,no_loss] "? [TEXT:label,closed_set]',
    dataset: "SNLI-VE",
    metric: "accuracy",
  },
  caption: {
    name: "caption",
    group: "image",
    instruction: "[IMAGE:img] what does the image describe? -> [TEXT:cap]",
    dataset: "MS COCO (Karpathy test)",
    metric: "ciderD",
  },
  vqa_gen: {
    name: "vqa_gen",
    group: "image",
    instruction: "[IMAGE:image] [TEXT:question] -> [TEXT:answer,closed_set]",
    dataset: "VQA v2",
    metric: "vqaScore",
  },
  image_gen: {
    name: "image_gen",
    group: "image",
    instruction: 'what is the complete image? caption: [TEXT:text]"? -> [IMAGE,preprocess=image_vqgan,adaptor=image_vqgan]',
    dataset: "COCO (30k sampled test images)",
    metric: "clip_ti",
    generative: true,
  },
  image_infilling: {
    name: "image_infilling",
    group: "image",
    instruction: 'what is the complete image of "[IMAGE:img,mask_ratio=0.5]"? -> [IMAGE,preprocess=image_vqgan,adaptor=image_vqgan]',
    dataset: "-",
    metric: "none",
    generative: true,
    pretrainOnly: true,
  },
  refcoco: {
    name: "refcoco",
    group: "box",
    instruction: '[IMAGE:img] which region does the text " [TEXT:cap] " describe? -> [BOX:patch_boxes]',
    dataset: "RefCOCO / RefCOCO+ / RefCOCOg",
    metric: "iou",
  },
  grounded_captioning: {
    name: "grounded_captioning",
    group: "box",
    instruction: "[IMAGE:img] what does the region describe? region: [BOX:patch_boxes] -> [TEXT:cap]",
    dataset: "RefCOCO/+/g, Visual Genome",
    metric: "none",
    pretrainOnly: true,
  },
  object_detection: {
    name: "object_detection",
    group: "box",
    instruction: "[IMAGE:img] what are the objects in the image? -> ( [BOX] [TEXT])*",
    dataset: "OpenImages, Objects365, VG, COCO",
    metric: "none",
    pretrainOnly: true,
  },
  video_classify: {
    name: "video_classify",
    group: "video",
    instruction: "[VIDEO:video] what is in the video? -> [TEXT:label_name,closed_set]",
    dataset: "Kinetics-400",
    metric: "accuracy",
  },
  video_caption: {
    name: "video_caption",
    group: "video",
    instruction: "[VIDEO:video] what does the video describe? -> [TEXT:cap]",
    dataset: "MSR-VTT",
    metric: "ciderD",
  },
  video_question_answering_generative: {
    name: "video_question_answering_generative",
    group: "video",
    instruction: "[VIDEO:video] [TEXT:question] -> [TEXT:answer,is_label]",
    dataset: "MSR-VTT QA",
    metric: "vqaScore",
  },
  speech_to_text: {
    name: "speech_to_text",
    group: "audio",
    instruction: "[AUDIO:wav] what is the text corresponding to the voice? -> [TEXT:text,preprocess=text_phone]",
    dataset: "LibriSpeech",
    metric: "wer",
  },
  text_to_speech: {
    name: "text_to_speech",
    group: "audio",
    instruction: "[PHONE:text] -> [AUDIO:fbank,adaptor=audio_tgt_fbank]",
    dataset: "LJSpeech (22.05 kHz), BZNSYP (48 kHz)",
    metric: "mcd",
    generative: true,
  },
  spider: {
    name: "spider",
    group: "structural",
    instruction: '" [TEXT:src] " ; structured knowledge: " [STRUCT:database,max_length=876] " . generating sql code. -> [TEXT:tgt]',
    dataset: "Spider",
    metric: "exactMatch",
    note: "the README form (STRUCT); the docs write [TEXT:database]",
  },
  dart: {
    name: "dart",
    group: "structural",
    instruction: 'structured knowledge: " [STRUCT:database,uncased] "  . how to describe the tripleset ? -> [TEXT:tgt]',
    dataset: "DART",
    metric: "bleu",
    note: "the README form (STRUCT); the docs write [TEXT:database]",
  },
  fetaqa: {
    name: "fetaqa",
    group: "structural",
    instruction: 'structured knowledge: " [TEXT:database] "  . what is the answer of the question " [TEXT:src] " ? ->  [TEXT:tgt]',
    dataset: "FeTaQA",
    metric: "bleu",
  },
  sudoku: {
    name: "sudoku",
    group: "structural",
    instruction: '" [TEXT:src] "  .  solve the sudoku .  -> [TEXT:tgt]',
    dataset: "Kaggle Sudoku",
    metric: "solved_acc",
  },
  diffusion: {
    name: "diffusion",
    group: "motion",
    instruction: "motion capture: [TEXT:text] -> [MOTION:bvh_frames,preprocess=motion_6d,adaptor=motion_6d]",
    dataset: "AMASS / KIT / AIST++",
    metric: "none",
    generative: true,
  },
} as const satisfies Record<string, TaskPreset>;

export type TaskPresetName = keyof typeof taskPresets;
