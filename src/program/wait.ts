/**
 * WaitUntil holds back everything after it until an object is ready: a
 * rollout finished, a condition True, a field at a value, a CEL condition
 * true (the Go tool's WaitUntil test), or the object present or absent (its
 * ExistNonExist). It backs the declared tests (an add-on's own readiness
 * gates are waited for by its release). It asks the API server from the
 * provider process on create and whenever its inputs change, so an
 * unchanged declaration stays a no-op.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ByPathResource, operationsAt } from "../resources/by-path";
import type { WaitProps } from "./wait-ready";

export type { WaitProps };

export class WaitUntil extends ByPathResource {
  constructor(name: string, props: WaitProps, opts?: pulumi.CustomResourceOptions) {
    super(
      "WaitUntil",
      name,
      { ...props },
      operationsAt<typeof import("./wait-ready")>(require.resolve("./wait-ready"), "waitOps"),
      opts,
    );
  }
}
