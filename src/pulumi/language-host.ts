/**
 * A stand-in for Pulumi's Go `pulumi-language-nodejs`, which the Go module
 * proxy here does not serve (it has no tags, and commit queries are refused).
 * It serves the engine's LanguageRuntime gRPC API with the SDK's own server
 * (the one Automation API uses for inline programs), loading the program's
 * TypeScript entry point through ts-node. The engine starts it as a plugin:
 * `pulumi-language-nodejs [-flags] <engine-address>`, and reads the port it
 * listens on from the first line of stdout.
 */
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as langrpc from "@pulumi/pulumi/proto/language_grpc_pb";
import type { RunRequest, RunResponse } from "@pulumi/pulumi/proto/language_pb";

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

type Handler<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

/** The SDK's inline-program server; internal, so its types are not published. */
interface SdkLanguageServer {
  run: Handler<RunRequest, RunResponse>;
  getRequiredPlugins: Handler<unknown, unknown>;
  getPluginInfo: Handler<unknown, unknown>;
}
type SdkLanguageServerClass = new (program: () => Promise<unknown>) => SdkLanguageServer;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LanguageServer } = require("@pulumi/pulumi/automation/server") as {
  LanguageServer: SdkLanguageServerClass;
};

type Program = () => Promise<Record<string, unknown> | undefined>;

function loadProgram(entry: string): Program {
  return async () => {
    // The entry point is only known at run time, so it cannot be a static import.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod: unknown = require(entry);
    if (typeof mod === "function") return (await mod()) as Record<string, unknown>;
    const fn = (mod as { default?: unknown }).default;
    if (typeof fn === "function") return (await fn()) as Record<string, unknown>;
    return mod as Record<string, unknown>;
  };
}

async function main(): Promise<void> {
  const engine = engineAddress(process.argv.slice(2));
  let program: Program = async () => undefined;
  const server = new LanguageServer(() => program());
  const run = server.run.bind(server);
  const service = {
    getRequiredPlugins: server.getRequiredPlugins.bind(server),
    getPluginInfo: server.getPluginInfo.bind(server),
    run(call: grpc.ServerUnaryCall<RunRequest, RunResponse>, callback: grpc.sendUnaryData<RunResponse>) {
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
    service as unknown as grpc.UntypedServiceImplementation,
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
