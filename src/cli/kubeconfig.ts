/**
 * The kubeconfig a hub command uses when `--kubeconfig` is not given: the first entry of
 * `$KUBECONFIG`, else `~/.kube/config`; undefined (in-cluster config) when neither is known.
 */
export function defaultKubeconfig(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const list = env['KUBECONFIG'];
  if (list) return list.split(':')[0];
  const home = env['HOME'];
  return home ? `${home}/.kube/config` : undefined;
}
