'use strict';
// End-to-end test of clients/node against the real switchboard binary.
// Run: SWITCHBOARD_BIN=... FIXTURES_DIR=... node --test e2e.test.js

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');

const {
  Consumer: GroupConsumer, Subscription, createConsumerGroupClient, grpc,
} = require('../../../clients/node'); // Consumer below runs a Subscription
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

// Consumer groups (Consumer).

/** The official (v2.1) webhook fixtures/v2.1/call.completed.json with its own request_id. */
function official(requestId) {
  const doc = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'v2.1', 'call.completed.json'), 'utf8'));
  doc.request_id = requestId; // a distinct event each: the server stores one event per id
  return doc;
}

const range = (first, last) => Array.from({ length: last - first + 1 }, (_, i) => first + i);
const sleepMs = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

async function waitUntil(predicate, what, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleepMs(20);
  }
}

/** A ConsumerGroupService client; `call(name, request)` resolves to the answer. */
function adminOf(t, server) {
  const client = createConsumerGroupClient(server.grpcAddr);
  t.after(() => client.close());
  return (name, request) => new Promise((resolve, reject) => {
    client[name](request, (error, answer) => (error ? reject(error) : resolve(answer)));
  });
}

/**
 * Runs a Consumer in the background: records what its handler saw
 * ([sequence, attempt] as numbers), the acks the server confirmed, and how run() ended.
 */
class Member {
  constructor(t, address, group, options = {}, handler = undefined) {
    this.handled = [];
    this.acked = [];
    this.error = undefined;
    this.returned = false;
    this.consumer = new GroupConsumer(address, group, {
      ...options,
      onAckResult: (result) => this.acked.push(...result.acked.map(Number)),
    });
    this.done = this.consumer.run(async (event, attempt) => {
      this.handled.push([Number(event.sequence), attempt]);
      if (handler) await handler(event, attempt);
    }).catch((error) => {
      this.error = error;
    }).finally(() => {
      this.returned = true;
    });
    t.after(() => this.close());
  }

  sequences() {
    return this.handled.map(([sequence]) => sequence);
  }

  async close() {
    this.consumer.close();
    let timer;
    await Promise.race([this.done, new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error('Consumer.run did not return after close()')), 10000);
    })]).finally(() => clearTimeout(timer));
  }
}

test('consumer: three members share events exactly once', async (t) => {
  const server = await SwitchboardServer.start(BINARY);
  t.after(() => server.stop());
  const admin = adminOf(t, server);
  const members = [0, 1, 2].map(() => new Member(t, server.grpcAddr, 'billing',
    { eventTypes: ['call.completed'], fromOldest: true }));
  await waitUntil(() => members.every((m) => m.consumer.joined), 'three members joined');
  assert.equal((await admin('GetGroup', { group: 'billing' })).group.members.length, 3);
  const sent = await server.postMany(range(1, 3000).map((i) => official(`share-${i}`)));
  assert.deepEqual(sent, range(1, 3000));

  await waitUntil(() => members.reduce((n, m) => n + m.acked.length, 0) >= 3000,
    '3000 acks stored', 20000);
  const handled = members.flatMap((m) => m.sequences());
  assert.equal(handled.length, 3000); // each event once, by one member
  assert.deepEqual(handled.sort((a, b) => a - b), sent);
  assert.deepEqual(members.flatMap((m) => m.acked).sort((a, b) => a - b), sent);
  for (const m of members) {
    assert.ok(m.handled.length > 0, 'every member gets a share');
    assert.ok(m.handled.every(([, attempt]) => attempt === 1));
    assert.deepEqual(m.sequences(), [...m.sequences()].sort((a, b) => a - b)); // in order
    assert.equal(m.consumer.reconnects, 0);
  }
  const { group } = await admin('GetGroup', { group: 'billing' });
  assert.equal(group.acked_through, '3000');
  assert.equal(group.pending, '0');
  await sleepMs(300);
  assert.equal(members.reduce((n, m) => n + m.handled.length, 0), 3000); // nothing more
});

