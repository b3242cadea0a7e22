import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { helperVars } from '../helpers.ts';
import { compileExpr, ExprRuntimeError, ExprSyntaxError, formatV } from './index.ts';

import { CASES, NOW, RUNTIME_ERRORS, SYNTAX_ERRORS } from '../../../test/oracle/expr/cases.ts';

const env = (obj: unknown): Record<string, unknown> => ({ app: obj, ...helperVars(() => NOW) });

describe('the trigger expression language', () => {
  for (const [source, obj, expected] of CASES) {
    test(source, () => {
      assert.equal(formatV(compileExpr(source).run(env(obj))), expected);
    });
  }
});

describe('runtime errors name the cause, as expr does', () => {
  for (const [source, obj, message] of RUNTIME_ERRORS) {
    test(source, () => {
      assert.throws(
        () => compileExpr(source).run(env(obj)),
        (err) => {
          assert.ok(err instanceof ExprRuntimeError, String(err));
          assert.match(err.message, message);
          return true;
        },
      );
    });
  }
});

describe('syntax errors say where', () => {
  for (const [source, message] of SYNTAX_ERRORS) {
    test(source, () => {
      assert.throws(
        () => compileExpr(source),
        (err) => {
          assert.ok(err instanceof ExprSyntaxError, String(err));
          assert.match(err.message, message);
          return true;
        },
      );
    });
  }
});
