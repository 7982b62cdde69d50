/**
 * A small Kubernetes API client over node:https, with the kubeconfig's
 * credentials (client-node's applyToHTTPSOptions). Objects go to the API
 * server as they were rendered: client-node's typed serializer rewrites
 * known kinds through its models and drops what they do not name (a CRD's
 * `x-kubernetes-int-or-string`, for one), so it is not used for bodies.
 */
import * as https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { TazunaError } from "../errors/tazuna-error";

export class ApiError extends TazunaError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The API server serves no such kind (yet: a CRD just made may still be on its way into discovery). */
export class UnknownKindError extends ApiError {
  constructor(kind: string, apiVersion: string) {
    super(404, `no matches for kind "${kind}" in version "${apiVersion}": the API server does not serve it`);
  }
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
  singularName?: string;
  shortNames?: string[];
}

interface GroupList {
  groups: { preferredVersion: { groupVersion: string } }[];
}

export interface Ref {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export class Client {
  private readonly discovered = new Map<string, Promise<ApiResource[]>>();
  private readonly agent: https.Agent;

  constructor(
    private readonly kc: KubeConfig,
    private readonly server: string,
  ) {
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 16 });
  }

  static for(kc: KubeConfig): Client {
    return new Client(kc, kc.getCurrentCluster()?.server ?? "");
  }

  close(): void {
    this.agent.destroy();
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<unknown> {
    const url = new URL(path, this.server);
    const opts: https.RequestOptions = { method, agent: this.agent, headers: { Accept: "application/json" } };
    await this.kc.applyToHTTPSOptions(opts);
    const data = body === undefined ? undefined : JSON.stringify(body);
    if (data !== undefined) opts.headers = { ...opts.headers, "Content-Type": contentType };
    return new Promise((resolve, reject) => {
      const req = https.request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(text ? (JSON.parse(text) as unknown) : undefined);
          let message = text;
          try {
            message = (JSON.parse(text) as { message?: string }).message ?? text;
          } catch {
            // not JSON: the text as it came
          }
          reject(new ApiError(status, message || `HTTP ${status}`));
        });
      });
      req.on("error", reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  }

  private resources(apiVersion: string, fresh = false): Promise<ApiResource[]> {
    let list = fresh ? undefined : this.discovered.get(apiVersion);
    if (!list) {
      const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      list = this.request("GET", base).then((r) => (r as { resources: ApiResource[] }).resources);
      this.discovered.set(apiVersion, list);
      list.catch(() => this.discovered.delete(apiVersion));
    }
    return list;
  }

  /**
   * The apiVersion serving a kind named as kubectl accepts it (Deployment,
   * deployment, deployments, deploy): the core group first, then each
   * group's preferred version, as kubectl's RESTMapper looks.
   */
  async apiVersionOf(kind: string): Promise<string | undefined> {
    const named = (r: ApiResource) =>
      !r.name.includes("/") &&
      [r.kind.toLowerCase(), r.name, r.singularName, ...(r.shortNames ?? [])].includes(kind.toLowerCase());
    if ((await this.resources("v1")).some(named)) return "v1";
    const { groups } = (await this.request("GET", "/apis")) as GroupList;
    for (const g of groups) {
      const v = g.preferredVersion.groupVersion;
      const found = (await this.resources(v).catch(() => [])).find(named);
      if (found) return v;
    }
    return undefined;
  }

  /** The object as the API server has it; undefined when it does not exist. */
  async get(ref: Ref): Promise<Record<string, unknown> | undefined> {
    try {
      return (await this.request("GET", await this.path(ref))) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && !(err instanceof UnknownKindError))
        return undefined;
      throw err;
    }
  }

  /** The object's URL path; a kind discovery does not know yet (a CRD just made) is looked up again. */
  async path(ref: Ref, collection = false): Promise<string> {
    const find = async (fresh: boolean) =>
      (
        await this.resources(ref.apiVersion, fresh).catch((e: unknown) => {
          if (e instanceof ApiError && e.status === 404) return [];
          throw e;
        })
      ).find((r) => r.kind === ref.kind && !r.name.includes("/"));
    const res = (await find(false)) ?? (await find(true));
    if (!res) throw new UnknownKindError(ref.kind, ref.apiVersion);
    const base = ref.apiVersion.includes("/") ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    const ns = res.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace || "default")}` : "";
    return `${base}${ns}/${res.name}${collection ? "" : `/${encodeURIComponent(ref.name)}`}`;
  }
}
