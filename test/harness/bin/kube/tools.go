//go:build tools

// Package tools pins the Kubernetes servers the e2e harness runs and the kubectl the README
// quickstart test uses. Nothing imports it; go.mod and go.sum record the versions and
// `npm run test:bins` builds these main packages.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
