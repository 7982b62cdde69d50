/** kubectl against one kubeconfig; the cluster package's only client. */
import { execa } from "execa";
import { kubectlFlags } from "../kube/kubectl";

export interface Kubectl {
  (args: string[], input?: string): Promise<string>;
  kubeconfig: string;
}

export function kubectl(kubeconfig: string, context?: string): Kubectl {
  const base = context ? kubectlFlags(kubeconfig, context) : ["--kubeconfig", kubeconfig];
  const run = async (args: string[], input?: string) => {
    const res = await execa("kubectl", [...base, ...args], input === undefined ? {} : { input });
    return res.stdout;
  };
  return Object.assign(run, { kubeconfig });
}
