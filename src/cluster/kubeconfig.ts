/** Writes the admin kubeconfig of a local control plane. */
import { readFile, writeFile } from "node:fs/promises";
import { stringify } from "yaml";
import type { Pki } from "./pki";

const b64 = async (file: string) => (await readFile(file)).toString("base64");

/**
 * Every context in `contexts` points at the same server with the same user, so
 * tests can show that a guard checks more than the context's name.
 */
export async function writeKubeconfig(
  file: string,
  server: string,
  pki: Pki,
  contexts: string[],
  user: { name: string; cert: string; key: string } = {
    name: "tazuna-admin",
    cert: pki.adminCert,
    key: pki.adminKey,
  },
): Promise<void> {
  const cluster = contexts[0] ?? "tazuna-local";
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: cluster, cluster: { server, "certificate-authority-data": await b64(pki.caCert) } }],
    users: [
      {
        name: user.name,
        user: {
          "client-certificate-data": await b64(user.cert),
          "client-key-data": await b64(user.key),
        },
      },
    ],
    contexts: contexts.map((name) => ({ name, context: { cluster, user: user.name } })),
    "current-context": cluster,
  };
  await writeFile(file, stringify(doc), { mode: 0o600 });
}
