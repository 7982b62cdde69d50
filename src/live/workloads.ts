/** Readiness of installed workloads right now, read with one kubectl call. */
import { z } from "zod";
import { kubectl } from "./kubectl";

const WorkloadSchema = z
  .object({
    kind: z.string(),
    metadata: z
      .object({ name: z.string(), namespace: z.string().optional(), generation: z.number().optional() })
      .loose(),
    spec: z.object({ replicas: z.number().optional() }).loose().optional(),
    status: z
      .object({
        observedGeneration: z.number().optional(),
        replicas: z.number().optional(),
        updatedNumberScheduled: z.number().optional(),
        numberAvailable: z.number().optional(),
        updatedReplicas: z.number().optional(),
        availableReplicas: z.number().optional(),
        readyReplicas: z.number().optional(),
        numberReady: z.number().optional(),
        desiredNumberScheduled: z.number().optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
type Workload = z.infer<typeof WorkloadSchema>;

/** The same tests as `kubectl rollout status`: the new revision fully rolled out and available. */
function isReady(w: Workload): boolean {
  const s = w.status ?? {};
  if ((s.observedGeneration ?? 0) < (w.metadata.generation ?? 0)) return false;
  const want = w.spec?.replicas ?? 1;
  const updated = s.updatedReplicas ?? 0;
  if (w.kind === "Deployment") {
    // Old pods still running mean the rollout is not done, however many are available.
    return updated >= want && (s.replicas ?? 0) <= updated && (s.availableReplicas ?? 0) >= updated;
  }
  if (w.kind === "StatefulSet") return updated >= want && (s.readyReplicas ?? 0) >= want;
  const desired = s.desiredNumberScheduled ?? 0;
  return (s.updatedNumberScheduled ?? 0) >= desired && (s.numberAvailable ?? 0) >= desired;
}

/** "Kind/namespace/name" of every Deployment, StatefulSet and DaemonSet, with whether it is ready. */
export async function workloadReadiness(kubeconfig: string, context: string): Promise<Map<string, boolean>> {
  const listed = await kubectl({ kubeconfig, context }, [
    "get",
    "deployments,statefulsets,daemonsets",
    "-A",
    "-o",
    "json",
  ]);
  const items = z.object({ items: z.array(WorkloadSchema) }).parse(JSON.parse(listed)).items;
  return new Map(
    items.map((w) => [`${w.kind}/${w.metadata.namespace ?? ""}/${w.metadata.name}`, isReady(w)]),
  );
}
