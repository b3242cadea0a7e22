//go:build tools

// Package tools pins kustomize for the e2e harness. Nothing imports it; go.mod and go.sum record the
// version and `npm run test:bins` builds this main package.
package tools

import _ "sigs.k8s.io/kustomize/kustomize/v5"
