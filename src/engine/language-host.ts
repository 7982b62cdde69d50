/**
 * A stand-in for Pulumi's Go `pulumi-language-nodejs`, for machines where
 * that binary cannot be had (the Go module proxy here does not serve it; a
 * normal Pulumi install ships it and never runs this file). It serves the
 * engine's LanguageRuntime gRPC API with the SDK's own server (the one
 * Automation API uses for inline programs) and loads the program's entry
 * point like Pulumi's run harness: TypeScript through the project's ts-node
 * when it has one, else the ts-node that @pulumi/pulumi vendors, with the
 * project's typescript. The engine starts it as a plugin,
 * `pulumi-language-nodejs [-flags] <engine-address>`, in the program's
 * folder, and reads the port from the first line of stdout.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as langrpcTypes from "@pulumi/pulumi/proto/language_grpc_pb";
import type { RunRequest, RunResponse } from "@pulumi/pulumi/proto/language_pb";

// The program's own @pulumi/pulumi must be the one that runs it: a second
// copy would hold a second, unconnected runtime. The engine starts us in the
// program's folder, so resolve from there.
const fromProgram = createRequire(path.join(process.cwd(), "package.json"));

function engineAddress(argv: string[]): string {
  const positional = argv.filter((a) => !a.startsWith("-"));
  return positional[positional.length - 1] ?? "";
}

function entryPoint(req: RunRequest): string {
  const info = req.getInfo();
  const dir = info?.getProgramDirectory() || req.getPwd() || process.cwd();
  const entry = info?.getEntryPoint() || ".";
  return path.resolve(dir, entry);
}

type Handler<Req, Res> = (
  call: grpcTypes.ServerUnaryCall<Req, Res>,
  callback: grpcTypes.sendUnaryData<Res>,
) => void;

/** The SDK's inline-program server; internal, so its types are not published. */
interface SdkLanguageServer {
  run: Handler<RunRequest, RunResponse>;
  getRequiredPlugins: Handler<unknown, unknown>;
  getPluginInfo: Handler<unknown, unknown>;
}
type SdkLanguageServerClass = new (program: () => Promise<unknown>) => SdkLanguageServer;

let typescriptReady = false;

/** TypeScript entry points, as Pulumi's run harness loads them (transpile only). */
function registerTypeScript(entry: string): void {
  if (typescriptReady || !/\.ts$/.test(fromProgram.resolve(entry))) return;
  typescriptReady = true;
  const dir = path.dirname(entry);
  const tsconfig = path.join(dir, "tsconfig.json");
  try {
    const own = fromProgram("ts-node") as { register: (o: object) => void };
    own.register({ transpileOnly: true, ...(existsSync(tsconfig) ? { project: tsconfig } : {}) });
    return;
  } catch {
    // no ts-node of its own: the vendored one, as Pulumi does
  }
  const sdk = path.dirname(fromProgram.resolve("@pulumi/pulumi/package.json"));
  let compiler = path.join(sdk, "vendor", "typescript@3.8.3", "typescript.js");
  try {
    compiler = fromProgram.resolve("typescript");
  } catch {
    // the vendored compiler, then
  }
  const vendored = fromProgram(path.join(sdk, "vendor", "ts-node@7.0.1")) as {
    register: (o: object) => void;
  };
  vendored.register({
    fast: true,
    transpileOnly: true,
    compiler,
    skipProject: true,
    compilerOptions: { module: "commonjs", target: "es2020", esModuleInterop: true },
  });
}

type Program = () => Promise<Record<string, unknown> | undefined>;

function loadProgram(entry: string): Program {
  return async () => {
    registerTypeScript(entry);
    const mod: unknown = fromProgram(entry);
    if (typeof mod === "function") return (await mod()) as Record<string, unknown>;
    const fn = (mod as { default?: unknown }).default;
    if (typeof fn === "function") return (await fn()) as Record<string, unknown>;
    return mod as Record<string, unknown>;
  };
}

async function main(): Promise<void> {
  const grpc = fromProgram("@grpc/grpc-js") as typeof grpcTypes;
  const langrpc = fromProgram("@pulumi/pulumi/proto/language_grpc_pb") as typeof langrpcTypes;
  const { LanguageServer } = fromProgram("@pulumi/pulumi/automation/server") as {
    LanguageServer: SdkLanguageServerClass;
  };
  const engine = engineAddress(process.argv.slice(2));
  let program: Program = async () => undefined;
  const server = new LanguageServer(() => program());
  const run = server.run.bind(server);
  const service = {
    getRequiredPlugins: server.getRequiredPlugins.bind(server),
    getPluginInfo: server.getPluginInfo.bind(server),
    run(
      call: grpcTypes.ServerUnaryCall<RunRequest, RunResponse>,
      callback: grpcTypes.sendUnaryData<RunResponse>,
    ) {
      program = loadProgram(entryPoint(call.request));
      // The SDK's server takes the engine address from the program args, as
      // Automation API passes it there; a plugin gets it on its command line.
      call.request.setArgsList([engine]);
      return run(call, callback);
    },
  };
  const grpcServer = new grpc.Server({ "grpc.max_receive_message_length": 1024 * 1024 * 400 });
  grpcServer.addService(
    langrpc.LanguageRuntimeService,
    service as unknown as grpcTypes.UntypedServiceImplementation,
  );
  const port = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  process.stdout.write(`${port}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`pulumi-language-nodejs (tazuna): ${String(err)}\n`);
  process.exit(1);
});
