//go:build tools

// Package tools pins Jaeger (its v2 binary: an OpenTelemetry Collector distribution that runs
// all-in-one with in-memory storage when given no config) as the trace backend of the e2e
// harness. Nothing imports it; go.mod and go.sum record the version and `npm run test:bins`
// builds this main package.
package tools

import _ "github.com/jaegertracing/jaeger/cmd/jaeger"
