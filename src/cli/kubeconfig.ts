import { SpokesError } from '../errors.ts';
import { KubeClient } from '../kube/client.ts';

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

/**
 * A client for the hub from `--kubeconfig` (default: defaultKubeconfig()) and `--context`. A
 * kubeconfig that cannot be loaded is a clear error that never quotes the file.
 */
export function connectHub(kubeconfig: string | undefined, context: string | undefined): KubeClient {
  const file = kubeconfig ?? defaultKubeconfig();
  try {
    return KubeClient.fromKubeconfig(file, context);
  } catch (err) {
    const where = file ?? 'the in-cluster config';
    if (err instanceof Error && 'code' in err)
      throw new SpokesError('Io', `cannot read kubeconfig: ${err.message}`);
    if (context !== undefined)
      throw new SpokesError('Io', `${where}: no context "${context}" with a cluster`);
    // A parse error can quote the file (and a token in it): say only that it is not valid.
    throw new SpokesError('Io', `${where}: not a valid kubeconfig with a current cluster`);
  }
}
