// a planning worker: plans blocks of JSONL lines for planJsonl, which keeps their order.
import { parentPort, workerData } from "node:worker_threads";
import { defineTask } from "../task/define-task.js";
import { planBlock, type Batch, type WorkerInit } from "./jsonl.js";

const init = workerData as WorkerInit;
const task = defineTask({ instruction: init.instruction, name: init.name, metric: init.metric });

parentPort!.on("message", (batch: Batch) => {
  void planBlock(task, batch, init.options, init.file).then((result) => parentPort!.postMessage(result, [result.out.buffer as ArrayBuffer]));
});
