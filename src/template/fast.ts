/**
 * Argo CD's default template mode (valyala/fasttemplate with `{{` `}}`): a tag is everything
 * between `{{` and the next `}}`; its trimmed text is looked up in the flat params, and only a
 * string value replaces it. Anything else (unknown key, non-string value, empty tag) is written
 * back exactly as it stood, so `{{ unknown }}` survives rendering.
 */
import type { Params } from '../params.ts';

/** A compiled string: literal text and tag names alternate, starting and ending with text. */
export type FastTemplate = (params: Params) => string;

const OPEN = '{{';
const CLOSE = '}}';

/**
 * Argo renders a string only when one of its lines holds `{{` followed by `}}` (its regexp
 * `.*{{.*}}.*`, where `.` stops at newlines); other strings pass through untouched.
 */
export function hasFastTags(text: string): boolean {
  let open = text.indexOf(OPEN);
  while (open !== -1) {
    const close = text.indexOf(CLOSE, open + OPEN.length);
    if (close === -1) return false;
    const newline = text.indexOf('\n', open);
    if (newline === -1 || newline > close) return true;
    open = text.indexOf(OPEN, newline);
  }
  return false;
}

/** Compiles `text` once; returns null when it has nothing to substitute. */
export function compileFast(text: string): FastTemplate | null {
  if (!hasFastTags(text)) return null;
  const literals: string[] = [];
  const tags: string[] = [];
  let rest = text;
  for (;;) {
    const open = rest.indexOf(OPEN);
    if (open === -1) break;
    const close = rest.indexOf(CLOSE, open + OPEN.length);
    if (close === -1) break;
    literals.push(rest.slice(0, open));
    tags.push(rest.slice(open + OPEN.length, close));
    rest = rest.slice(close + CLOSE.length);
  }
  literals.push(rest);
  const keys = tags.map((tag) => tag.trim());
  return (params) => {
    let out = literals[0]!;
    for (let i = 0; i < tags.length; i++) {
      const value = keys[i] === '' ? undefined : params[keys[i]!];
      out += typeof value === 'string' ? value : `${OPEN}${tags[i]!}${CLOSE}`;
      out += literals[i + 1]!;
    }
    return out;
  };
}

/** Renders one string in fasttemplate mode. */
export function renderFast(text: string, params: Params): string {
  const compiled = compileFast(text);
  return compiled === null ? text : compiled(params);
}
