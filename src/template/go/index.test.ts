import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpokesError } from '../../errors.ts';
import { GoExecError, GoParseError } from './errors.ts';
import { MAX_EXEC_DEPTH } from './exec.ts';
import { compileGoTemplate, goStringCompiler } from './index.ts';

describe('compileGoTemplate', () => {
  test('compiles once and renders any number of data values', () => {
    const render = compileGoTemplate('{{ .name | upper }}-{{ .n }}');
    assert.equal(render({ name: 'a', n: 1 }), 'A-1');
    assert.equal(render({ name: 'b', n: 2.5 }), 'B-2.5');
  });

  test('JSON numbers are float64, function results can be ints', () => {
    const render = compileGoTemplate(
      '{{ typeOf .n }} {{ typeOf (len .l) }} {{ typeOf (add 1 2) }} {{ .big }}',
    );
    assert.equal(render({ n: 3, l: [], big: 1234567 }), 'float64 int int64 1.234567e+06');
  });

  test('a parse error names line and column (Go counts columns in bytes from 0)', () => {
    assert.throws(
      () => compileGoTemplate('line one\n  {{ nope .x }}'),
      (err: unknown) =>
        err instanceof GoParseError &&
        err.line === 2 &&
        err.column === 5 &&
        err.message === '2:5: function "nope" not defined',
    );
  });

  test('an execution error names where and what, as Go does', () => {
    assert.throws(
      () => compileGoTemplate('{{ .a.b }}', { options: ['missingkey=error'] })({ a: {} }),
      (err: unknown) =>
        err instanceof GoExecError &&
        err.message === '1:5: executing at <.a.b>: map has no entry for key "b"' &&
        err.goMessage('x') === 'template: x:1:5: executing "x" at <.a.b>: map has no entry for key "b"',
    );
  });

  test('errors inside a defined template name it', () => {
    assert.throws(
      () => compileGoTemplate('{{ define "inner" }}{{ fail "boom" }}{{ end }}{{ template "inner" }}')({}),
      (err: unknown) =>
        err instanceof GoExecError &&
        /executing "inner" at <fail "boom">: error calling fail: boom/.test(err.message),
    );
  });

  test('sprig functions Spokes lacks are parse errors that say so', () => {
    for (const fn of ['bcrypt', 'htpasswd', 'genCA', 'genSelfSignedCert', 'buildCustomCert']) {
      assert.throws(
        () => compileGoTemplate(`{{ ${fn} "x" }}`),
        (err: unknown) =>
          err instanceof GoParseError && err.message.includes(`function "${fn}" not defined (`),
        fn,
      );
    }
  });

  test('functions Argo CD removes from sprig are not defined', () => {
    for (const fn of ['env', 'expandenv', 'getHostByName']) {
      assert.throws(
        () => compileGoTemplate(`{{ ${fn} "HOME" }}`),
        (err: unknown) => err instanceof GoParseError && err.reason === `function "${fn}" not defined`,
      );
    }
  });

  test('runaway template recursion stops with an error, not a stack overflow', () => {
    const render = compileGoTemplate('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}');
    assert.throws(
      () => render({}),
      (err: unknown) =>
        err instanceof GoExecError && err.reason === `exceeded maximum template depth (${MAX_EXEC_DEPTH})`,
    );
  });

  test('genPrivateKey rsa gives a PKCS#1 PEM key', () => {
    const pem = compileGoTemplate('{{ genPrivateKey "rsa" }}')({});
    assert.match(pem, /^-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END RSA PRIVATE KEY-----\n$/);
  });
});

describe('goStringCompiler (the renderer in goTemplate mode)', () => {
  test('strings without an action render to themselves', () => {
    const compile = goStringCompiler([]);
    assert.equal(compile('plain text with } and { braces'), null);
    assert.equal(compile('{{ .x }}')?.({ x: 'y' }), 'y');
  });

  test('parse errors are TemplateParse, execution errors TemplateExec', () => {
    const compile = goStringCompiler(['missingkey=error']);
    assert.throws(
      () => compile('{{ if }}'),
      (err: unknown) =>
        err instanceof SpokesError &&
        err.code === 'TemplateParse' &&
        err.detail === '1:6: missing value for if',
    );
    const render = compile('{{ .missing }}')!;
    assert.throws(
      () => render({}),
      (err: unknown) =>
        err instanceof SpokesError &&
        err.code === 'TemplateExec' &&
        /map has no entry for key "missing"/.test(err.detail),
    );
  });

  test('goTemplateOptions are checked once, with a clear error', () => {
    for (const bad of ['missingkey=sometimes', 'strict', '']) {
      assert.throws(
        () => goStringCompiler([bad]),
        (err: unknown) =>
          err instanceof SpokesError &&
          err.code === 'TemplateParse' &&
          err.detail.startsWith('goTemplateOptions: '),
        bad,
      );
    }
    assert.doesNotThrow(() =>
      goStringCompiler(['missingkey=default', 'missingkey=zero', 'missingkey=invalid']),
    );
  });
});
