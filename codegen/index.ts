// omnispec/codegen: typed dataset loaders generated from the defineTask calls in a TypeScript file.
export { findTasks, type FoundTask } from "./extract.js";
export { emitLoader, writeLoaders, type EmitOptions } from "./emit.js";
