// A real Prometheus server (Debian's `prometheus` package, which also brings promtool; .ci/run
// installs it) scraping the given targets every second, and its query API.
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startProcess, trackTempDir, untrackTempDir } from './processes.ts';
import { freePort, waitReady } from './servers.ts';

/** Where prometheus and promtool are: SPOKES_PROMETHEUS_DIR, else /usr/bin (the Debian package). */
export async function prometheusBinaries(): Promise<{ prometheus: string; promtool: string }> {
  const dir = process.env['SPOKES_PROMETHEUS_DIR'] ?? '/usr/bin';
  const found = { prometheus: path.join(dir, 'prometheus'), promtool: path.join(dir, 'promtool') };
  for (const binary of Object.values(found)) {
    await access(binary).catch(() => {
      throw new Error(
        `${binary} not found: install Debian's prometheus package (apt-get install prometheus), or set SPOKES_PROMETHEUS_DIR`,
      );
    });
  }
  return found;
}

export interface Prometheus {
  readonly url: string;
  /** An instant query's result vector (throws on a query error). */
  query(promql: string): Promise<PromSample[]>;
  stop(): Promise<void>;
}

export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/** Starts Prometheus scraping `targets` (host:port, path /metrics) every second. */
export async function startPrometheus(targets: readonly string[]): Promise<Prometheus> {
  const { prometheus } = await prometheusBinaries();
  const dir = await mkdtemp(path.join(tmpdir(), 'spokes-prometheus-'));
  trackTempDir(dir);
  const config = path.join(dir, 'prometheus.yml');
  await writeFile(
    config,
    `global: {scrape_interval: 1s, evaluation_interval: 1s}\nscrape_configs:\n- job_name: spokes\n  static_configs: [{targets: ${JSON.stringify(targets)}}]\n`,
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = startProcess(
    'prometheus',
    prometheus,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { logFile: path.join(dir, 'prometheus.log'), env: { PATH: process.env.PATH, HOME: dir } },
  );
  await waitReady(proc, { url: `${url}/-/ready` });
  return {
    url,
    async query(promql) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as {
        status: string;
        error?: string;
        data?: { result: PromSample[] };
      };
      if (body.status !== 'success') throw new Error(`${promql}: ${body.error ?? response.status}`);
      return body.data?.result ?? [];
    },
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
      untrackTempDir(dir);
    },
  };
}
