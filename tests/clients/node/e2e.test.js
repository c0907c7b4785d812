'use strict';
// End-to-end test of clients/node against the real switchboard binary.
// Run: SWITCHBOARD_BIN=... FIXTURES_DIR=... node --test e2e.test.js

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');

const { Subscription, grpc } = require('../../../clients/node');
const { SwitchboardServer } = require('./switchboard_server');

const BINARY = process.env.SWITCHBOARD_BIN;
const FIXTURES = process.env.FIXTURES_DIR;
const WAIT_MS = 10000; // for any one expected event

/** The webhook document of fixtures/NAME.json, with `data` keys overridden. */
function fixture(name, data = {}) {
  const doc = JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
  Object.assign(doc.data, data);
  return doc;
}

/** Iterates a Subscription in the background; events (or the error) are queued. */
class Consumer {
  constructor(subscription) {
    this.subscription = subscription;
    this.items = [];
    this.waiters = [];
    this.done = (async () => {
      try {
        for await (const event of subscription) this.#push(event);
      } catch (error) {
        this.#push(error);
      }
    })();
  }

  #push(item) {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  async next(timeoutMs = WAIT_MS) {
    const item = this.items.length ? this.items.shift() : await new Promise((resolve, reject) => {
      const waiter = (value) => {
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no event within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
    if (item instanceof Error) throw item;
    return item;
  }

  async assertNoMore() {
    await assert.rejects(this.next(300), /no event within/);
  }

  async close() {
    this.subscription.close();
    await this.done;
  }
}

/** The event is typed and every payload field equals the webhook's JSON. */
function assertEventMatches(event, doc, sequence) {
  assert.equal(event.sequence, String(sequence)); // uint64 as a decimal string
  assert.equal(event.type, doc.event);
  assert.match(event.id, /./);
  assert.ok(event.received_at);
  assert.equal(Number(event.occurred_at.seconds) * 1000 + event.occurred_at.nanos / 1e6,
    Date.parse(doc.timestamp));
  const field = doc.event.replace('.', '_');
  assert.equal(event.payload, field);
  const payload = event[field];
  for (const [key, value] of Object.entries(doc.data)) {
    if (value === null) assert.equal(payload[key], undefined, `${key} should be absent`);
    else if (typeof value === 'number') assert.equal(payload[key], String(value), key); // int64
    else assert.deepEqual(payload[key], value, key);
  }
}

test('filtered replay then live events arrive typed', async (t) => {
  const server = await SwitchboardServer.start(BINARY);
  t.after(() => server.stop());
  assert.equal(await server.post(fixture('call.completed')), 1);
  assert.equal(await server.post(fixture('sms.received')), 2);
  assert.equal(await server.post(fixture('call.missed')), 3);

  const consumer = new Consumer(new Subscription(server.grpcAddr,
    { eventTypes: ['call.*'], afterSequence: 0 }));
  t.after(() => consumer.close());
  assertEventMatches(await consumer.next(), fixture('call.completed'), 1);
  assertEventMatches(await consumer.next(), fixture('call.missed'), 3); // sms.received filtered out
  assert.equal(await server.post(fixture('call.answered')), 4);
  assertEventMatches(await consumer.next(), fixture('call.answered'), 4); // live
  assert.equal(consumer.subscription.lastSequence, '4');
  await consumer.assertNoMore();
});

test('resumes after a server restart without gap or duplicate', async (t) => {
  const first = await SwitchboardServer.start(BINARY);
  t.after(() => first.stop());
  await first.post(fixture('call.completed'));
  await first.post(fixture('call.missed'));

  // The reconnect waits until the second server holds the events to resume into.
  let populated;
  const secondPopulated = new Promise((resolve) => { populated = resolve; });
  const delays = [];
  const sleep = async (ms) => {
    delays.push(ms);
    await secondPopulated;
    await new Promise((resolve) => setTimeout(resolve, ms));
  };
  const consumer = new Consumer(new Subscription(first.grpcAddr, {
    eventTypes: ['call.*'], afterSequence: 0, initialBackoffMs: 50, maxBackoffMs: 200, sleep,
  }));
  t.after(() => consumer.close());
  assertEventMatches(await consumer.next(), fixture('call.completed'), 1);
  assertEventMatches(await consumer.next(), fixture('call.missed'), 2);

  assert.equal(await first.stop(), 0); // ends the stream with UNAVAILABLE
  const second = await SwitchboardServer.start(BINARY, first.grpcPort);
  t.after(() => second.stop());
  // Sequences 1 and 2 again: a resume from the start would deliver them twice.
  await second.post(fixture('call.completed'));
  await second.post(fixture('call.missed'));
  // Stored before the client is back: a live tail would miss it.
  assert.equal(await second.post(fixture('call.answered')), 3);
  populated();

  assertEventMatches(await consumer.next(), fixture('call.answered'), 3);
  // The server keeps one event per distinct webhook: change the content.
  const live = fixture('call.completed', { call_id: 'call_live_after_resume' });
  assert.equal(await second.post(live), 4);
  assertEventMatches(await consumer.next(), live, 4);
  await consumer.assertNoMore();
  assert.ok(consumer.subscription.reconnects >= 1);
  assert.ok(delays.length > 0 && delays.every((ms) => ms > 0 && ms <= 200), String(delays));
});

test('an official call.completed arrives with nested fields', async (t) => {
  const server = await SwitchboardServer.start(BINARY);
  t.after(() => server.stop());
  const sent = fs.readFileSync(path.join(FIXTURES, 'v2.1', 'call.completed.json'), 'utf8');
  const official = JSON.parse(sent);
  const { data } = official;
  assert.equal(await server.post(sent), 1); // the file's text, as JustCall sends it
  assert.equal(await server.post(fixture('call.completed')), 2); // the flat shape still works

  const consumer = new Consumer(new Subscription(server.grpcAddr,
    { eventTypes: ['call.completed'], afterSequence: 0 }));
  t.after(() => consumer.close());
  const event = await consumer.next();
  assert.equal(event.sequence, '1');
  assert.equal(event.type, 'call.completed');
  assert.equal(event.id, official.request_id);
  assert.equal(event.webhook_url, official.webhook_url);
  assert.equal(event.url_id, official.url_id);
  assert.equal(event.occurred_at, null); // the v2.1 envelope has no timestamp
  assert.deepEqual(event.schema_mismatches, []);
  assert.deepEqual(event.envelope_extras, {});
  assert.deepEqual(JSON.parse(event.data_json), data);
  assert.ok(sent.includes(event.data_json), 'data_json is the data object\'s text, byte for byte');

  assert.equal(event.payload, 'call_completed');
  const { call } = event.call_completed;
  assert.ok(call, 'call_completed.call is set');
  assert.equal(call.id, String(data.id)); // int64 as a decimal string
  assert.equal(call.call_sid, data.call_sid);
  assert.equal(call.contact_number, data.contact_number);
  assert.equal(call.agent_id, String(data.agent_id));
  assert.equal(call.agent_name, data.agent_name);
  assert.equal(call.cost_incurred, data.cost_incurred);
  assert.equal(call.call_info.direction, 'Incoming');
  assert.equal(call.call_info.type, data.call_info.type);
  assert.equal(call.call_info.recording, data.call_info.recording);
  assert.equal(call.call_duration.total_duration, String(data.call_duration.total_duration));
  assert.equal(call.call_duration.friendly_duration, data.call_duration.friendly_duration);
  assert.ok(call.called_at, 'call.called_at is set');
  assert.equal(new Date(Number(call.called_at.seconds) * 1000 + call.called_at.nanos / 1e6).toISOString(),
    '2025-06-10T14:05:12.000Z');

  const flat = await consumer.next();
  assertEventMatches(flat, fixture('call.completed'), 2);
  assert.deepEqual(JSON.parse(flat.data_json), fixture('call.completed').data);
  assert.deepEqual(flat.schema_mismatches, []);
  await consumer.assertNoMore();
});

test('a non-retryable error is thrown, not retried', async (t) => {
  const server = await SwitchboardServer.start(BINARY);
  t.after(() => server.stop());
  const consumer = new Consumer(new Subscription(server.grpcAddr, { eventTypes: ['Not A Pattern'] }));
  t.after(() => consumer.close());
  await assert.rejects(consumer.next(), (error) => error.code === grpc.status.INVALID_ARGUMENT);
  assert.equal(consumer.subscription.reconnects, 0);
});
