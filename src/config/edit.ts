/** tazuna.yaml edited in place through yaml's Document, so comments and layout stay. */
import { readFile } from "node:fs/promises";
import { parseDocument } from "yaml";
import { TazunaError } from "../errors/tazuna-error";

/** The file cannot be edited as YAML; nothing was written. */
export class DeclarationEditError extends TazunaError {}

/** tazuna.yaml with the add-on added, comments and layout kept; refused before anything is written. */
export async function withManifestsAddon(file: string, name: string): Promise<string> {
  const text = await readFile(file, "utf8");
  const doc = parseDocument(text);
  // Template actions inside quoted values are kept as they are; around the YAML's structure they make it unreadable here.
  if (doc.errors.length > 0 || !doc.hasIn(["spec", "manifests"]))
    throw new DeclarationEditError(
      `${file}, as written (before templating), is not YAML with a spec.manifests list to add to; nothing was written\n  fix: add { name: NAME, type: manifests, path: NAME } yourself, or move template actions inside quoted values`,
    );
  doc.addIn(["spec", "manifests"], {
    name,
    description: "folded back from the cluster (tazuna state fold)",
    type: "manifests",
    path: name,
  });
  return doc.toString();
}
