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

test('a non-retryable error is thrown, not retried', async (t) => {
  const server = await SwitchboardServer.start(BINARY);
  t.after(() => server.stop());
  const consumer = new Consumer(new Subscription(server.grpcAddr, { eventTypes: ['Not A Pattern'] }));
  t.after(() => consumer.close());
  await assert.rejects(consumer.next(), (error) => error.code === grpc.status.INVALID_ARGUMENT);
  assert.equal(consumer.subscription.reconnects, 0);
});
