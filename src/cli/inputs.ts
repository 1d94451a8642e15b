// turning `--input name=value` flags into a sample.
import { OmnispecError } from "../errors.js";
import type { Task } from "../task/define-task.js";

/**
 * Builds a sample from `name=value` pairs. Values that look like JSON (`[`, `{`) are parsed as JSON;
 * a name given twice, or a list slot, collects an array.
 *
 * @example
 * import { sampleFromFlags } from "omnispec/cli";
 * sampleFromFlags(["img=photo.jpg", "question=what is it?"], task);
 */
export function sampleFromFlags(flags: readonly string[], task?: Task): Record<string, unknown> {
  const sample: Record<string, unknown> = {};
  const lists = new Set(task ? [...task.inputs, ...task.outputs].filter((s) => s.list).map((s) => s.name) : []);
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    if (eq <= 0) {
      throw new OmnispecError("input/invalid", "an input is written name=value", { value: flag, hint: 'e.g. --input img=photo.jpg --input "question=what is it?"' });
    }
    const name = flag.slice(0, eq);
    const raw = flag.slice(eq + 1);
    let value: unknown = raw;
    if (/^\s*[[{]/.test(raw)) {
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
    }
    if (sample[name] !== undefined || lists.has(name)) {
      const prev = sample[name];
      sample[name] = prev === undefined ? [value] : Array.isArray(prev) && lists.has(name) ? [...prev, value] : [prev, value];
    } else {
      sample[name] = value;
    }
  }
  return sample;
}
