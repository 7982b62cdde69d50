//go:build js && wasm

// Go's own text/template, compiled to WebAssembly, so tazuna.yaml is
// templated exactly as the Go tool templates it: the same parser, the same
// built-in functions, and the same error for any field but .Environment.
package main

import (
	"bytes"
	"syscall/js"
	"text/template"
)

type data struct{ Environment string }

func render(_ js.Value, args []js.Value) any {
	name, text, env := args[0].String(), args[1].String(), args[2].String()
	t, err := template.New(name).Parse(text)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	var out bytes.Buffer
	if err := t.Execute(&out, data{Environment: env}); err != nil {
		return map[string]any{"error": err.Error()}
	}
	return map[string]any{"output": out.String()}
}

func main() {
	js.Global().Set("tazunaGoTemplate", js.FuncOf(render))
	select {}
}
