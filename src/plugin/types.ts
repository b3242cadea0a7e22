/**
 * The plugin generator's remote call, as Argo CD makes it: POST `<baseUrl>/api/v1/getparams.execute`
 * with `{applicationSetName, input: {parameters}}`, answered by `{output: {parameters: [...]}}`.
 * The source resolves the plugin's ConfigMap (baseUrl, token, requestTimeout) and makes the call;
 * the generator turns the answer into params.
 */

export interface PluginRequest {
  readonly applicationSetName: string;
  readonly input: { readonly parameters?: Readonly<Record<string, unknown>> };
}

export interface PluginSource {
  /**
   * Calls the plugin configured by ConfigMap `configMapName` (in the control-plane namespace)
   * and returns its decoded JSON answer, or undefined for an empty body.
   */
  call(configMapName: string, request: PluginRequest): Promise<unknown>;
}
