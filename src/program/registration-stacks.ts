import * as pulumi from "@pulumi/pulumi";

interface WithCallsites {
  callsites?: () => unknown[];
}

/**
 * The Node SDK records, with every resource, the whole JavaScript stack of
 * its registration (pulumi.Resource.callsites raises Error.stackTraceLimit to
 * Infinity). In Tazuna's program those frames are Tazuna's and the SDK's own
 * files: a quarter of the example's checkpoint (41 KB of 148 KB) and one
 * full stack capture per resource, for nothing a reader of the state can use.
 * Resources registered inside `register` record none; a user's own
 * resources, registered outside this synchronous call, keep theirs.
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
