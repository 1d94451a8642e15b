// a task given on the command line: an instruction line, or the key of a task preset.
import { taskPresets } from "../../presets/tasks.js";
import { defineTask, type Task } from "../task/define-task.js";

/** Resolves `caption` to the caption preset's task, and anything else as an instruction line. */
export function taskFromArg(arg: string): Task {
  const preset = (taskPresets as Record<string, { instruction: string; name: string; metric: string }>)[arg];
  if (preset) return defineTask({ instruction: preset.instruction, name: preset.name, metric: preset.metric });
  return defineTask(arg);
}
