import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildEnv, envsubst, substituteHelm, substituteKustomize } from './envsubst.ts';

const env = buildEnv({
  appName: 'web',
  namespace: 'prod',
  project: 'team',
  revision: '0123456789abcdef',
  repoURL: 'https://example.com/r.git',
  path: 'apps/web',
  targetRevision: 'main',
});

describe("Argo CD's $VAR substitution (Go os.Expand)", () => {
  const rows: [string, string][] = [
    ['img:$ARGOCD_APP_REVISION_SHORT', 'img:0123456'],
    ['${ARGOCD_APP_NAME}-x', 'web-x'],
    ['$ARGOCD_APP_REVISION_SHORT_8', '01234567'],
    ['a$$b', 'a$b'],
    ['$UNSET|', '|'],
    ['trailing $', 'trailing $'],
    ['${}x', 'x'],
    ['${open', 'open'],
    ['$/x', '$/x'],
    ['$1x', 'x'],
    ['no dollar', 'no dollar'],
  ];
  for (const [input, expected] of rows)
    test(JSON.stringify(input), () => assert.equal(envsubst(input, env), expected));

  test('kustomize: images and commonLabels always, commonAnnotations only when asked', () => {
    const opts = {
      images: ['app=app:$ARGOCD_APP_REVISION'],
      commonLabels: { app: '$ARGOCD_APP_NAME' },
      commonAnnotations: { p: '$ARGOCD_APP_PROJECT_NAME' },
    };
    assert.deepEqual(substituteKustomize(opts, env), {
      images: ['app=app:0123456789abcdef'],
      commonLabels: { app: 'web' },
      commonAnnotations: { p: '$ARGOCD_APP_PROJECT_NAME' },
    });
    assert.deepEqual(
      substituteKustomize({ ...opts, commonAnnotationsEnvsubst: true }, env).commonAnnotations,
      {
        p: 'team',
      },
    );
  });
  test('helm: parameter values and file paths; $ref files stay', () => {
    assert.deepEqual(
      substituteHelm(
        {
          parameters: [{ name: 'ns', value: '$ARGOCD_APP_NAMESPACE' }],
          valueFiles: ['values-$ARGOCD_APP_NAME.yaml', '$values/x.yaml'],
          fileParameters: [{ name: 'f', path: '${ARGOCD_APP_SOURCE_PATH}/f.txt' }],
        },
        env,
        (file) => file.startsWith('$values/'),
      ),
      {
        parameters: [{ name: 'ns', value: 'prod' }],
        valueFiles: ['values-web.yaml', '$values/x.yaml'],
        fileParameters: [{ name: 'f', path: 'apps/web/f.txt' }],
      },
    );
  });
});
