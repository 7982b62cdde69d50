// The Pulumi program behind `pulumi up` / `pulumi preview` in this folder, and
// behind `tazuna apply` here too (one program): tazuna.yaml (or tazuna:file)
// applied to the stack's cluster. A project made by `tazuna init` has the
// same file, importing "tazuna" instead.
import * as pulumi from "@pulumi/pulumi";
import { settingsFromConfig, tazunaProgram } from "./src/library";

const stackName = pulumi.getStack();
export = tazunaProgram({ projectDir: __dirname, stackName, settings: settingsFromConfig(stackName) });
