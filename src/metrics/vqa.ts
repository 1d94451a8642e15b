// the VQA accuracy of the official evaluation (GT-Vision-Lab/VQA, vqaEval.py), with its answer processing.
import { defineMetric, type Metric } from "./metric.js";

// the official contraction table (values keep its curly apostrophes: matching depends on them)
const CONTRACTIONS: Record<string, string> = Object.fromEntries(
  (
    "aint=ain't arent=aren't cant=can't couldve=could've couldnt=couldn't couldn'tve=couldn’t’ve couldnt’ve=couldn’t’ve " +
    "didnt=didn’t doesnt=doesn’t dont=don’t hadnt=hadn’t hadnt’ve=hadn’t’ve hadn'tve=hadn’t’ve hasnt=hasn’t " +
    "havent=haven’t hed=he’d hed’ve=he’d’ve he’dve=he’d’ve hes=he’s howd=how’d howll=how’ll hows=how’s Id’ve=I’d’ve " +
    "I’dve=I’d’ve Im=I’m Ive=I’ve isnt=isn’t itd=it’d itd’ve=it’d’ve it’dve=it’d’ve itll=it’ll let’s=let’s maam=ma’am " +
    "mightnt=mightn’t mightnt’ve=mightn’t’ve mightn’tve=mightn’t’ve mightve=might’ve mustnt=mustn’t mustve=must’ve " +
    "neednt=needn’t notve=not’ve oclock=o’clock oughtnt=oughtn’t ow’s’at=’ow’s’at ’ows’at=’ow’s’at ’ow’sat=’ow’s’at " +
    "shant=shan’t shed’ve=she’d’ve she’dve=she’d’ve she’s=she’s shouldve=should’ve shouldnt=shouldn’t " +
    "shouldnt’ve=shouldn’t’ve shouldn’tve=shouldn’t’ve somebody’d=somebodyd somebodyd’ve=somebody’d’ve " +
    "somebody’dve=somebody’d’ve somebodyll=somebody’ll somebodys=somebody’s someoned=someone’d " +
    "someoned’ve=someone’d’ve someone’dve=someone’d’ve someonell=someone’ll someones=someone’s somethingd=something’d " +
    "somethingd’ve=something’d’ve something’dve=something’d’ve somethingll=something’ll thats=that’s thered=there’d " +
    "thered’ve=there’d’ve there’dve=there’d’ve therere=there’re theres=there’s theyd=they’d theyd’ve=they’d’ve " +
    "they’dve=they’d’ve theyll=they’ll theyre=they’re theyve=they’ve twas=’twas wasnt=wasn’t wed’ve=we’d’ve " +
    "we’dve=we’d’ve weve=we've werent=weren’t whatll=what’ll whatre=what’re whats=what’s whatve=what’ve whens=when’s " +
    "whered=where’d wheres=where's whereve=where’ve whod=who’d whod’ve=who’d’ve who’dve=who’d’ve wholl=who’ll " +
    "whos=who’s whove=who've whyll=why’ll whyre=why’re whys=why’s wont=won’t wouldve=would’ve wouldnt=wouldn’t " +
    "wouldnt’ve=wouldn’t’ve wouldn’tve=wouldn’t’ve yall=y’all yall’ll=y’all’ll y’allll=y’all’ll yall’d’ve=y’all’d’ve " +
    "y’alld’ve=y’all’d’ve y’all’dve=y’all’d’ve youd=you’d youd’ve=you’d’ve you’dve=you’d’ve youll=you’ll " +
    "youre=you’re youve=you’ve"
  )
    .split(" ")
    .map((pair) => pair.split("=") as [string, string]),
);

const NUMBER_WORDS: Record<string, string> = {
  none: "0", zero: "0", one: "1", two: "2", three: "3", four: "4", five: "5",
  six: "6", seven: "7", eight: "8", nine: "9", ten: "10",
};
const ARTICLES = new Set(["a", "an", "the"]);
const PUNCT = [";", ":", "/", "'", "[", "]", '"', "(", ")", "=", "+", "\\", "_", ">", "<", "@", "`", ",", "?"];
const DIGIT_COMMA_DIGIT = /\d,\d/;
// a period not followed by a digit (the official pattern's "(?!<=\d)" is a lookahead that never fires)
const PERIOD = /\.(?!\d)/g;

