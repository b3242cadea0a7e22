// Command oracle renders Go templates the way Argo CD's ApplicationSet controller does: Go's
// text/template with sprig's generic function map (minus env, expandenv and getHostByName) plus
// Argo CD's normalize, slugify, toYaml, fromYaml and fromYamlArray, re-implemented here from
// their documented behaviour.
//
// It reads a JSON array of cases on stdin ({name, template, data, options}) and writes a JSON
// array of results ({name, output} or {name, error}) to stdout. Data is decoded from JSON, so
// numbers are float64 exactly as in Argo CD's params.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"github.com/gosimple/slug"
	"sigs.k8s.io/yaml"
)

type testCase struct {
	Name     string   `json:"name"`
	Template string   `json:"template"`
	Data     any      `json:"data"`
	Options  []string `json:"options,omitempty"`
}

type result struct {
	Name   string  `json:"name"`
	Output *string `json:"output,omitempty"`
	Error  *string `json:"error,omitempty"`
}

var invalidDNSNameChars = regexp.MustCompile("[^-a-z0-9.]")

// normalize makes a string a valid DNS-1123 subdomain: lower case, anything outside
// [-a-z0-9.] becomes '-', at most 253 bytes, no leading or trailing '-' or '.'.
func normalize(name string) string {
	name = invalidDNSNameChars.ReplaceAllString(strings.ToLower(name), "-")
	if len(name) > 253 {
		name = name[:253]
	}
	return strings.Trim(name, "-.")
}

// slugify [maxSize] [smartTruncate] name: the name normalized, then made a URL slug.
func slugify(args ...any) string {
	maxSize := 50
	smart := true
	name := ""
	for i, arg := range args {
		switch i {
		case len(args) - 1:
			name = arg.(string)
		case 0:
			maxSize = arg.(int)
		case 1:
			smart = arg.(bool)
		}
	}
	slug.MaxLength = maxSize
	slug.EnableSmartTruncate = smart
	return slug.Make(normalize(name))
}

func toYaml(v any) (string, error) {
	out, err := yaml.Marshal(v)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(string(out), "\n"), nil
}

func fromYaml(s string) (map[string]any, error) {
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		return nil, err
	}
	return m, nil
}

func fromYamlArray(s string) ([]any, error) {
	var a []any
	if err := yaml.Unmarshal([]byte(s), &a); err != nil {
		return nil, err
	}
	return a, nil
}

func funcMap() template.FuncMap {
	m := sprig.GenericFuncMap()
	delete(m, "env")
	delete(m, "expandenv")
	delete(m, "getHostByName")
	m["normalize"] = normalize
	m["slugify"] = slugify
	m["toYaml"] = toYaml
	m["fromYaml"] = fromYaml
	m["fromYamlArray"] = fromYamlArray
	return m
}

func render(c testCase, funcs template.FuncMap) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	tmpl := template.New("t").Funcs(funcs)
	if len(c.Options) > 0 {
		tmpl = tmpl.Option(c.Options...)
	}
	if _, err := tmpl.Parse(c.Template); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, c.Data); err != nil {
		return "", err
	}
	return buf.String(), nil
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "oracle: reading cases:", err)
		os.Exit(2)
	}
	funcs := funcMap()
	results := make([]result, 0, len(cases))
	for _, c := range cases {
		out, err := render(c, funcs)
		r := result{Name: c.Name}
		if err != nil {
			msg := err.Error()
			r.Error = &msg
		} else {
			r.Output = &out
		}
		results = append(results, r)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "oracle: writing results:", err)
		os.Exit(2)
	}
}
