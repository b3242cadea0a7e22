/**
 * Go's path (and, on Linux, path/filepath) functions: base, dir, clean, ext, isAbs and their
 * os- twins.
 */
import { fn, type GoFunc } from '../funcs.ts';

/** path.Clean: the shortest equivalent path by lexical processing. */
export function clean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

export function base(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export function dir(p: string): string {
  return clean(p.slice(0, p.lastIndexOf('/') + 1));
}

export function ext(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

const pathFn = (f: (s: string) => string | boolean): GoFunc => fn(['string'], ([s]) => f(s as string));
const isAbs = (p: string): boolean => p.startsWith('/');

export const PATH_FUNCS: Record<string, GoFunc> = {
  base: pathFn(base),
  dir: pathFn(dir),
  clean: pathFn(clean),
  ext: pathFn(ext),
  isAbs: pathFn(isAbs),
  osBase: pathFn(base),
  osClean: pathFn(clean),
  osDir: pathFn(dir),
  osExt: pathFn(ext),
  osIsAbs: pathFn(isAbs),
};
