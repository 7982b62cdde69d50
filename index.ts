// The Pulumi program behind `pulumi up` in this folder. For now it is the
// toolchain smoke program; tazuna.yaml takes its place in the core issue.
import { smokeProgram } from "./src/smoke/program";

export = smokeProgram();
