/**
 * `tazuna state fold --as NAME`: the leftovers `state drift` finds (objects
 * in the namespaces Tazuna manages that no add-on declares, installed by
 * hand) folded back into the declaration: written, cleaned of server-set
 * fields, as a new manifests add-on, then recorded in its release's
 * inventory as they are live, with no write (engine/adopt.ts). The managers
 * that wrote them count as Tazuna's, so the next plan is empty; a later
 * change takes a field over by forced apply. --take-ownership makes Tazuna
 * their only owner now, with one patch of metadata.managedFields (the
 * content unchanged).
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { NAME_PATTERN } from "../config/schema";
import { leftoverObjects, type Leftover } from "../live/drift";
import { foldObject } from "../live/fold";
import { withManifestsAddon } from "../config/edit";
import { toGoYaml } from "../render/yaml-out";
import { installedObjects } from "../state/inventory";
import { excludesFor } from "../resources/urns";
import { keyOf } from "../release/inventory";
import { openClusterStack } from "./cluster-stack";
import { UsageError } from "./errors";
import { log, print } from "./output";
import { requireCluster, type GlobalOptions } from "./project";

export interface FoldOptions {
  as: string;
  only?: string;
  takeOwnership?: boolean;
}

const label = (l: Leftover) => `${l.kind}/${l.namespace}/${l.name}`;

export async function fold(opts: GlobalOptions, o: FoldOptions): Promise<void> {
  const cluster = await requireCluster(opts);
  const first = await openClusterStack(opts, cluster);
  await first.checkIdentity();
  const { projectDir, declaration } = first.target;
  if (!NAME_PATTERN.test(o.as) || declaration.addons.some((a) => a.name === o.as))
    throw new UsageError(
      `--as ${o.as}: not a free add-on name\n  fix: pick a new name of letters, digits, _ and -`,
    );
  const folder = path.join(projectDir, o.as);
  if (existsSync(folder)) throw new UsageError(`--as ${o.as}: ${folder} exists\n  fix: pick another name`);
  const context = first.target.settings.context;
  const wanted = o.only?.split(",").filter(Boolean);
  const found = await leftoverObjects(first.kubeconfig, context, await installedObjects(first.stack));
  const chosen = wanted ? found.filter((l) => wanted.includes(label(l))) : found;
  const unknown = (wanted ?? []).filter((w) => !found.some((l) => label(l) === w));
  if (unknown.length > 0)
    throw new UsageError(
      `--only: not a leftover here: ${unknown.join(", ")}\n  fix: pick from tazuna state drift's undeclared lines (KIND/NAMESPACE/NAME)`,
    );
  if (chosen.length === 0) {
    print(`cluster ${cluster}: no leftovers to fold`);
    return;
  }
  // fold writes objects into the project, in the clear: never a Secret's values.
  const secrets = chosen.filter((l) => l.kind === "Secret").map(label);
  if (secrets.length > 0)
    throw new UsageError(
      `fold writes objects into the project in the clear, and ${secrets.join(", ")} ${secrets.length === 1 ? "is a Secret" : "are Secrets"}; nothing was written\n` +
        `  fix: fold each with tazuna secret export NAMESPACE/NAME (a sops file and a GenesisSecret reference), and the rest with --only KIND/NAMESPACE/NAME,...`,
    );
  const newDeclaration = await withManifestsAddon(declaration.file, o.as);
  await mkdir(folder);
  const imports: Record<string, string> = {};
  const managers: Record<string, string> = {};
  for (const l of chosen) {
    const f = await foldObject({ kubeconfig: first.kubeconfig, context }, l, o.takeOwnership === true);
    const key = keyOf(l);
    imports[key] = `${l.namespace}/${l.name}`;
    if (f.manager) managers[key] = f.manager;
    await writeFile(path.join(folder, `${l.kind.toLowerCase()}-${l.name}.yaml`), toGoYaml(f.declared));
  }
  await writeFile(declaration.file, newDeclaration);
  log(
    `fold: wrote ${chosen.length} object(s) to ${folder} and add-on ${o.as} to ${declaration.file}; importing (reads only)`,
  );
  // The declaration changed on disk: open the stack again so the program renders the new add-on.
  const cs = await openClusterStack(opts, cluster);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { adoptObjects } = require("../engine/adopt") as typeof import("../engine/adopt");
  await adoptObjects(
    cs.stack,
    {
      addons: [o.as],
      exclude: excludesFor(
        cluster,
        cs.project.name,
        cs.target.declaration.addons.map((a) => a.name).filter((n) => n !== o.as),
      ),
    },
    imports,
    managers,
  );
  print(
    [
      `cluster ${cluster}: folded ${chosen.length} leftover(s) into add-on ${o.as}, taken under state without a change:`,
      ...chosen.map((l) => `  ${label(l)}`),
      `review ${path.relative(process.cwd(), folder) || folder}/ and tazuna.yaml, then commit them`,
      ...(o.takeOwnership
        ? []
        : [
            "their fields stay owned by whoever wrote them (kubectl-create, kubectl-client-side-apply...), and Tazuna counts them as its own; a later change takes a field over (forced apply). Run fold with --take-ownership to make Tazuna their only owner now (one patch of their managedFields per object, content unchanged)",
          ]),
    ].join("\n"),
  );
}