test('consumer: a failed event is nacked until it is a dead letter', async (t) => {
  const server = await SwitchboardServer.start(BINARY);
  t.after(() => server.stop());
  const admin = adminOf(t, server);
  const failures = [];
  const member = new Member(t, server.grpcAddr, 'flaky', {
    eventTypes: ['call.*'], fromOldest: true, maxDeliveryAttempts: 2,
    onHandlerError: (error, event) => failures.push([error.message, Number(event.sequence)]),
  }, async (event) => {
    if (event.sequence === '2') throw new Error('cannot handle this one');
  });
  // Until the member's join is processed, the group does not exist (ListDeadLetters: NOT_FOUND).
  await waitUntil(() => member.consumer.joined, 'the group created');
  assert.deepEqual(await server.postMany(range(1, 3).map((i) => official(`flaky-${i}`))), [1, 2, 3]);
  // The group's ack deadline is 30 s: attempt 2 this soon means a nack.
  await waitUntil(async () => (await admin('ListDeadLetters', { group: 'flaky' })).total === '1',
    'a dead letter');
  // Event 2 may die before event 3 arrives: its acks say event 3 was handled.
  await waitUntil(() => member.acked.length === 2, 'acks of 1 and 3');
  assert.deepEqual(member.handled.sort(), [[1, 1], [2, 1], [2, 2], [3, 1]]);
  assert.deepEqual(failures, [['cannot handle this one', 2], ['cannot handle this one', 2]]);
  const dead = await admin('ListDeadLetters', { group: 'flaky' });
  assert.equal(dead.dead_letters.length, 1);
  assert.equal(dead.dead_letters[0].sequence, '2');
  assert.equal(dead.dead_letters[0].type, 'call.completed');
  assert.equal(dead.dead_letters[0].delivery_attempts, 2);
  assert.deepEqual(member.acked.sort(), [1, 3]);
  const { group } = await admin('GetGroup', { group: 'flaky' });
  assert.deepEqual([group.pending, group.dead_letters, group.acked_through], ['0', '1', '3']);
});

test('consumer: without nacks a failed event waits for its ack deadline', async (t) => {
  const server = await SwitchboardServer.start(BINARY);
  t.after(() => server.stop());
  let failedAt;
  const member = new Member(t, server.grpcAddr, 'patient', {
    fromOldest: true, ackDeadlineMs: 1000, nackOnError: false,
  }, async (event, attempt) => {
    if (attempt === 1) {
      failedAt = Date.now();
      throw new Error('first attempt fails');
    }
  });
  await server.postMany([official('patient-1')]);
  await waitUntil(() => member.acked.length === 1, 'ack after the redelivery');
  assert.deepEqual(member.handled, [[1, 1], [1, 2]]);
  assert.equal(member.consumer.joined.ack_deadline.seconds, '1');
  assert.ok(Date.now() - failedAt >= 900, 'redelivered before the deadline: a nack?');
});

test('consumer: flow control caps the unacked events of a member', async (t) => {
  const server = await SwitchboardServer.start(BINARY);
  t.after(() => server.stop());
  const admin = adminOf(t, server);
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  t.after(() => release());
  const running = [];
  const member = new Member(t, server.grpcAddr, 'slow',
    { fromOldest: true, maxUnacked: 5, concurrency: 10 }, async (event) => {
      running.push(Number(event.sequence));
      await released;
    });
  await server.postMany(range(1, 20).map((i) => official(`slow-${i}`)));
  await waitUntil(() => running.length === 5, 'five handlers running');
  await sleepMs(500);
  assert.deepEqual(running.sort((a, b) => a - b), [1, 2, 3, 4, 5]); // ten could run; five came
  const { group } = await admin('GetGroup', { group: 'slow' });
  assert.deepEqual(group.members.map((m) => [m.max_unacked, m.unacked]), [[5, 5]]);
  assert.equal(member.consumer.joined.max_unacked, 5);
  release();
  await waitUntil(() => member.acked.length === 20, '20 acks');
  assert.deepEqual(member.sequences().sort((a, b) => a - b), range(1, 20));
});

