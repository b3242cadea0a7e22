import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startReceiver, type Receiver } from '../../../test/support/receiver.ts';
import { backoffMs, DEFAULT_RETRY, durationMs } from './http.ts';
import { buildService } from './index.ts';

let receiver: Receiver;
before(async () => (receiver = await startReceiver()));
after(() => receiver.close());

const FAST = { retryWaitMin: '5ms', retryWaitMax: '20ms' };
const dest = (service: string, recipient = '') => ({ service, recipient });

describe('webhook service against a real HTTP server', () => {
  test('POSTs the template body to url + path with headers and basic auth', async () => {
    const service = buildService('webhook', {
      url: `${receiver.url}/hooks/`,
      headers: [
        { name: 'Content-Type', value: 'application/json' },
        { name: 'X-Token', value: 's3cret' },
      ],
      basicAuth: { username: 'u', password: 'p' },
    });
    await service.send(
      { message: 'plain', webhook: { mine: { method: 'POST', path: '/apps/guestbook', body: '{"a":1}' } } },
      dest('mine'),
    );
    const [req] = receiver.received('/hooks/apps/guestbook');
    assert.equal(req?.method, 'POST');
    assert.equal(req?.body, '{"a":1}');
    assert.equal(req?.headers['x-token'], 's3cret');
    assert.equal(req?.headers['content-type'], 'application/json');
    assert.equal(req?.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  test('without a block for its name it sends the message with GET, as Argo CD', async () => {
    const service = buildService('webhook', { url: `${receiver.url}/plain` });
    await service.send(
      { message: 'hello', webhook: { other: { method: 'POST', path: '', body: 'x' } } },
      dest('mine'),
    );
    const [req] = receiver.received('/plain');
    assert.equal(req?.method, 'GET');
    assert.equal(req?.body, 'hello');
  });

  test('500 twice then 200: delivered on the third attempt', async () => {
    receiver.script('/flaky', [500, 502]);
    const service = buildService('webhook', { url: `${receiver.url}/flaky`, ...FAST });
    await service.send({ message: '', webhook: { w: { method: 'POST', path: '', body: 'b' } } }, dest('w'));
    assert.deepEqual(
      receiver.received('/flaky').map((r) => r.status),
      [500, 502, 200],
    );
  });

  test('a 4xx is final; a 5xx after every retry is a failure naming the status', async () => {
    receiver.script('/bad', [400]);
    const service = buildService('webhook', { url: `${receiver.url}/bad`, ...FAST });
    await assert.rejects(service.send({ message: '' }, dest('w')), /failed with error code 400/);
    assert.equal(receiver.received('/bad').length, 1);
    receiver.always('/down', { status: 503 });
    const down = buildService('webhook', { url: `${receiver.url}/down`, ...FAST, retryMax: 2 });
    await assert.rejects(down.send({ message: '' }, dest('w')), /error code 503/);
    assert.equal(receiver.received('/down').length, 3);
  });

  test('an unreachable URL fails after the retries', async () => {
    const service = buildService('webhook', { url: 'http://127.0.0.1:1/x', ...FAST, retryMax: 1 });
    await assert.rejects(service.send({ message: '' }, dest('w')), /giving up after 2 attempt\(s\)/);
  });
});

describe('slack service', () => {
  test('bot token: chat.postMessage with the Bearer token, channel, attachments and blocks', async () => {
    receiver.always('/api/chat.postMessage', { status: 200, body: '{"ok":true,"ts":"1.1"}' });
    const service = buildService('slack', {
      token: 'xoxb-123',
      apiURL: `${receiver.url}/api/`,
      icon: ':rocket:',
    });
    await service.send(
      {
        message: 'deployed',
        slack: {
          username: 'argo',
          icon: '',
          attachments: '[{"title":"guestbook","color":"#18be52"}]',
          blocks: '',
          groupingKey: '',
          notifyBroadcast: false,
          deliveryPolicy: 'Post',
        },
      },
      dest('slack', 'deploys'),
    );
    const [req] = receiver.received('/api/chat.postMessage');
    assert.equal(req?.headers.authorization, 'Bearer xoxb-123');
    const form = new URLSearchParams(req?.body);
    assert.equal(form.get('channel'), 'deploys');
    assert.equal(form.get('text'), 'deployed');
    assert.equal(form.get('username'), 'argo');
    assert.equal(form.get('icon_emoji'), ':rocket:');
    assert.deepEqual(JSON.parse(form.get('attachments')!), [{ title: 'guestbook', color: '#18be52' }]);
    assert.deepEqual(JSON.parse(form.get('blocks')!), []);
  });

  test("grouping key: later messages go to the first one's thread", async () => {
    receiver.always('/threads/chat.postMessage', { status: 200, body: '{"ok":true,"ts":"42.0"}' });
    const service = buildService('slack', { token: 't', apiURL: `${receiver.url}/threads` });
    const slack = {
      username: '',
      icon: '',
      attachments: '',
      blocks: '',
      groupingKey: 'guestbook-abc',
      notifyBroadcast: false,
      deliveryPolicy: 'Post',
    };
    await service.send({ message: 'one', slack }, dest('slack', 'c'));
    await service.send({ message: 'two', slack }, dest('slack', 'c'));
    const [first, second] = receiver.received('/threads/').map((r) => new URLSearchParams(r.body));
    assert.equal(first?.get('thread_ts'), null);
    assert.equal(second?.get('thread_ts'), '42.0');
  });

  test('{"ok": false} is a failure; 429 waits for Retry-After', async () => {
    receiver.always('/nope/chat.postMessage', {
      status: 200,
      body: '{"ok":false,"error":"channel_not_found"}',
    });
    const nope = buildService('slack', { token: 't', apiURL: `${receiver.url}/nope/` });
    await assert.rejects(nope.send({ message: 'x' }, dest('slack', 'c')), /channel_not_found/);
    receiver.script('/limited/', [{ status: 429, headers: { 'retry-after': '0' } }]);
    receiver.always('/limited/', { status: 200, body: '{"ok":true}' });
    const limited = buildService('slack', { token: 't', apiURL: `${receiver.url}/limited/` });
    await limited.send({ message: 'x' }, dest('slack', 'c'));
    assert.deepEqual(
      receiver.received('/limited/').map((r) => r.status),
      [429, 200],
    );
  });

  test('incoming webhook: the message as JSON to webhookURL', async () => {
    const service = buildService('slack', { webhookURL: `${receiver.url}/incoming/T0/B0/xyz` });
    await service.send({ message: 'hi' }, dest('slack', ''));
    const [req] = receiver.received('/incoming/');
    assert.equal(req?.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(req.body), { text: 'hi' });
  });
});

describe('service options', () => {
  const cases: [string, string, unknown, RegExp][] = [
    [
      'unknown type',
      'email',
      {},
      /service type "email" is not supported by Spokes \(supported: webhook, slack\)/,
    ],
    ['webhook without url', 'webhook', {}, /url: Invalid input/],
    ['slack without token or webhookURL', 'slack', {}, /set token .* or webhookURL/],
    ['a bad duration', 'webhook', { url: 'http://x', retryWaitMin: 'soon' }, /expected a duration/],
  ];
  for (const [name, type, options, message] of cases) {
    test(name, () => assert.throws(() => buildService(type, options), message));
  }

  test('retry waits double from retryWaitMin up to retryWaitMax; Retry-After wins on 429/503', () => {
    assert.deepEqual(
      [0, 1, 2, 3].map((n) => backoffMs(DEFAULT_RETRY, n)),
      [1000, 2000, 4000, 5000],
    );
    assert.equal(
      backoffMs(DEFAULT_RETRY, 0, { status: 503, headers: { 'retry-after': '3' }, body: '' }),
      3000,
    );
    assert.equal(durationMs(2_000_000_000, 0), 2000, 'nanoseconds, as time.Duration reads JSON');
    assert.equal(durationMs('1.5s', 0), 1500);
  });
});
