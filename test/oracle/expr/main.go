// The expr oracle: evaluates trigger conditions with expr-lang/expr, the library Argo CD's
// notifications use, the way Argo CD calls it (expr.Compile without an environment, expr.Run over
// a map), so that Spokes' evaluator can be checked against it. Reads a JSON array of
// {name, expr, env} on stdin and writes [{name, value} or {name, error}] on stdout, where value is
// fmt's %v of the result. The env is decoded as Kubernetes decodes objects (integers int64), and
// gets Argo's time and strings helpers with time.Now fixed at 2024-05-01T12:00:00Z.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/expr-lang/expr"
)

type input struct {
	Name string          `json:"name"`
	Expr string          `json:"expr"`
	Env  json.RawMessage `json:"env"`
}

type output struct {
	Name  string  `json:"name"`
	Value *string `json:"value,omitempty"`
	Error *string `json:"error,omitempty"`
}

var now = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func helpers() map[string]any {
	return map[string]any{
		"time": map[string]any{
			"Now": func() time.Time { return now },
			"Parse": func(s string) time.Time {
				t, err := time.Parse(time.RFC3339, s)
				if err != nil {
					panic(err)
				}
				return t
			},
			"Nanosecond": time.Nanosecond, "Microsecond": time.Microsecond, "Millisecond": time.Millisecond,
			"Second": time.Second, "Minute": time.Minute, "Hour": time.Hour,
			"RFC3339": time.RFC3339, "RFC3339Nano": time.RFC3339Nano, "Kitchen": time.Kitchen,
		},
		"strings": map[string]any{
			"ReplaceAll": strings.ReplaceAll,
			"ToUpper":    strings.ToUpper,
			"ToLower":    strings.ToLower,
		},
	}
}

// decode turns JSON into what Kubernetes' unstructured decoding gives: int64 for integers.
func decode(raw json.RawMessage) (map[string]any, error) {
	env := map[string]any{}
	if len(raw) == 0 {
		return env, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	m, _ := convert(v).(map[string]any)
	for k, x := range m {
		env[k] = x
	}
	return env, nil
}

func convert(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = convert(x[i])
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = convert(x[k])
		}
		return x
	}
	return v
}

func evaluate(c input) (result output) {
	result.Name = c.Name
	fail := func(err any) {
		msg := fmt.Sprint(err)
		result.Value, result.Error = nil, &msg
	}
	defer func() {
		if r := recover(); r != nil {
			fail(r)
		}
	}()
	env, err := decode(c.Env)
	if err != nil {
		fail(err)
		return
	}
	for k, v := range helpers() {
		env[k] = v
	}
	program, err := expr.Compile(c.Expr)
	if err != nil {
		fail(err)
		return
	}
	value, err := expr.Run(program, env)
	if err != nil {
		fail(err)
		return
	}
	text := fmt.Sprintf("%v", value)
	result.Value = &text
	return result
}

func main() {
	var cases []input
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := make([]output, 0, len(cases))
	for _, c := range cases {
		out = append(out, evaluate(c))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
