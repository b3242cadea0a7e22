/**
 * The functions Argo CD adds to sprig's: normalize, slugify, toYaml, fromYaml, fromYamlArray.
 */
import { sanitizeName } from '../sanitize.ts';
import { FuncError, fn, variadic, type GoFunc } from './funcs.ts';
import { byteSlice } from './gostrings.ts';
import { fromYaml, fromYamlArray, toYaml } from './goyaml.ts';
import { ANY, GoInt, typeName, type GoValue } from './value.ts';

function assertion(v: GoValue, want: string): FuncError {
  const got = v === null || v === undefined ? 'nil' : typeName(v);
  return new FuncError(`interface conversion: interface {} is ${got}, not ${want}`);
}

/** gosimple/slug's Make on an already-normalized name, with its MaxLength and smart truncation. */
function makeSlug(name: string, maxLength: number, smart: boolean): string {
  let slug = name;
  if (!smart && slug.length >= maxLength) slug = byteSlice(slug, 0, maxLength);
  slug = slug
    .replace(/[^a-zA-Z0-9\-_]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  if (maxLength > 0 && smart && slug.length > maxLength) {
    for (let i = maxLength; i >= 0; i--) if (slug[i] === '-') return slug.slice(0, i);
    return slug.slice(0, maxLength);
  }
  return slug;
}

/** slugify [maxSize=50] [smartTruncate=true] name. */
function slugify(args: GoValue[]): string {
  let maxSize = 50;
  let smart = true;
  let name = '';
  args.forEach((arg, i) => {
    if (i === args.length - 1) {
      if (typeof arg !== 'string') throw assertion(arg, 'string');
      name = arg;
    } else if (i === 0) {
      if (!(arg instanceof GoInt) || arg.kind !== 'int') throw assertion(arg, 'int');
      maxSize = arg.toNumber();
    } else if (i === 1) {
      if (typeof arg !== 'boolean') throw assertion(arg, 'bool');
      smart = arg;
    }
  });
  return makeSlug(sanitizeName(name), maxSize, smart);
}

export const ARGO_EXTRA_FUNCS: Record<string, GoFunc> = {
  normalize: fn(['string'], ([s]) => sanitizeName(s as string)),
  slugify: variadic([], ANY, slugify),
  toYaml: fn([ANY], ([v]) => toYaml(v)),
  fromYaml: fn(['string'], ([s]) => fromYaml(s as string)),
  fromYamlArray: fn(['string'], ([s]) => fromYamlArray(s as string)),
};
