/** Environment for every engine run: no update check, no plugin downloads, no telemetry. */
export const OFFLINE_ENV: Readonly<Record<string, string>> = {
  PULUMI_SKIP_UPDATE_CHECK: "true",
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
  PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
  PULUMI_OPTOUT_TELEMETRY: "true",
};
