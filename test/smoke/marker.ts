/**
 * A dynamic resource that writes a file: the smoke program's proof that
 * pulumi.dynamic providers run under the self-built engine.
 */
import * as pulumi from "@pulumi/pulumi";

interface MarkerProps {
  path: string;
  content: string;
}

// Kept free of captured module state: the engine stores this object's
// serialized code in state, and requires resolve at run time instead.
const markerProvider: pulumi.dynamic.ResourceProvider<MarkerProps, MarkerProps> = {
  async create(inputs) {
    const fs = await import("node:fs/promises");
    await fs.writeFile(inputs.path, inputs.content);
    return { id: inputs.path, outs: { path: inputs.path, content: inputs.content } };
  },
  async diff(_id, olds, news) {
    const replaces = olds.path !== news.path ? ["path"] : [];
    const changes = replaces.length > 0 || olds.content !== news.content;
    return { changes, replaces, deleteBeforeReplace: true };
  },
  async update(_id, _olds, news) {
    const fs = await import("node:fs/promises");
    await fs.writeFile(news.path, news.content);
    return { outs: { path: news.path, content: news.content } };
  },
  async read(id, props) {
    const fs = await import("node:fs/promises");
    const content = await fs.readFile(id, "utf8").catch(() => undefined);
    if (content === undefined) return { id: "", props: props ?? { path: id, content: "" } };
    const live = { path: id, content };
    return { id, props: live, inputs: live } as pulumi.dynamic.ReadResult<MarkerProps>;
  },
  async delete(id) {
    const fs = await import("node:fs/promises");
    await fs.rm(id, { force: true });
  },
};

export interface MarkerArgs {
  path: pulumi.Input<string>;
  content: pulumi.Input<string>;
}

export class Marker extends pulumi.dynamic.Resource {
  declare readonly path: pulumi.Output<string>;
  declare readonly content: pulumi.Output<string>;

  constructor(name: string, args: MarkerArgs, opts?: pulumi.CustomResourceOptions) {
    super(markerProvider, name, args, opts, "tazuna-smoke", "Marker");
  }
}
