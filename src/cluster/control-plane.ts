/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, and kwok playing the kubelet of
 * fake nodes. Callers run it inside a network namespace with only `lo` up
 * (scripts/in-netns.sh), so even the fake pod and node IPs lead nowhere.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { stringify } from "yaml";
import { kubectl, type Kubectl } from "./kubectl";
import { writeKubeconfig } from "./kubeconfig";
import { createPki, type Pki } from "./pki";
import { freePort } from "./ports";
import { killDaemonsNow, startDaemon, stopDaemons, type Daemon } from "./processes";
import { ClusterStartError, PortTakenError } from "./errors";
import { isAlive } from "../process/pids";

export interface ClusterOptions {
  /** Context name; a second context `<name>-alias` points at the same server. */
  name?: string;
  /** Working folder; a fresh temp dir when not given. Removed on stop. */
  dir?: string;
  /** How many fake nodes kwok manages. */
  nodes?: number;
  /** Kill the daemons when this Node process exits (tests); off for `cluster:up`. */
  stopOnExit?: boolean;
  startTimeoutMs?: number;
}

/** The user every client of the admin kubeconfig is; control-plane components use another. */
export const ADMIN_USER = "tazuna-admin";

/** What a started cluster leaves on disk, so another process can stop it. */
export interface ClusterInfo {
  name: string;
  dir: string;
  server: string;
  kubeconfig: string;
  contexts: string[];
  auditLog: string;
  daemons: Daemon[];
  startedMs: number;
}

const INFO_FILE = "cluster.json";

const AUDIT_POLICY = {
  apiVersion: "audit.k8s.io/v1",
  kind: "Policy",
  omitStages: ["RequestReceived"],
  rules: [{ level: "Metadata" }],
};

function stagesFile(): string {
  const fromEnv = process.env.TAZUNA_KWOK_STAGES;
  if (fromEnv) return fromEnv;
  const kwokDir = (process.env.PATH ?? "").split(":").find((p) => /\/kwok-[^/]+$/.test(p));
  if (!kwokDir)
    throw new ClusterStartError("kwok is not on PATH", "run `bash scripts/tools.sh` and use its env");
  return path.join(kwokDir, "stages.yaml");
}

function fakeNode(name: string) {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/os": "linux",
        "kubernetes.io/hostname": name,
        type: "kwok",
      },
    },
    // Room for big foundations: the bench's 1,000 objects run about 170 pods, past a real node's 110.
    status: {
      allocatable: { cpu: "32", memory: "256Gi", pods: "2000" },
      capacity: { cpu: "32", memory: "256Gi", pods: "2000" },
    },
  };
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, logs: Daemon[]) {
  const deadline = Date.now() + timeoutMs;
  let exited: Daemon | undefined;
  while (Date.now() < deadline && !exited) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    // A daemon that exited will not come up by waiting: say so now, not at the timeout.
    exited = logs.find((d) => !isAlive(d.pid));
    if (!exited) await sleep(250);
  }
  const texts = await Promise.all(logs.map((d) => readFile(d.log, "utf8").catch(() => "")));
  const tails = logs.map(
    (d, i) => `--- ${d.name} (${d.log})\n${(texts[i] ?? "").split("\n").slice(-15).join("\n")}`,
  );
  const problem = exited
    ? `${exited.name} exited while waiting for ${what}`
    : `timed out after ${timeoutMs} ms waiting for ${what}`;
  const Failure = texts.some((t) => /bind: address already in use/.test(t))
    ? PortTakenError
    : ClusterStartError;
  throw new Failure(problem, `check the logs:\n${tails.join("\n")}`);
}

/** Each running cluster's exit hook, removed when it stops (a bench starts dozens). */
const exitHooks = new WeakMap<Daemon[], () => void>();

export class LocalCluster {
  private constructor(readonly info: ClusterInfo) {}

  get kubeconfig(): string {
    return this.info.kubeconfig;
  }
  get context(): string {
    return this.info.contexts[0] ?? this.info.name;
  }
  get auditLog(): string {
    return this.info.auditLog;
  }
  kubectl(context?: string): Kubectl {
    return kubectl(this.info.kubeconfig, context ?? this.context);
  }

