// The Pulumi program behind `pulumi up` / `pulumi preview` in this folder:
// tazuna.yaml (or tazuna:file) applied to the stack's cluster.
import * as pulumi from "@pulumi/pulumi";
import { settingsFromConfig, tazunaProgram } from "./src/pulumi/program";

const stackName = pulumi.getStack();
export = tazunaProgram({ projectDir: __dirname, stackName, settings: settingsFromConfig(stackName) });
