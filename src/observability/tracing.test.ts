import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { context, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { parseApplicationSet } from '../api/applicationset.ts';
import { createGitRepo } from '../../test/harness/git-repo.ts';
import { expand } from '../expand.ts';
import { createRepoSource } from '../git/index.ts';
import { processRoutes } from '../process/http.ts';
import { silentLogger } from '../log.ts';
import { Registry } from 'prom-client';
import { Causes, inSpan, noopTracer } from './tracing.ts';
import { parsePairs, tracingEnabled } from './otel.ts';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const tracer = provider.getTracer('test');

before(() => context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
after(() => context.disable());

function spans(name: string) {
  return exporter.getFinishedSpans().filter((s) => s.name === name);
}

describe('spans', () => {
  test('a reconcile queued by a push joins the push trace, parented and linked', async () => {
    exporter.reset();
    const causes = new Causes();
    await inSpan(tracer, 'spokes.webhook.push', { root: true }, () => {
      causes.add('argocd/web');
      causes.add('argocd/api');
      return Promise.resolve();
    });
    // Later, from a work queue running inside some unrelated span: root: true ignores it.
    await inSpan(tracer, 'unrelated', {}, () =>
      inSpan(tracer, 'controller.Refresh', { causes: causes.take('argocd/web'), root: true }, () =>
        Promise.resolve(),
      ),
    );
    await inSpan(tracer, 'controller.Refresh', { causes: causes.take('argocd/web'), root: true }, () =>
      Promise.resolve(),
    );
    const [push] = spans('spokes.webhook.push');
    const [caused, later] = spans('controller.Refresh');
    assert.equal(caused!.spanContext().traceId, push!.spanContext().traceId);
    assert.equal(caused!.parentSpanContext?.spanId, push!.spanContext().spanId);
    assert.deepEqual(
      caused!.links.map((l) => l.context.spanId),
      [push!.spanContext().spanId],
    );
    // Taken once: the next reconcile is a trace of its own.
    assert.notEqual(later!.spanContext().traceId, push!.spanContext().traceId);
    assert.equal(later!.parentSpanContext, undefined);
    assert.equal(causes.take('argocd/api').length, 1);
  });

  test('an error marks the span and is rethrown', async () => {
    exporter.reset();
    await assert.rejects(
      inSpan(tracer, 'sync.apply', {}, () => Promise.reject(new Error('forbidden'))),
      /forbidden/,
    );
    assert.equal(spans('sync.apply')[0]!.status.code, SpanStatusCode.ERROR);
  });

  test('tracing off: the no-op tracer records nothing and causes stay empty', async () => {
    const causes = new Causes();
    await inSpan(noopTracer, 'spokes.webhook.push', { root: true }, () => {
      causes.add('argocd/web');
      return Promise.resolve();
    });
    assert.deepEqual(causes.take('argocd/web'), []);
  });

  test('expand: a span per generator and per template rendering, under the active one', async () => {
    exporter.reset();
    const appSet = parseApplicationSet(
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'ApplicationSet',
        metadata: { name: 'fleet', namespace: 'argocd' },
        spec: {
          generators: [{ list: { elements: [{ name: 'a' }, { name: 'b' }] } }],
          template: {
            metadata: { name: '{{name}}' },
            spec: {
              project: 'default',
              source: { repoURL: 'https://example.com/r.git', path: '{{name}}' },
              destination: { server: 'https://kubernetes.default.svc', namespace: 'x' },
            },
          },
        },
      },
      'test',
    );
    await inSpan(tracer, 'spokes.appset.reconcile', { root: true }, () =>
      expand(appSet, { clusters: { list: () => Promise.resolve([]) }, repos: unusedRepos, tracer }),
    );
    const [root] = spans('spokes.appset.reconcile');
    const [generator] = spans('spokes.generator');
    const [template] = spans('spokes.template');
    assert.equal(generator!.attributes['spokes.generator.type'], 'list');
    assert.equal(generator!.attributes['spokes.generator.params'], 2);
    assert.equal(template!.attributes['spokes.template.applications'], 2);
    for (const s of [generator!, template!])
      assert.equal(s.parentSpanContext?.spanId, root!.spanContext().spanId);
  });

  test('a git generator span carries the commit and whether the refs came from the cache', async () => {
    exporter.reset();
    const repo = await createGitRepo({
      branches: { main: { 'apps/a/x.yaml': 'a: 1', 'apps/b/x.yaml': 'b: 1' } },
    });
    const url = 'https://git.example.com/acme/fleet.git';
    const repos = createRepoSource({ localRepos: new Map([[url, repo.path]]), minRefreshSeconds: 60 });
    try {
      const appSet = parseApplicationSet(
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'ApplicationSet',
          metadata: { name: 'dirs', namespace: 'argocd' },
          spec: {
            generators: [{ git: { repoURL: url, revision: 'main', directories: [{ path: 'apps/*' }] } }],
            template: {
              metadata: { name: '{{path.basename}}' },
              spec: {
                project: 'default',
                source: { repoURL: url, path: '{{path}}' },
                destination: { server: 'https://kubernetes.default.svc', namespace: 'x' },
              },
            },
          },
        },
        'test',
      );
      const env = { clusters: { list: () => Promise.resolve([]) }, repos, tracer };
      for (let i = 0; i < 2; i++)
        await inSpan(tracer, 'spokes.appset.reconcile', { root: true }, () => expand(appSet, env));
      const [first, second] = spans('spokes.generator');
      const head = await repo.revParse('main');
      assert.equal(first!.attributes['spokes.git.commit'], head);
      assert.equal(first!.attributes['spokes.git.revision'], 'main');
      assert.equal(first!.attributes['spokes.git.repo'], url);
      assert.deepEqual(
        [first!.attributes['spokes.git.cache'], second!.attributes['spokes.git.cache']],
        ['miss', 'hit'],
      );
      assert.deepEqual(
        first!.events.map((e) => e.name),
        ['spokes.git.resolve'],
      );
    } finally {
      repos.close();
      await repo.cleanup();
    }
  });

  test('redaction: a push naming a repository with credentials exports none of them', async () => {
    exporter.reset();
    const token = 'ghp_redaction-test-token-1234';
    const routes = processRoutes({
      ready: () => true,
      metrics: new Registry(),
      tracer,
      webhookSecrets: { github: 'hook-secret' },
      onPush: () => 1,
      log: silentLogger,
    });
    const webhook = routes.find((r) => r.path === '/api/webhook')!;
    const handle = (req: never, res: never): Promise<void> => webhook.handle(req, res);
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      repository: {
        html_url: `https://bot:${token}@github.com/acme/fleet`,
        clone_url: `https://bot:${token}@github.com/acme/fleet.git`,
      },
      commits: [],
    });
    const signature = `sha256=${createHmac('sha256', 'hook-secret').update(body).digest('hex')}`;
    const answer = await callRoute(
      handle,
      { 'x-github-event': 'push', 'x-hub-signature-256': signature },
      body,
    );
    assert.equal(answer.status, 200, answer.text);
    const exported = JSON.stringify(exporter.getFinishedSpans().map((s) => [s.name, s.attributes, s.events]));
    assert.ok(spans('spokes.webhook.push').length === 1, exported);
    assert.ok(!exported.includes(token), exported);
  });

  test('configuration: on only with an address or an OTLP endpoint; pairs parsed or refused by name', () => {
    const off = { address: '', insecure: true, headers: {}, attributes: {}, sampleRatio: 1 };
    assert.equal(tracingEnabled(off, {}), false);
    assert.equal(tracingEnabled(off, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317' }), true);
    assert.equal(tracingEnabled({ ...off, address: 'c:4317' }, {}), true);
    assert.deepEqual(parsePairs(['a=b,c=d=e'], '=', '--otlp-headers'), { a: 'b', c: 'd=e' });
    assert.deepEqual(parsePairs(['team:core'], ':', '--otlp-attrs'), { team: 'core' });
    assert.throws(() => parsePairs(['oops'], ':', '--otlp-attrs'), /--otlp-attrs: "oops" is not key:value/);
  });
});

const unusedRepos = {
  resolve: () => Promise.reject(new Error('unused')),
  listTree: () => Promise.reject(new Error('unused')),
  readFile: () => Promise.reject(new Error('unused')),
};

async function callRoute(
  handle: (req: never, res: never) => Promise<void>,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  const { Readable } = await import('node:stream');
  const req = Object.assign(Readable.from([Buffer.from(body)]), {
    headers,
    method: 'POST',
    url: '/api/webhook',
  });
  let status = 0;
  let text = '';
  const res = {
    statusCode: 200,
    headersSent: false,
    hasHeader: () => false,
    setHeader: () => undefined,
    end(chunk?: string) {
      status = this.statusCode;
      text = chunk ?? '';
    },
  };
  await handle(req as never, res as never);
  return { status, text };
}
