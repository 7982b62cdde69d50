import * as pulumi from "@pulumi/pulumi";

interface WithCallsites {
  callsites?: () => unknown[];
}

/**
 * The Node SDK records, with every resource, the whole JavaScript stack of
 * its registration (pulumi.Resource.callsites raises Error.stackTraceLimit to
 * Infinity). In Tazuna's program those frames are Tazuna's and the SDK's own
 * files: 6% of the example's checkpoint (9.6 KB of 158 KB) and one full
 * stack capture per resource, for nothing a reader of the state can use.
 * Resources registered inside `register` record none; a user's own
 * resources, registered outside this synchronous call, keep theirs. (The
 * Kubernetes objects are registered by the provider, whose Go SDK stores a
 * Go stack with each; nothing here reaches that.)
 */
export function withoutRegistrationStacks<T>(register: () => T): T {
  const sdk = pulumi.Resource as unknown as WithCallsites;
  const original = sdk.callsites;
  // An SDK without it records nothing this could drop.
  if (typeof original !== "function") return register();
  sdk.callsites = () => [];
  try {
    return register();
  } finally {
    sdk.callsites = original;
  }
}
