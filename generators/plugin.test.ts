import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appSetYaml, spokesError } from '../test/support/expand.ts';
import { expandWith, memoryPlugin } from '../test/support/external.ts';

const SPEC = `  - plugin:
      configMapRef: {name: my-plugin}
      input: {parameters: {env: prod, list: [1, 2]}}
      values: {greeting: 'hi {{name}}'}`;

describe('plugin generator', () => {
  test('sends the ApplicationSet name and input; one Application per answered param set', async () => {
    const plugin = memoryPlugin({ output: { parameters: [{ name: 'a' }, { name: 'b', extra: { x: 1 } }] } });
    const apps = await expandWith(
      appSetYaml(SPEC).replace("path: '{{name}}'", "path: '{{values.greeting}}/{{extra.x}}'"),
      { plugins: plugin },
    );
    assert.deepEqual(plugin.calls, [
      {
        name: 'my-plugin',
        request: { applicationSetName: 'test', input: { parameters: { env: 'prod', list: [1, 2] } } },
      },
    ]);
    assert.deepEqual(
      apps.map((a) => [a.metadata.name, (a.spec.source as { path: string }).path]),
      [
        ['a', 'hi a/{{extra.x}}'],
        ['b', 'hi b/1'],
      ],
    );
  });

  test('no input parameters: an empty input object', async () => {
    const plugin = memoryPlugin({ output: { parameters: [] } });
    await expandWith(appSetYaml('  - plugin: {configMapRef: {name: p}}'), { plugins: plugin });
    assert.deepEqual(plugin.calls[0]?.request, { applicationSetName: 'test', input: {} });
  });

  const empty = [
    { name: 'an empty body', answer: undefined },
    { name: 'no output', answer: {} },
    { name: 'no parameters', answer: { output: {} } },
  ];
  for (const row of empty) {
    test(`${row.name}: no Applications, as Argo CD reads it`, async () => {
      assert.deepEqual(await expandWith(appSetYaml(SPEC), { plugins: memoryPlugin(row.answer) }), []);
    });
  }

  const failures = [
    { name: 'an answer that is a list', answer: [], text: /answered a list; expected \{"output"/ },
    {
      name: 'parameters that are not a list',
      answer: { output: { parameters: { a: 1 } } },
      text: /output\.parameters: a map; expected a list/,
    },
    {
      name: 'a param set that is not a map',
      answer: { output: { parameters: ['x'] } },
      text: /output\.parameters\[0\]: string "x"/,
    },
  ];
  for (const row of failures) {
    test(`fails: ${row.name}`, async () => {
      const err = await spokesError(expandWith(appSetYaml(SPEC), { plugins: memoryPlugin(row.answer) }));
      assert.equal(err.code, 'PluginFailed');
      assert.match(err.message, row.text);
    });
  }

  test('offline without --plugin: a clear error naming the flag', async () => {
    const err = await spokesError(expandWith(appSetYaml(SPEC), {}));
    assert.equal(err.code, 'SourceUnavailable');
    assert.match(err.message, /--plugin my-plugin=URL/);
  });
});
