/** A throwaway PKI for the local control plane, made with the openssl CLI. */
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { execa } from "execa";

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  /** The identity of KCM, scheduler and kwok, so audit logs can tell them from users. */
  componentsCert: string;
  componentsKey: string;
  saKey: string;
  saPub: string;
}

const SERVER_EXT = `basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
`;
const CLIENT_EXT = `basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
`;

async function openssl(cwd: string, args: string[]): Promise<void> {
  await execa("openssl", args, { cwd });
}

/** Signs a key pair for `subject` with the CA, using the extension file `ext`. */
async function issue(dir: string, name: string, subject: string, ext: string): Promise<void> {
  await openssl(
    dir,
    ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"].concat([
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      subject,
    ]),
  );
  await openssl(
    dir,
    ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key"].concat([
      "-CAcreateserial",
      "-days",
      "7",
      "-extfile",
      ext,
      "-out",
      `${name}.crt`,
    ]),
  );
}

export async function createPki(dir: string): Promise<Pki> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "server.ext"), SERVER_EXT);
  await writeFile(path.join(dir, "client.ext"), CLIENT_EXT);
  await openssl(
    dir,
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
      .concat(["-keyout", "ca.key", "-out", "ca.crt", "-days", "7", "-subj", "/CN=tazuna-local-ca"])
      .concat(["-addext", "basicConstraints=critical,CA:TRUE"])
      .concat(["-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"]),
  );
  await issue(dir, "apiserver", "/CN=kube-apiserver", "server.ext");
  // O=system:masters bypasses RBAC: the admin identity every component uses.
  await issue(dir, "admin", "/O=system:masters/CN=tazuna-admin", "client.ext");
  await issue(dir, "components", "/O=system:masters/CN=tazuna-components", "client.ext");
  await openssl(dir, ["genrsa", "-out", "sa.key", "2048"]);
  await openssl(dir, ["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
  const f = (n: string) => path.join(dir, n);
  return {
    dir,
    caCert: f("ca.crt"),
    caKey: f("ca.key"),
    serverCert: f("apiserver.crt"),
    serverKey: f("apiserver.key"),
    adminCert: f("admin.crt"),
    adminKey: f("admin.key"),
    componentsCert: f("components.crt"),
    componentsKey: f("components.key"),
    saKey: f("sa.key"),
    saPub: f("sa.pub"),
  };
}
