//go:build tools

// Package tools pins the etcd server for the e2e harness. Nothing imports it; go.mod and go.sum record the
// version and `npm run test:bins` builds this main package.
package tools

import _ "go.etcd.io/etcd/server/v3"
