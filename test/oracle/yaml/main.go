// The YAML oracle: how Kubernetes tooling and Argo CD read YAML. Each case's text goes through
// sigs.k8s.io/yaml's YAMLToJSON, the function kubectl uses to send a manifest and Argo CD uses (through
// yaml.Unmarshal) to read git files, elementsYaml and templatePatch output: go-yaml v2's YAML 1.1
// scalar resolution, then encoding/json. Reads a JSON array of {name, yaml} on stdin and writes
// [{name, json} or {name, error}] on stdout.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"sigs.k8s.io/yaml"
)

type input struct {
	Name string `json:"name"`
	YAML string `json:"yaml"`
}

type output struct {
	Name  string  `json:"name"`
	JSON  *string `json:"json,omitempty"`
	Error *string `json:"error,omitempty"`
}

func main() {
	var cases []input
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "reading cases:", err)
		os.Exit(2)
	}
	out := make([]output, 0, len(cases))
	for _, c := range cases {
		o := output{Name: c.Name}
		if j, err := yaml.YAMLToJSON([]byte(c.YAML)); err != nil {
			msg := err.Error()
			o.Error = &msg
		} else {
			s := string(j)
			o.JSON = &s
		}
		out = append(out, o)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "writing results:", err)
		os.Exit(2)
	}
}
