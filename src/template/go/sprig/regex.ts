/**
 * sprig's regular expressions (Go RE2 syntax): regexMatch, regexFind, regexFindAll,
 * regexReplaceAll, regexReplaceAllLiteral, regexSplit, regexQuoteMeta and the must- variants.
 * The plain variants panic on a bad pattern (an error through the template); must- variants
 * return the compile error itself.
 */
import { FuncError, fn, type GoFunc } from '../funcs.ts';
import { GoRegexp, RegexpSyntaxError, quoteMeta } from '../regexp.ts';
import { canBackquote, quote } from '../strconv.ts';
import { typed, type GoInt, type GoValue } from '../value.ts';

const cache = new Map<string, GoRegexp | RegexpSyntaxError>();

function compileCached(expr: string): GoRegexp | RegexpSyntaxError {
  let re = cache.get(expr);
  if (re === undefined) {
    try {
      re = new GoRegexp(expr);
    } catch (err) {
      if (!(err instanceof RegexpSyntaxError)) throw err;
      re = err;
    }
    cache.set(expr, re);
  }
  return re;
}

/** regexp.Compile: the error as returned. */
function compile(expr: string): GoRegexp {
  const re = compileCached(expr);
  if (re instanceof RegexpSyntaxError) throw new FuncError(re.message);
  return re;
}

/** regexp.MustCompile: the panic text. */
function mustCompile(expr: string): GoRegexp {
  const re = compileCached(expr);
  if (re instanceof RegexpSyntaxError) {
    const shown = canBackquote(expr) ? '`' + expr + '`' : quote(expr);
    throw new FuncError(`regexp: Compile(${shown}): ${re.message}`);
  }
  return re;
}

const s = (v: GoValue): string => v as string;
const n = (v: GoValue): number => Number((v as GoInt).value);
const strings = (list: string[]): GoValue => typed(list, 'string');

function variants(params: string[], body: (re: GoRegexp, args: GoValue[]) => GoValue): [GoFunc, GoFunc] {
  return [
    fn(params, ([expr, ...rest]) => body(mustCompile(s(expr)), rest)),
    fn(params, ([expr, ...rest]) => body(compile(s(expr)), rest)),
  ];
}

const [regexFindAll, mustRegexFindAll] = variants(['string', 'string', 'int'], (re, [str, count]) =>
  strings(re.findAll(s(str), n(count)).map((m) => m[0])),
);
const [regexFind, mustRegexFind] = variants(['string', 'string'], (re, [str]) => re.findString(s(str)));
const [regexReplaceAll, mustRegexReplaceAll] = variants(['string', 'string', 'string'], (re, [str, repl]) =>
  re.replaceAll(s(str), s(repl), false),
);
const [regexReplaceAllLiteral, mustRegexReplaceAllLiteral] = variants(
  ['string', 'string', 'string'],
  (re, [str, repl]) => re.replaceAll(s(str), s(repl), true),
);
const [regexSplit, mustRegexSplit] = variants(['string', 'string', 'int'], (re, [str, count]) =>
  strings(re.split(s(str), n(count))),
);

export const REGEX_FUNCS: Record<string, GoFunc> = {
  regexMatch: fn(['string', 'string'], ([expr, str]) => {
    const re = compileCached(s(expr));
    return re instanceof GoRegexp && re.test(s(str));
  }),
  mustRegexMatch: fn(['string', 'string'], ([expr, str]) => compile(s(expr)).test(s(str))),
  regexFindAll,
  mustRegexFindAll,
  regexFind,
  mustRegexFind,
  regexReplaceAll,
  mustRegexReplaceAll,
  regexReplaceAllLiteral,
  mustRegexReplaceAllLiteral,
  regexSplit,
  mustRegexSplit,
  regexQuoteMeta: fn(['string'], ([str]) => quoteMeta(s(str))),
};
