/**
 * tazuna.yaml as the Go tool reads it: a Go text/template whose only field
 * is .Environment (the -e value, else ""). Go's own text/template, compiled
 * to WebAssembly (scripts/build-wasm.sh), so parsing, built-in functions and
 * errors are the Go tool's; a file without "{{" never loads it.
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { TazunaError } from "../errors/tazuna-error";

type Render = (name: string, text: string, env: string) => { output?: string; error?: string };

interface GoRuntime {
  importObject: object;
  run(instance: object): Promise<void>;
}

// Node's WebAssembly, typed as far as it is used here (the project's lib has no DOM types).
const wasm = (
  globalThis as unknown as {
    WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: object }> };
  }
).WebAssembly;

const WASM_DIR = path.resolve(__dirname, "../../wasm");
let loading: Promise<Render> | undefined;

async function load(): Promise<Render> {
  // wasm_exec.js defines globalThis.Go, Go's own loader for its wasm port.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(WASM_DIR, "wasm_exec.js"));
  const Go = (globalThis as unknown as { Go: new () => GoRuntime }).Go;
  const go = new Go();
  const bytes = await readFile(path.join(WASM_DIR, "gotemplate.wasm"));
  const { instance } = await wasm.instantiate(bytes, go.importObject);
  // Never settles: main() parks in select{} after exporting its function.
  void go.run(instance);
  return (globalThis as unknown as { tazunaGoTemplate: Render }).tazunaGoTemplate;
}

export class TemplateError extends TazunaError {
  constructor(readonly detail: string) {
    super(detail);
  }
}

/** The file's text with every template action executed; throws TemplateError with Go's message. */
export async function renderTemplate(file: string, text: string, environment: string): Promise<string> {
  if (!text.includes("{{")) return text;
  const render = await (loading ??= load());
  const res = render(path.basename(file), text, environment);
  if (res.error !== undefined) throw new TemplateError(res.error);
  return res.output ?? "";
}
