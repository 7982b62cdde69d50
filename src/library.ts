/**
 * Tazuna as a library, for a Pulumi program (the index.ts `tazuna init`
 * writes) or your own tooling:
 *
 *   import * as pulumi from "@pulumi/pulumi";
 *   import { settingsFromConfig, tazunaProgram } from "tazuna";
 *   const stackName = pulumi.getStack();
 *   export = tazunaProgram({ projectDir: __dirname, stackName, settings: settingsFromConfig(stackName) });
 *
 * - tazunaProgram: tazuna.yaml as a resource graph on the stack's cluster
 *   (guard, render, one AddonComponent per add-on with dependsOn edges).
 * - settingsFromConfig: the stack's `tazuna:` config (context, kubeconfig, file, vars).
 * - AddonComponent: one add-on (its objects and readiness gates) as a Pulumi component.
 * - loadDeclaration: reads and validates a tazuna.yaml; throws ConfigError with every problem.
 */
export { tazunaProgram, registerGraph, settingsFromConfig, StackSettingsError } from "./program/program";
export type { ProgramContext } from "./program/program";
export { AddonComponent, type AddonArgs } from "./program/addon";
export { loadDeclaration, type LoadOptions } from "./declaration/load";
export { ConfigError, formatProblem, type ConfigProblem } from "./config/errors";
export type { Addon } from "./addon-types";
export type { Declaration } from "./declaration/model";
export type { StackSettings } from "./config/settings";
export { GuardError } from "./errors/guard";
export { TAZUNA_VERSION } from "./process/version";