test('consumer: rejoins after a server restart, redelivering only what was not acked', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-consumer-'));
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const first = await SwitchboardServer.start(BINARY, 0, { dataDir });
  t.after(() => first.stop());
  let openGate;
  const gate = new Promise((resolve) => { openGate = resolve; }); // holds event 30 across the restart
  t.after(() => openGate());
  let restarted;
  const secondUp = new Promise((resolve) => { restarted = resolve; });
  t.after(() => restarted());
  const delays = [];
  // Stored first: the group delivers all 50 at once, and the acks that
  // follow store that they were delivered (their attempt numbers survive).
  assert.deepEqual(await first.postMany(range(1, 50).map((i) => official(`before-${i}`))), range(1, 50));
  const member = new Member(t, first.grpcAddr, 'restart', {
    fromOldest: true, initialBackoffMs: 50, maxBackoffMs: 200,
    sleep: async (ms) => { // the rejoin waits for the new server
      delays.push(ms);
      await secondUp;
      await sleepMs(ms);
    },
  }, async (event, attempt) => {
    if (event.sequence === '30' && attempt === 1) await gate;
  });
  await waitUntil(() => member.acked.length === 29, 'acks of 1..29 stored');
  const ackedBefore = [...member.acked];
  assert.deepEqual(ackedBefore.sort((a, b) => a - b), range(1, 29));
  assert.equal(await first.stop(), 0); // ends the stream with UNAVAILABLE
  openGate(); // the handler returns after the stream broke: its ack is lost
  const second = await SwitchboardServer.start(BINARY, first.grpcPort, { dataDir });
  t.after(() => second.stop());
  assert.deepEqual(await second.postMany(range(1, 10).map((i) => official(`after-${i}`))), range(51, 60));
  restarted();

  await waitUntil(() => range(1, 60).every((s) => member.acked.includes(s)), 'every event acked');
  const counts = new Map();
  for (const s of member.sequences()) counts.set(s, (counts.get(s) ?? 0) + 1);
  assert.deepEqual([...counts.keys()].sort((a, b) => a - b), range(1, 60)); // every event handled
  assert.deepEqual(ackedBefore.filter((s) => counts.get(s) !== 1), []); // none of those again
  assert.ok(member.handled.some(([s, attempt]) => s === 30 && attempt === 2),
    'event 30, held across the restart, is delivered again as attempt 2');
  assert.ok(member.consumer.reconnects >= 1);
  assert.ok(delays.length > 0 && delays.every((ms) => ms > 0 && ms <= 200), String(delays));
  assert.equal(member.error, undefined);
});

test('consumer: FAILED_PRECONDITION is thrown, not retried', async (t) => {
  const server = await SwitchboardServer.start(BINARY);
  t.after(() => server.stop());
  const first = new Member(t, server.grpcAddr, 'calls', { eventTypes: ['call.*'] });
  await waitUntil(() => first.consumer.joined, 'the group created');
  const sleeps = [];
  const other = new Member(t, server.grpcAddr, 'calls', {
    eventTypes: ['sms.*'], sleep: async (ms) => { sleeps.push(ms); },
  });
  await waitUntil(() => other.returned, 'run() returned');
  assert.equal(other.error?.code, grpc.status.FAILED_PRECONDITION);
  assert.match(other.error.details, /call\.\*/);
  assert.deepEqual([other.consumer.reconnects, sleeps], [0, []]);
  assert.equal(first.returned, false); // the group and its member carry on
});

test('consumer: ABORTED when its group is deleted, not retried', async (t) => {
  const server = await SwitchboardServer.start(BINARY);
  t.after(() => server.stop());
  const sleeps = [];
  const member = new Member(t, server.grpcAddr, 'doomed', {
    sleep: async (ms) => { sleeps.push(ms); },
  });
  await waitUntil(() => member.consumer.joined, 'joined');
  await adminOf(t, server)('DeleteGroup', { group: 'doomed' });
  await waitUntil(() => member.returned, 'run() returned');
  assert.equal(member.error?.code, grpc.status.ABORTED);
  assert.deepEqual([member.consumer.reconnects, sleeps], [0, []]);
});
