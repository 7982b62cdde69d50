// The toolchain smoke program as a plain Pulumi project: `pulumi up` here
// proves the self-built CLI, language host and Kubernetes provider.
import { smokeProgram } from "../../test/smoke/program";

export = smokeProgram();
