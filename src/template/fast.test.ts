import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderFast } from './fast.ts';

describe('fasttemplate rendering', () => {
  const params = { name: 'web', 'values.tier': 'prod', 'path[0]': 'apps', replicas: 3 as unknown };
  const rows: [string, string, string][] = [
    ['a known key', '{{name}}-app', 'web-app'],
    ['spaces inside the tag are trimmed for lookup', '{{ name }}', 'web'],
    ['dotted and indexed keys are plain keys', '{{values.tier}}/{{path[0]}}', 'prod/apps'],
    ['an unknown key is written back exactly', 'x-{{ nope }}-y', 'x-{{ nope }}-y'],
    ['a non-string value is written back', '{{replicas}}', '{{replicas}}'],
    ['an empty tag is written back', '{{}}{{ }}', '{{}}{{ }}'],
    ['an unclosed tag stays', 'a {{name', 'a {{name'],
    ['a tag ends at the first }}', '{{name}}}}', 'web}}'],
    ['tags side by side', '{{name}}{{name}}', 'webweb'],
    ['{{ and }} on different lines are not a tag (Argo checks per line)', '{{name\n}}', '{{name\n}}'],
    ['a tag spans from the first {{ to the next }}', 'a {{\n{{name}}', 'a {{\n{{name}}'],
    ['a tag on a later line renders', 'a }}\n{{name}}', 'a }}\nweb'],
    ['text without tags is unchanged', 'plain', 'plain'],
  ];
  for (const [name, input, expected] of rows) {
    test(name, () => assert.equal(renderFast(input, params), expected));
  }
});
