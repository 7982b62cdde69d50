/**
 * Our dynamic resources (readiness gates, Helm hooks, the cluster binding)
 * without Pulumi's closure serializer. pulumi.dynamic.Resource stores the
 * provider's serialized code with every resource, in inputs and outputs
 * alike (7 KB twice per gate), and serializing it loads TypeScript and the
 * V8 inspector into every program run (about 1 s). Here the stored provider
 * is a few lines that require the operations from this installed package by
 * path. create, update and diff run the provider of the program running now,
 * so the path is always this install's; read and delete, which also run the
 * copies stored in state, need no code and stay right after a move or upgrade.
 */
import * as pulumi from "@pulumi/pulumi";
import { dynamicType, type DynamicKind } from "./urns";

/** What a provider's module exports under its name: the operations that need code. */
export type Operations<P> = Required<
  Pick<pulumi.dynamic.ResourceProvider<P, P>, "create" | "update" | "diff">
> &
  Pick<pulumi.dynamic.ResourceProvider<P, P>, "configure">;

/**
 * The provider module the engine's dynamic-provider process loads (`handler()` returns the provider).
 * `deletes`: delete runs the module's code too (a release removes its objects), from the path stored in state.
 */
export function providerModule(file: string, exportName: string, deletes = false): string {
  // The tests' in-process programs run the .ts sources; the provider process needs ts-node for them.
  const register = file.endsWith(".ts")
    ? `require(${JSON.stringify(require.resolve("ts-node/register/transpile-only"))}); `
    : "";
  return [
    // Stored with every resource: the text stays as 0.1 wrote it (this file was then src/program/by-path.ts).
    "// Written by tazuna (src/program/by-path.ts).",
    "exports.handler = () => {",
    `  const ops = () => { ${register}return require(${JSON.stringify(file)})[${JSON.stringify(exportName)}]; };`,
    "  return {",
    "    configure: async (req) => (ops().configure ? ops().configure(req) : undefined),",
    "    create: async (inputs) => ops().create(inputs),",
    "    update: async (id, olds, news) => ops().update(id, olds, news),",
    "    diff: async (id, olds, news) => ops().diff(id, olds, news),",
    "    check: async (olds, news) => (ops().check ? ops().check(olds, news) : { inputs: news }),",
    "    read: async (id, props) => ({ id, props: props || {} }),",
    deletes ? "    delete: async (id, props) => ops().delete(id, props)," : "    delete: async () => {},",
    "  };",
    "};",
  ].join("\n");
}

/** Where a resource's operations are: a module's file and the export that holds them. */
export interface OperationsAt {
  file: string;
  exportName: string;
  /** Delete runs the module's code too, from the path stored in state. */
  deletes?: boolean;
}

/** The operations `exportName` of the module at `file`, the name checked against the module's type `M`. */
export function operationsAt<M>(
  file: string,
  exportName: Extract<keyof M, string>,
  deletes = false,
): OperationsAt {
  return { file, exportName, ...(deletes ? { deletes } : {}) };
}

/** A dynamic resource of type pulumi-nodejs:dynamic/tazuna:<kind>, its operations exported by `file`. */
export class ByPathResource extends pulumi.CustomResource {
  constructor(
    kind: DynamicKind,
    name: string,
    props: pulumi.Inputs,
    operations: OperationsAt,
    opts?: pulumi.CustomResourceOptions,
  ) {
    const __provider = providerModule(operations.file, operations.exportName, operations.deletes);
    super(dynamicType(kind), name, { ...props, __provider }, opts);
  }
}