  /** Starts a cluster on free ports; a port taken between choosing and binding it means new ports, twice at most. */
  static async start(opts: ClusterOptions = {}): Promise<LocalCluster> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await LocalCluster.startOnce(opts);
      } catch (err) {
        if (!(err instanceof PortTakenError) || attempt >= 3) throw err;
      }
    }
  }

  private static async startOnce(opts: ClusterOptions): Promise<LocalCluster> {
    const t0 = Date.now();
    const name = opts.name ?? "tazuna-local";
    const dir = opts.dir ?? (await mkdtemp(path.join(tmpdir(), `tazuna-${name}-`)));
    await mkdir(dir, { recursive: true });
    const timeout = opts.startTimeoutMs ?? 120_000;
    const daemons: Daemon[] = [];
    const onExit = () => killDaemonsNow(daemons);
    if (opts.stopOnExit !== false) {
      process.on("exit", onExit);
      exitHooks.set(daemons, onExit);
    }
    try {
      const pki = await createPki(path.join(dir, "pki"));
      const ports = { etcd: await freePort(), peer: await freePort(), api: await freePort() };
      const server = `https://127.0.0.1:${ports.api}`;
      const kubeconfig = path.join(dir, "kubeconfig");
      const contexts = [name, `${name}-alias`];
      await writeKubeconfig(kubeconfig, server, pki, contexts);
      const components = path.join(dir, "components.kubeconfig");
      await writeKubeconfig(components, server, pki, ["components"], {
        name: "tazuna-components",
        cert: pki.componentsCert,
        key: pki.componentsKey,
      });
      const auditLog = path.join(dir, "audit.log");
      const info: ClusterInfo = { name, dir, server, kubeconfig, contexts, auditLog, daemons, startedMs: 0 };
      await writeFile(path.join(dir, "audit-policy.yaml"), stringify(AUDIT_POLICY));

      daemons.push(startEtcd(dir, ports.etcd, ports.peer));
      daemons.push(startApiserver(dir, pki, ports.etcd, ports.api, auditLog));
      const k = kubectl(kubeconfig, name);
      await waitFor(
        "kube-apiserver /readyz",
        timeout,
        async () => (await k(["get", "--raw=/readyz"])) === "ok",
        daemons,
      );
      daemons.push(await startControllerManager(dir, pki, components));
      daemons.push(await startScheduler(dir, components));
      daemons.push(await startKwok(dir, components));
      await writeFile(path.join(dir, INFO_FILE), JSON.stringify(info, null, 2));

      const nodes = Array.from({ length: opts.nodes ?? 1 }, (_, i) => fakeNode(`kwok-node-${i}`));
      await k(["apply", "-f", "-"], nodes.map((n) => stringify(n)).join("---\n"));
      await waitFor(
        "fake nodes Ready",
        timeout,
        async () => {
          const out = await k([
            "get",
            "nodes",
            "-o",
            "jsonpath={.items[*].status.conditions[?(@.type=='Ready')].status}",
          ]);
          return out.split(" ").filter((s) => s === "True").length === nodes.length;
        },
        daemons,
      );
      // Pods in a namespace need its default ServiceAccount, made by the KCM.
      await waitFor(
        "default ServiceAccount",
        timeout,
        async () => {
          await k(["get", "serviceaccount", "default", "-n", "default"]);
          return true;
        },
        daemons,
      );
      info.startedMs = Date.now() - t0;
      await writeFile(path.join(dir, INFO_FILE), JSON.stringify(info, null, 2));
      return new LocalCluster(info);
    } catch (err) {
      await stopDaemons(daemons, 1000);
      process.off("exit", onExit);
      if (!opts.dir) await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Re-attaches to a cluster started by another process (cluster:up). */
  static async attach(dir: string): Promise<LocalCluster> {
    const info = JSON.parse(await readFile(path.join(dir, INFO_FILE), "utf8")) as ClusterInfo;
    return new LocalCluster(info);
  }

  /** Stops the API server, as an outage would; etcd and the rest keep running. */
  async stopApiserver(): Promise<void> {
    await stopDaemons(this.info.daemons.filter((d) => d.name === "kube-apiserver"));
  }

  /** Starts the API server again with the same flags and port, and waits until it is ready. */
  async startApiserver(timeoutMs = 120_000): Promise<void> {
    const i = this.info.daemons.findIndex((d) => d.name === "kube-apiserver");
    const old = this.info.daemons[i];
    if (!old) throw new Error("no kube-apiserver in this cluster");
    const d = startDaemon(old.name, old.command, old.args, old.log);
    this.info.daemons[i] = d;
    const k = this.kubectl();
    await waitFor(
      "kube-apiserver /readyz",
      timeoutMs,
      async () => (await k(["get", "--raw=/readyz"])) === "ok",
      [d],
    );
  }

  async stop(opts: { keepDir?: boolean } = {}): Promise<void> {
    await stopDaemons(this.info.daemons);
    const hook = exitHooks.get(this.info.daemons);
    if (hook) process.off("exit", hook);
    if (!opts.keepDir) await rm(this.info.dir, { recursive: true, force: true });
  }
}

function startEtcd(dir: string, client: number, peer: number): Daemon {
  const url = (p: number) => `http://127.0.0.1:${p}`;
  return startDaemon(
    "etcd",
    "etcd",
    [
      "--name=default",
      `--data-dir=${path.join(dir, "etcd")}`,
      `--listen-client-urls=${url(client)}`,
      `--advertise-client-urls=${url(client)}`,
      `--listen-peer-urls=${url(peer)}`,
      `--initial-advertise-peer-urls=${url(peer)}`,
      `--initial-cluster=default=${url(peer)}`,
      "--listen-metrics-urls=",
      "--unsafe-no-fsync=true",
      "--log-level=warn",
    ],
    path.join(dir, "etcd.log"),
  );
}

function startApiserver(dir: string, pki: Pki, etcd: number, port: number, auditLog: string): Daemon {
  return startDaemon(
    "kube-apiserver",
    "kube-apiserver",
    [
      `--etcd-servers=http://127.0.0.1:${etcd}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${port}`,
      // With no default route the apiserver cannot pick an address itself, and
      // the lease reconciler rejects loopback; "none" accepts it.
      "--advertise-address=127.0.0.1",
      "--endpoint-reconciler-type=none",
      `--tls-cert-file=${pki.serverCert}`,
      `--tls-private-key-file=${pki.serverKey}`,
      `--client-ca-file=${pki.caCert}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${pki.saPub}`,
      `--service-account-signing-key-file=${pki.saKey}`,
      "--service-cluster-ip-range=10.96.0.0/16",
      "--authorization-mode=Node,RBAC",
      "--allow-privileged=true",
      `--cert-dir=${path.join(dir, "apiserver-certs")}`,
      `--audit-policy-file=${path.join(dir, "audit-policy.yaml")}`,
      `--audit-log-path=${auditLog}`,
      "--audit-log-format=json",
      "--audit-log-mode=blocking",
    ],
    path.join(dir, "kube-apiserver.log"),
  );
}

/** Flags KCM and the scheduler share: the components' identity, a loopback port, no leader election. */
async function componentFlags(kubeconfig: string): Promise<string[]> {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    "--bind-address=127.0.0.1",
    `--secure-port=${await freePort()}`,
    "--leader-elect=false",
  ];
}

