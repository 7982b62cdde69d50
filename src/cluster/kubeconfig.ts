/** Writes the admin kubeconfig of a local control plane. */
import { readFile, writeFile } from "node:fs/promises";
import { stringify } from "yaml";
import type { Pki } from "./pki";

const b64 = async (file: string) => (await readFile(file)).toString("base64");

/**
 * Every context in `contexts` points at the same server with the same user, so
 * tests can show that a guard checks more than the context's name.
 */
export async function writeKubeconfig(file: string, server: string, pki: Pki, contexts: string[]): Promise<void> {
  const cluster = contexts[0] ?? "tazuna-local";
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: cluster, cluster: { server, "certificate-authority-data": await b64(pki.caCert) } }],
    users: [
      {
        name: "tazuna-admin",
        user: {
          "client-certificate-data": await b64(pki.adminCert),
          "client-key-data": await b64(pki.adminKey),
        },
      },
    ],
    contexts: contexts.map((name) => ({ name, context: { cluster, user: "tazuna-admin" } })),
    "current-context": cluster,
  };
  await writeFile(file, stringify(doc), { mode: 0o600 });
}
