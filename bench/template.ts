/**
 * Benchmark: render 100,000 Applications from a goTemplate Application template with ~20
 * actions (field lookups, pipelines, sprig and Argo functions, if/range), through the renderer
 * the core uses: every distinct string is compiled once, then executed per param set.
 *
 *   node bench/template.ts [--count 100000]
 *
 * Target: at least 50,000 renders per second.
 */
import { parseArgs } from 'node:util';
import { createRenderer } from '../src/template/render.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '100000' } } });
const COUNT = Number(values.count);
const TARGET = 50_000;

const template = {
  metadata: {
    name: '{{ .app }}-{{ .cluster.name | normalize }}',
    labels: {
      team: '{{ .team | lower }}',
      env: '{{ index .cluster.labels "env" }}',
      tier: '{{ if eq .tier "frontend" }}web{{ else }}backend{{ end }}',
      replicas: '{{ .replicas }}',
    },
    annotations: {
      'spokes.dev/owner': '{{ printf "%s@%s" .team .cluster.name }}',
      'spokes.dev/ports': '{{ range $i, $p := .ports }}{{ if $i }},{{ end }}{{ $p }}{{ end }}',
    },
  },
  spec: {
    project: '{{ default "default" .project }}',
    source: {
      repoURL: 'https://git.example.com/{{ .team }}/{{ .app }}.git',
      targetRevision: '{{ .revision | default "main" }}',
      path: 'apps/{{ .app }}/overlays/{{ .cluster.labels.env }}',
      helm: {
        releaseName: '{{ .app | trunc 20 }}',
        valueFiles: ['values-{{ .cluster.labels.region }}.yaml'],
      },
    },
    destination: { server: '{{ .cluster.server }}', namespace: '{{ .team }}-{{ .app | replace "_" "-" }}' },
  },
};

const regions = ['eu-west-1', 'us-east-1', 'ap-south-1'];
const params = Array.from({ length: 1000 }, (_, i) => ({
  app: `app_${i}`,
  team: `Team${i % 13}`,
  tier: i % 2 === 0 ? 'frontend' : 'api',
  replicas: (i % 5) + 1,
  project: i % 3 === 0 ? '' : 'platform',
  revision: i % 4 === 0 ? null : `release-${i % 9}`,
  ports: [8080, 9090 + (i % 3)],
  cluster: {
    name: `Cluster-${i % 50}`,
    server: `https://c${i % 50}.example.com`,
    labels: { env: i % 2 === 0 ? 'prod' : 'staging', region: regions[i % 3] },
  },
}));

const renderer = createRenderer({ goTemplate: true, goTemplateOptions: [] });
const compileStart = performance.now();
const build = renderer.compile(template, 'spec.template');
const compileMs = performance.now() - compileStart;

// Warm up the JIT, then measure.
for (let i = 0; i < 2000; i++) build(params[i % params.length]!);
const start = performance.now();
const cpuStart = process.cpuUsage();
let names = 0;
for (let i = 0; i < COUNT; i++) names += build(params[i % params.length]!).metadata.name.length;
const cpu = process.cpuUsage(cpuStart);
const seconds = (performance.now() - start) / 1000;
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const rate = COUNT / seconds;
const cpuRate = COUNT / cpuSeconds;
const fmt = (n: number): string => Math.round(n).toLocaleString('en');

console.log(`compiled the template once in ${compileMs.toFixed(1)} ms`);
console.log(
  `rendered ${fmt(COUNT)} Applications in ${seconds.toFixed(2)} s (${cpuSeconds.toFixed(2)} s of CPU)`,
);
console.log(
  `${fmt(rate)} renders/s wall clock, ${fmt(cpuRate)} renders per CPU second (target ${fmt(TARGET)}/s)`,
);
if (names === 0) console.log('(no output?)');