async function startControllerManager(dir: string, pki: Pki, kubeconfig: string): Promise<Daemon> {
  return startDaemon(
    "kube-controller-manager",
    "kube-controller-manager",
    [
      ...(await componentFlags(kubeconfig)),
      `--root-ca-file=${pki.caCert}`,
      `--service-account-private-key-file=${pki.saKey}`,
      `--cluster-signing-cert-file=${pki.caCert}`,
      `--cluster-signing-key-file=${pki.caKey}`,
    ],
    path.join(dir, "kube-controller-manager.log"),
  );
}

async function startScheduler(dir: string, kubeconfig: string): Promise<Daemon> {
  return startDaemon(
    "kube-scheduler",
    "kube-scheduler",
    await componentFlags(kubeconfig),
    path.join(dir, "kube-scheduler.log"),
  );
}

async function startKwok(dir: string, kubeconfig: string): Promise<Daemon> {
  const port = await freePort();
  return startDaemon(
    "kwok",
    "kwok",
    [
      `--kubeconfig=${kubeconfig}`,
      `--config=${stagesFile()}`,
      "--manage-all-nodes=true",
      "--node-lease-duration-seconds=40",
      "--cidr=10.244.0.0/16",
      "--node-ip=192.0.2.10",
      `--server-address=127.0.0.1:${port}`,
      `--node-port=${port}`,
    ],
    path.join(dir, "kwok.log"),
  );
}
