//go:build tools

// Package tools pins helm for the e2e harness. Nothing imports it; go.mod and go.sum record the
// version and `npm run test:bins` builds this main package.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
