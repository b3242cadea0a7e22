/**
 * sprig's crypto functions that Node's crypto can provide: derivePassword (scrypt + HMAC, the
 * Master Password algorithm), encryptAES/decryptAES (AES-256-CBC, random IV), randBytes and
 * genPrivateKey (rsa, ecdsa, ed25519). Certificate builders, bcrypt and htpasswd are not
 * supported (see UNSUPPORTED_FUNCS).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  generateKeyPairSync,
  randomBytes,
  scryptSync,
} from 'node:crypto';
import { FuncError, fn, type GoFunc } from '../funcs.ts';
import type { GoInt, GoValue } from '../value.ts';

const SEED = 'com.lyndir.masterpassword';

const TEMPLATES: Record<string, readonly string[]> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: [
    'CvcvnoCvcvCvcv',
    'CvcvCvcvnoCvcv',
    'CvcvCvcvCvcvno',
    'CvccnoCvcvCvcv',
    'CvccCvcvnoCvcv',
    'CvccCvcvCvcvno',
    'CvcvnoCvccCvcv',
    'CvcvCvccnoCvcv',
    'CvcvCvccCvcvno',
    'CvcvnoCvcvCvcc',
    'CvcvCvcvnoCvcc',
    'CvcvCvcvCvccno',
    'CvccnoCvccCvcv',
    'CvccCvccnoCvcv',
    'CvccCvccCvcvno',
    'CvcvnoCvccCvcc',
    'CvcvCvccnoCvcc',
    'CvcvCvccCvccno',
    'CvccnoCvcvCvcc',
    'CvccCvcvnoCvcc',
    'CvccCvcvCvccno',
  ],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};

const CHARACTERS: Record<string, string> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

interface PasswordRequest {
  readonly counter: number;
  readonly type: string;
  readonly password: string;
  readonly user: string;
  readonly site: string;
}

function derivePassword({ counter, type, password, user, site }: PasswordRequest): string {
  const templates = TEMPLATES[type];
  if (templates === undefined) return `cannot find password template ${type}`;
  const userBytes = Buffer.from(user, 'utf8');
  const salt = Buffer.concat([Buffer.from(SEED), uint32(userBytes.length), userBytes]);
  const key = scryptSync(Buffer.from(password, 'utf8'), salt, 64, {
    N: 32768,
    r: 8,
    p: 2,
    maxmem: 128 * 32768 * 8 * 2,
  });
  const siteBytes = Buffer.from(site, 'utf8');
  const message = Buffer.concat([Buffer.from(SEED), uint32(siteBytes.length), siteBytes, uint32(counter)]);
  const seed = createHmac('sha256', key).update(message).digest();
  const template = templates[seed[0]! % templates.length]!;
  let out = '';
  [...template].forEach((c, i) => {
    const chars = CHARACTERS[c]!;
    out += chars[seed[i + 1]! % chars.length];
  });
  return out;
}

function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  Buffer.from(password, 'utf8').copy(key, 0, 0, 32);
  return key;
}

function encryptAES(password: string, plaintext: string): string {
  if (plaintext === '') return '';
  const content = Buffer.from(plaintext, 'utf8');
  const padding = 16 - (content.length % 16);
  const padded = Buffer.concat([content, Buffer.alloc(padding, padding)]);
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', aesKey(password), iv).setAutoPadding(false);
  return Buffer.concat([iv, cipher.update(padded), cipher.final()]).toString('base64');
}

function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  if (!/^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/.test(crypt64) || crypt64.replace(/[\r\n]/g, '').length % 4 !== 0) {
    throw new FuncError('illegal base64 data');
  }
  const crypt = Buffer.from(crypt64, 'base64');
  if (crypt.length < 16)
    throw new FuncError(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new FuncError('crypto/cipher: input not full blocks');
  if (body.length === 0) throw new FuncError('runtime error: index out of range [-1]');
  const decipher = createDecipheriv('aes-256-cbc', aesKey(password), crypt.subarray(0, 16)).setAutoPadding(
    false,
  );
  const plain = Buffer.concat([decipher.update(body), decipher.final()]);
  const cut = plain.length - plain[plain.length - 1]!;
  if (cut < 0) throw new FuncError(`runtime error: slice bounds out of range [:${cut}]`);
  return plain.subarray(0, cut).toString('utf8');
}

function genPrivateKey(type: string): string {
  switch (type) {
    case 'rsa':
      return generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey.export({
        type: 'pkcs1',
        format: 'pem',
      }) as string;
    case 'ecdsa':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
        type: 'sec1',
        format: 'pem',
      }) as string;
    case 'ed25519':
      return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    case 'dsa':
      throw new FuncError('dsa keys are not supported by Spokes');
  }
  return `Unknown type ${type}`;
}

const str = (v: GoValue): string => v as string;

export const CRYPTO_FUNCS: Record<string, GoFunc> = {
  derivePassword: fn(['uint32', 'string', 'string', 'string', 'string'], ([c, t, p, u, s]) =>
    derivePassword({
      counter: Number((c as GoInt).value),
      type: str(t),
      password: str(p),
      user: str(u),
      site: str(s),
    }),
  ),
  encryptAES: fn(['string', 'string'], ([p, t]) => encryptAES(str(p), str(t))),
  decryptAES: fn(['string', 'string'], ([p, c]) => decryptAES(str(p), str(c))),
  randBytes: fn(['int'], ([n]) => randomBytes(Number((n as GoInt).value)).toString('base64')),
  genPrivateKey: fn(['string'], ([t]) => genPrivateKey(str(t))),
};

/** sprig functions Spokes does not implement, with why (a parse error names them). */
export const UNSUPPORTED_FUNCS: Readonly<Record<string, string>> = {
  bcrypt: 'bcrypt hashing is not available in Spokes',
  htpasswd: 'bcrypt hashing is not available in Spokes',
  buildCustomCert: 'certificate functions are not available in Spokes',
  genCA: 'certificate functions are not available in Spokes',
  genCAWithKey: 'certificate functions are not available in Spokes',
  genSelfSignedCert: 'certificate functions are not available in Spokes',
  genSelfSignedCertWithKey: 'certificate functions are not available in Spokes',
  genSignedCert: 'certificate functions are not available in Spokes',
  genSignedCertWithKey: 'certificate functions are not available in Spokes',
};
