// The e2e harness: real etcd + kube-apiservers (+ controller-managers), kustomize and helm.
export { binaryPaths, buildBinaries, cacheDir, pinnedVersions, requireBinaries } from './bins.ts';
export type { Binaries, BinaryName } from './bins.ts';
export { Cluster, FIELD_MANAGER } from './cluster.ts';
export type { ApplyOptions, RawOptions, UserName } from './cluster.ts';
export { installCrds, startHarness, useHarness } from './harness.ts';
export type { Harness, HarnessOptions, HarnessTimings } from './harness.ts';
export { HttpError } from './http.ts';
export { pollUntil } from './poll.ts';
export type { PollOptions } from './poll.ts';
export { clusterSecret, registerSpoke, unregisterSpoke } from './register.ts';
export type { ClusterSecretConfig, RegisterOptions } from './register.ts';
export { DEFAULT_CONTROLLERS } from './servers.ts';
export { runTool } from './tools.ts';
export { markPodsReady } from './workloads.ts';
export type { ToolResult } from './tools.ts';
export { startTcpProxy } from './tcp-proxy.ts';
export type { TcpProxy } from './tcp-proxy.ts';
