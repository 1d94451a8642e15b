// instructions with the input and output keys both parsers must give them ("name?" marks an optional key).
// parse.test.ts checks the run-time parser (through the task's input/output split), infer.test-d.ts the type level.

export const AGREEMENT_CASES = [
  // ofasys.md §1.7, current syntax
  { instruction: "[IMAGE:img] what does the image describe? -> [TEXT:cap]", input: ["img"], output: ["cap"] },
  { instruction: '[IMAGE:img] which region does the text " [TEXT:cap] " describe? -> [BOX:patch_boxes]', input: ["img", "cap"], output: ["patch_boxes"] },
  { instruction: 'what is the summary of article " [TEXT:src] "? -> [TEXT:tgt,noise_ratio=0.2]', input: ["src"], output: ["tgt"] },
  { instruction: 'structured knowledge: " [STRUCT:database,uncased] "  . how to describe the tripleset ? -> [TEXT:tgt]', input: ["database"], output: ["tgt"] },
  { instruction: '" [TEXT:src] " ; structured knowledge: " [STRUCT:database,max_length=876] " . generating sql code. -> [TEXT:tgt]', input: ["src", "database"], output: ["tgt"] },
  { instruction: "[VIDEO:video] what does the video describe? -> [TEXT:cap]", input: ["video"], output: ["cap"] },
  { instruction: "[AUDIO:wav] what is the text corresponding to the voice? -> [TEXT:text,preprocess=text_phone]", input: ["wav"], output: ["text"] },
  { instruction: 'what is the complete image? caption: [TEXT:text]"? -> [IMAGE,preprocess=image_vqgan,adaptor=image_vqgan]', input: ["text"], output: ["3"] },
  { instruction: 'what is the complete image of "[IMAGE:img,mask_ratio=0.5]"? -> [IMAGE,preprocess=image_vqgan,adaptor=image_vqgan]', input: ["img"], output: ["3"] },
  { instruction: "motion capture: [TEXT:text] -> [MOTION:bvh_frames,preprocess=motion_6d,adaptor=motion_6d]", input: ["text"], output: ["bvh_frames"] },
  { instruction: 'what is the complete text of " [TEXT:sentence,mask_ratio=0.3] "? -> [TEXT:sentence]', input: ["sentence"], output: [] },
  {
    instruction: 'is the sentiment of text " [TEXT:sentence] " positive or negative? -> is the sentiment of text " [TEXT:sentence,no_loss] " positive or negative? [TEXT:label,closed_set]',
    input: ["sentence"],
    output: ["label"],
  },
  {
    instruction: '[IMAGE:img] can image and text1 " [TEXT:cap] " imply text2 " [TEXT:hyp] "? -> can image and text1 " [TEXT:cap,no_loss] " imply text2 " [TEXT:hyp,no_loss] "? [TEXT:label,closed_set]',
    input: ["img", "cap", "hyp"],
    output: ["label"],
  },
  { instruction: "[IMAGE:img] what does the region describe? region: [BOX:region_coord] -> [TEXT:cap]", input: ["img", "region_coord"], output: ["cap"] },
  { instruction: "[IMAGE:img] what are the objects in the image? -> ( [BOX] [TEXT])*", input: ["img"], output: ["2"] },
  { instruction: "[PHONE:text] -> [AUDIO:fbank,adaptor=audio_tgt_fbank]", input: ["text"], output: ["fbank"] },
  { instruction: "[VIDEO:video] [TEXT:question] -> [TEXT:answer,is_label]", input: ["video", "question"], output: ["answer"] },
  { instruction: "[IMAGE:image,preprocess=imagenet] what does the image describe? -> [TEXT:label_name,closed_set]", input: ["image"], output: ["label_name"] },
  { instruction: "[IMAGE:image,adaptor=image_vit] what does the image describe? -> [TEXT:caption]", input: ["image"], output: ["caption"] },
  // ofasys.md §1.7, v0.1.0 syntax
  { instruction: '[IMAGE:img] <BOS> which region does the text " [TEXT:cap] " describe? <EOS> -> [BOX:region_coord,add_bos,add_eos]', input: ["img", "cap"], output: ["region_coord"] },
  { instruction: "[AUDIO:wav] -> <BOS> [TEXT:text] <EOS>", input: ["wav"], output: ["text"] },
  { instruction: "<BOS> human motion: [TEXT:text,max_length=64] <EOS> -> [MOTION:bvh_frames,preprocess=motion_6d,adaptor=motion_6d,max_length=1024,sample_rate=1]", input: ["text"], output: ["bvh_frames"] },
  { instruction: '[IMAGE] <BOS> does the text " [TEXT] " describe the image ?<EOS> -> <BOS> [TEXT] <EOS>', input: ["0", "2"], output: ["5"] },
  {
    instruction: '<BOS> structured knowledge: " [TEXT:database,max_length=768] " . what is the answer of the question " [TEXT:src,max_length=128] " ? <EOS> -> <BOS> [TEXT:tgt,noise_ratio=0.2] <EOS>',
    input: ["database", "src"],
    output: ["tgt"],
  },
  // ofasys.md §3 variants
  { instruction: "[TEXT:instruction] [TEXT:examples] [TEXT:src] -> [TEXT:tgt,max_length=128]", input: ["instruction", "examples", "src"], output: ["tgt"] },
  { instruction: '" [TEXT:src] "  .  solve the sudoku .  -> [TEXT:tgt]', input: ["src"], output: ["tgt"] },
  { instruction: "[TEXT] [IMAGE] -> [TEXT]", input: ["0", "1"], output: ["2"] },
  { instruction: "What does the image [IMAGE] describe? -> [TEXT]", input: ["1"], output: ["3"] },
  // beyond OFASys
  { instruction: "[IMAGE:pics[]] [TEXT:hint?] [VIDEO:clips[]?] -> [BOX:boxes[]]", input: ["pics", "hint?", "clips?"], output: ["boxes"] },
  { instruction: "[[IMAGE:pic] | [VIDEO:clip]] what is shown? -> [TEXT:a]", input: ["pic?", "clip?"], output: ["a"] },
  { instruction: "[[IMAGE]|[VIDEO]] what is shown? -> [TEXT]", input: ["0?", "1?"], output: ["3"] },
  { instruction: "[IMAGE:img] find them -> ( [BOX:box] is a [TEXT:label] )*:objects", input: ["img"], output: ["objects"] },
  { instruction: "[IMAGE] describe (briefly) -> ( [BOX] [TEXT])* done", input: ["0"], output: ["2"] },
  { instruction: "-> [TEXT:story]", input: [], output: ["story"] },
  { instruction: "[TEXT:doc] ->", input: ["doc"], output: [] },
  { instruction: "[CATEGORY:label,choices=yes|no] [TEXT:q] -> [CATEGORY:answer,no_loss=false,choices=a|b]", input: ["label", "q"], output: ["answer"] },
  { instruction: "[TEXT:q] -> [TEXT:prefix,no_loss=true] [TEXT:a]", input: ["q", "prefix"], output: ["a"] },
] as const;
