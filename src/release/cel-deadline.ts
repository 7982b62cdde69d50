/**
 * A CEL condition evaluated in a worker thread that is stopped at a
 * deadline. The CEL library bounds only an expression's structure, not its
 * work: three nested `.all` over a list of 1,000 run for minutes,
 * synchronously, and the gate's own deadline could not stop them.
 */
import { Worker } from "node:worker_threads";
import { pathToFileURL } from "node:url";

const WORKER = `
const { workerData, parentPort } = require("node:worker_threads");
import(workerData.module)
  .then((m) => {
    const env = new m.Environment().registerVariable("object", "dyn");
    parentPort.postMessage({ value: env.evaluate(workerData.expression, { object: workerData.object }) });
  })
  .catch((err) => parentPort.postMessage({ error: String((err && err.message) || err) }));
`;

export type CelOutcome = { value: unknown } | { error: string };

/** Evaluates `expression` with `object`; past `ms` the worker is terminated and the outcome is an error. */
export function evaluateCel(
  celModule: string,
  expression: string,
  object: unknown,
  ms: number,
): Promise<CelOutcome> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { module: pathToFileURL(celModule).href, expression, object },
    });
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve({
        error: `the condition did not finish within ${Math.round(ms / 100) / 10}s (too much work for one try)`,
      });
    }, ms);
    const done = (outcome: CelOutcome) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(outcome);
    };
    worker.once("message", (m: CelOutcome) => done(m));
    worker.once("error", (err) => done({ error: err.message }));
  });
}
