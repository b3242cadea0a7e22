import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { pointAtVendor } from './assets.ts';
import { cookies, isSameOrigin } from './http.ts';

const request = (headers: Record<string, string>): IncomingMessage =>
  ({ headers: { host: 'dash:8081', ...headers } }) as never;

describe('dashboard HTTP checks', () => {
  const origins: [string, Record<string, string>, boolean][] = [
    [
      'same origin (fetch metadata and Origin)',
      { 'sec-fetch-site': 'same-origin', origin: 'http://dash:8081' },
      true,
    ],
    ['same origin, no Origin header', { 'sec-fetch-site': 'same-origin' }, true],
    ['cross-site fetch metadata', { 'sec-fetch-site': 'cross-site', origin: 'http://dash:8081' }, false],
    ['same-site but another origin', { 'sec-fetch-site': 'same-site' }, false],
    ['another Origin', { origin: 'https://evil.example' }, false],
    ['an Origin on another port', { origin: 'http://dash:9999' }, false],
    ['a malformed Origin', { origin: 'not a url' }, false],
    ['neither header (not a browser page of ours)', {}, false],
  ];
  for (const [name, headers, want] of origins) {
    test(`isSameOrigin: ${name}`, () => assert.equal(isSameOrigin(request(headers)), want));
  }

  test('cookies are parsed by name', () => {
    const jar = cookies(request({ cookie: 'a=1; spokes_session=abc=; b=2' }));
    assert.equal(jar.get('spokes_session'), 'abc=');
    assert.equal(jar.get('b'), '2');
  });

  test('bare module names point at the vendored files', () => {
    assert.equal(
      pointAtVendor(
        `import { h } from 'preact';\nimport htm from "htm";\nimport{x}from"preact/hooks";import './x.js';`,
      ),
      `import { h } from '/vendor/preact.mjs';\nimport htm from "/vendor/htm.mjs";\nimport{x}from"/vendor/preact-hooks.mjs";import './x.js';`,
    );
  });
});
