/**
 * YAML as the Go tools that read it (helm, kubectl, helmfile: go-yaml)
 * understand it: YAML 1.1, so the strings "no", "yes", "on" and "off" are
 * written quoted and stay strings, and no line folding, so a long
 * description is not given a leading newline.
 */
import { stringify } from "yaml";

export function toGoYaml(value: unknown): string {
  return stringify(value, { version: "1.1", lineWidth: 0 });
}
