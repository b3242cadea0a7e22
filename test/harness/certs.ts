// Key material for one cluster, made at start: a CA, a serving certificate for 127.0.0.1 signed by
// it (the openssl CLI; node:crypto cannot issue certificates), a service-account key pair
// (node:crypto) and the static tokens.
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ClusterPki {
  caFile: string;
  /** The CA certificate, PEM. */
  caPem: string;
  certFile: string;
  keyFile: string;
  saPublicKeyFile: string;
  saPrivateKeyFile: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30'];

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`openssl ${args[0]} failed: ${detail.trim()}`);
  }
}

/** Writes ca.crt, server.crt/.key and sa.pub/.key into `dir`. */
export async function makeClusterPki(dir: string, name: string): Promise<ClusterPki> {
  const file = (base: string): string => path.join(dir, base);
  const caKey = file('ca.key');
  await openssl([
    ...['req', '-x509', ...EC_KEY, '-keyout', caKey, '-out', file('ca.crt')],
    ...['-subj', `/CN=spokes-e2e-${name}-ca`],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  ]);
  await openssl([
    ...['req', '-x509', ...EC_KEY, '-keyout', file('server.key'), '-out', file('server.crt')],
    ...['-CA', file('ca.crt'), '-CAkey', caKey, '-subj', `/CN=spokes-e2e-${name}`],
    ...[
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-addext',
      'basicConstraints=critical,CA:FALSE',
    ],
    ...['-addext', 'keyUsage=critical,digitalSignature', '-addext', 'extendedKeyUsage=serverAuth'],
  ]);
  const sa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await writeFile(file('sa.pub'), sa.publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(file('sa.key'), sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return {
    caFile: file('ca.crt'),
    caPem: await readFile(file('ca.crt'), 'utf8'),
    certFile: file('server.crt'),
    keyFile: file('server.key'),
    saPublicKeyFile: file('sa.pub'),
    saPrivateKeyFile: file('sa.key'),
  };
}

export interface StaticUser {
  name: string;
  token: string;
  groups: string[];
}

/**
 * An admin in system:masters, a user with no RBAC grants at all, and two more without grants that
 * tests give limited RBAC of their own (the dashboard's viewer who may read but not update, and an
 * outsider with rights in some other namespace only).
 */
export function makeUsers(): {
  admin: StaticUser;
  limited: StaticUser;
  viewer: StaticUser;
  outsider: StaticUser;
} {
  const token = (): string => randomBytes(24).toString('hex');
  return {
    admin: { name: 'spokes-admin', token: token(), groups: ['system:masters'] },
    limited: { name: 'spokes-limited', token: token(), groups: ['spokes:limited'] },
    viewer: { name: 'spokes-viewer', token: token(), groups: ['spokes:viewers'] },
    outsider: { name: 'spokes-outsider', token: token(), groups: ['spokes:outsiders'] },
  };
}

/** The --token-auth-file format: token,user,uid,"group1,group2". */
export async function writeTokenFile(file: string, users: StaticUser[]): Promise<void> {
  const lines = users.map((user) => `${user.token},${user.name},${user.name},"${user.groups.join(',')}"`);
  await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o600 });
}
