/** An artifact's helmfile (code from a registry) may not call the functions that reach outside it. */
import { strict as assert } from "node:assert";
import { outsideFunction } from "../../src/addon-types/helmfile";

describe("an artifact's helmfile", () => {
  it("finds env, requiredEnv, exec and readFile in template actions", () => {
    assert.equal(outsideFunction('data: {{ env "PULUMI_CONFIG_PASSPHRASE" }}'), "env");
    assert.equal(outsideFunction('k: {{ readFile "/root/.config/sops/age/keys.txt" | b64enc }}'), "readFile");
    assert.equal(outsideFunction('id: {{ exec "id" (list) }}'), "exec");
    assert.equal(outsideFunction('x: {{- requiredEnv "TOKEN" -}}'), "requiredEnv");
    assert.equal(outsideFunction('{{ $v := (env "A") }}'), "env");
  });

  it("leaves fields, variables, strings and text outside actions alone (the control)", () => {
    for (const t of [
      "{{ .Values.env }}",
      "{{ $env := 1 }}{{ $env }}",
      '{{ "env" | quote }}',
      "name: env\nexec: readFile",
      "{{ .Environment.Name }}",
      '{{ .StateValues.exec | default "x" }}',
    ])
      assert.equal(outsideFunction(t), undefined, t);
  });
});