/** The official `processPunctuation` step. */
export function vqaProcessPunctuation(text: string): string {
  const glued = DIGIT_COMMA_DIGIT.test(text);
  let out = text;
  for (const p of PUNCT) {
    const drop = glued || text.includes(p + " ") || text.includes(" " + p);
    out = out.split(p).join(drop ? "" : " ");
  }
  return out.replace(PERIOD, "");
}

/** The official `processDigitArticle` step: lower-case, number words to digits, drop articles, restore contractions. */
export function vqaProcessDigitArticle(text: string): string {
  const kept: string[] = [];
  for (const raw of text.toLowerCase().split(/\s+/)) {
    if (raw === "") continue;
    const word = NUMBER_WORDS[raw] ?? raw;
    if (!ARTICLES.has(word)) kept.push(word);
  }
  return kept.map((w) => CONTRACTIONS[w] ?? w).join(" ");
}

/**
 * Normalises an answer as the official VQA evaluation does: newlines and tabs to spaces, trim, punctuation rules,
 * then lower-case, number words to digits, articles dropped, contractions restored.
 *
 * @example
 * import { normalizeVqaAnswer } from "omnispec/metrics";
 * normalizeVqaAnswer("Two dogs."); // "2 dogs"
 */
export function normalizeVqaAnswer(answer: string): string {
  return vqaProcessDigitArticle(vqaProcessPunctuation(String(answer).replace(/[\n\t]/g, " ").trim()));
}

/**
 * A VQA reference: the human answers (10 in VQA v2), one answer, or precomputed soft scores `{ answer: score }`
 * (the form OFASys' `vqa_score` reads).
 */
export type VqaReference = string | readonly string[] | Readonly<Record<string, number>>;

function questionAccuracy(output: string, reference: VqaReference): number {
  const answer = normalizeVqaAnswer(output);
  if (typeof reference === "string") return normalizeVqaAnswer(reference) === answer ? 1 : 0;
  if (!Array.isArray(reference)) {
    const soft = reference as Readonly<Record<string, number>>;
    return soft[output] ?? soft[answer] ?? 0;
  }
  const humans = (reference as readonly string[]).map(normalizeVqaAnswer);
  if (humans.length === 1) return humans[0] === answer ? 1 : 0;
  const matches = humans.filter((h) => h === answer).length;
  // average over leaving each human answer out: min(#others that match / 3, 1)
  let sum = 0;
  for (const h of humans) sum += Math.min(1, (matches - (h === answer ? 1 : 0)) / 3);
  return sum / humans.length;
}

/**
 * VQA accuracy as the official evaluation computes it: per question, `min(#humans who gave the answer / 3, 1)`
 * averaged over the 10 leave-one-out subsets of 9 human answers, after the official answer normalisation; the corpus
 * score is the mean over questions, in [0, 1] (the official script prints it ×100). References are normalised with the
 * same rules (the released annotations already are), so raw answers such as "Two" still match "2". A single reference
 * answer scores as exact match after normalisation. Reward: the question's accuracy.
 *
 * @example
 * import { vqaScore } from "omnispec/metrics";
 * const humans = ["2", "2", "two", "3", "2", "2", "2", "2", "2", "2"];
 * vqaScore(["Two"], [humans]); // 1
 * vqaScore.reward("3", humans); // 0.3
 */
export const vqaScore: Metric<string, VqaReference> = defineMetric({
  key: "vqaScore",
  higherIsBetter: true,
  definition: "official VQA accuracy: min(#matching humans/3, 1) averaged over 10-choose-9 subsets, official answer normalisation",
  corpus: (outputs, references) => outputs.reduce((s, o, i) => s + questionAccuracy(o, references[i]), 0) / outputs.length,
  reward: (output, reference) => questionAccuracy(output, reference),
});
