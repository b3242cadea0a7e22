//go:build tools

// Package tools pins go-containerregistry's registry (an OCI distribution server) for the e2e
// harness. Nothing imports it; go.mod and go.sum record the version and `npm run test:bins`
// builds this main package.
package tools

import _ "github.com/google/go-containerregistry/cmd/registry"
