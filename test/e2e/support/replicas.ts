/**
 * Controller replicas as separate `spokes controller` processes on a harness hub: their JSON log
 * lines, their /metrics, kill -9; and the apiservers' audit logs read back by user agent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pollUntil } from '../../harness/index.ts';

const BIN = resolve(import.meta.dirname, '../../../bin/spokes.js');

export interface Replica {
  readonly name: string;
  readonly process: ChildProcess;
  readonly events: Record<string, unknown>[];
  port(): Promise<number>;
  exited(): Promise<number | null>;
}

export function startReplica(name: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Replica {
  const child = spawn(
    process.execPath,
    [BIN, 'controller', '--listen', '127.0.0.1:0', '--identity', name, ...args],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } },
  );
  const events: Record<string, unknown>[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      events.push({ msg: line });
    }
    if (process.env.SPOKES_E2E_LOG) process.stderr.write(`[${name}] ${line}\n`);
  });
  const exit = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return {
    name,
    process: child,
    events,
    port: () =>
      pollUntil(() => events.find((e) => e.msg === 'listening')?.port as number | undefined, {
        what: `${name} listening`,
      }),
    exited: () => exit,
  };
}

export async function httpGet(port: number, path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, text: await response.text() };
}

export interface AuditWrite {
  readonly userAgent: string;
  readonly verb: string;
  /** The namespace written in (a Namespace's own name for namespaces). */
  readonly namespace: string | undefined;
  readonly resource: string | undefined;
  readonly at: number;
}

/** The writes in an apiserver audit log made by controller replicas (User-Agent spokes-controller/<name>). */
export function auditWrites(file: string): AuditWrite[] {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return lines.flatMap((line) => {
    const event = JSON.parse(line) as {
      userAgent?: string;
      verb: string;
      stage?: string;
      stageTimestamp: string;
      requestReceivedTimestamp: string;
      objectRef?: { namespace?: string; name?: string; resource?: string };
      responseStatus?: { code?: number };
      annotations?: Record<string, string>;
    };
    const agent = event.userAgent ?? '';
    if (!agent.startsWith('spokes-controller/') || event.stage !== 'ResponseComplete') return [];
    const ref = event.objectRef ?? {};
    return [
      {
        userAgent: agent.slice('spokes-controller/'.length),
        verb: event.verb,
        namespace: ref.namespace ?? (ref.resource === 'namespaces' ? ref.name : undefined),
        resource: ref.resource,
        at: Date.parse(event.requestReceivedTimestamp),
      },
    ];
  });
}

/** Collapses a time-ordered list of writers into runs: a, a, b, b, a → [a, b, a]. */
export function writerRuns(writes: readonly AuditWrite[]): string[] {
  const runs: string[] = [];
  for (const w of [...writes].sort((x, y) => x.at - y.at))
    if (runs[runs.length - 1] !== w.userAgent) runs.push(w.userAgent);
  return runs;
}
