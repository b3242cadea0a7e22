/**
 * sprig v3's generic function map, as Argo CD exposes it (without env, expandenv and
 * getHostByName).
 */
import type { GoFunc } from '../funcs.ts';
import { COLLECTION_FUNCS } from './collections.ts';
import { CRYPTO_FUNCS } from './crypto.ts';
import { DATE_FUNCS } from './dates.ts';
import { DEFAULT_FUNCS } from './defaults.ts';
import { ENCODING_FUNCS } from './encoding.ts';
import { MATH_FUNCS } from './math.ts';
import { PATH_FUNCS } from './paths.ts';
import { REFLECT_FUNCS } from './reflect.ts';
import { REGEX_FUNCS } from './regex.ts';
import { SEMVER_FUNCS } from './semver.ts';
import { STRING_FUNCS } from './strings.ts';
import { URL_FUNCS } from './urls.ts';

export const SPRIG_FUNCS: Readonly<Record<string, GoFunc>> = {
  ...STRING_FUNCS,
  ...COLLECTION_FUNCS,
  ...DEFAULT_FUNCS,
  ...MATH_FUNCS,
  ...ENCODING_FUNCS,
  ...PATH_FUNCS,
  ...REFLECT_FUNCS,
  ...REGEX_FUNCS,
  ...DATE_FUNCS,
  ...SEMVER_FUNCS,
  ...URL_FUNCS,
  ...CRYPTO_FUNCS,
};

export { UNSUPPORTED_FUNCS } from './crypto.ts';
