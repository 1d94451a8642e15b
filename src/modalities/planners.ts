// registers every modality's slot planner with the plan compiler (imported once by src/plan/compile.ts).
import { registerPlanner } from "../plan/planners.js";
import { audioPlanner } from "./audio/plan.js";
import { boxPlanner } from "./box/plan.js";
import { categoryPlanner } from "./category/plan.js";
import { imagePlanner } from "./image/plan.js";
import { structPlanner } from "./struct/plan.js";
import { textPlanner } from "./text/plan.js";
import { videoPlanner } from "./video/plan.js";

registerPlanner("TEXT", textPlanner);
registerPlanner("CATEGORY", categoryPlanner);
registerPlanner("STRUCT", structPlanner);
registerPlanner("BOX", boxPlanner);
registerPlanner("IMAGE", imagePlanner);
registerPlanner("VIDEO", videoPlanner);
registerPlanner("AUDIO", audioPlanner);
