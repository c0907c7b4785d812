'use strict';
// A consumer group member (EventStream.Consume) that handles, acks and rejoins by itself.

const { Metadata, status } = require('@grpc/grpc-js');
const { createClient } = require('./client');

// Status codes after which the consumer joins the group again. UNAVAILABLE
// covers a server that is down, restarting or shutting down (it ends every
// stream with UNAVAILABLE) and a broken connection; CANCELLED that close() did
// not cause is a stream cut while the server shuts down; RESOURCE_EXHAUSTED is
// a full server or group (too many subscribers or members), which may free up.
// Events this member held and did not get to ack come back from the server,
// to it or to another member. Every other code is thrown from run():
// INVALID_ARGUMENT (a malformed join), FAILED_PRECONDITION (the group exists
// with another filter or other settings), PERMISSION_DENIED and
// UNAUTHENTICATED (the token), ABORTED (the group was deleted: joining again
// would create a new one) and UNIMPLEMENTED (a store without groups).
const CONSUMER_RETRYABLE_CODES = new Set([status.UNAVAILABLE, status.CANCELLED,
  status.RESOURCE_EXHAUSTED]);

// At most this many sequences in one AckEvents / NackEvents message (the server's limit).
const MAX_SEQUENCES = 10000;

/** A google.protobuf.Duration of `ms` milliseconds. */
function duration(ms) {
  const nanos = Math.round(ms * 1e6);
  return { seconds: String(Math.floor(nanos / 1e9)), nanos: nanos % 1e9 };
}

class Consumer {
  /**
   * @param {object|string} client an EventStream client (createClient()), or
   *     an address ("host:port") for a plaintext client that close() closes.
   * @param {string} group the group's name.
   * @param {object} [options] see index.d.ts.
   */
  constructor(client, group, options = {}) {
    if (options.afterSequence !== undefined && options.fromOldest) {
      throw new TypeError('afterSequence and fromOldest are exclusive');
    }
    this.ownedClient = typeof client === 'string' ? createClient(client) : undefined;
    this.client = this.ownedClient ?? client;
    const join = {
      group,
      event_types: options.eventTypes ?? [],
      max_delivery_attempts: options.maxDeliveryAttempts ?? 0,
      max_unacked: options.maxUnacked ?? 0,
    };
    if (options.afterSequence !== undefined) join.after_sequence = String(options.afterSequence);
    else if (options.fromOldest) join.from_oldest = true;
    if (options.ackDeadlineMs !== undefined) join.ack_deadline = duration(options.ackDeadlineMs);
    this.joinRequest = join;
    this.concurrency = options.concurrency ?? 1;
    if (!(this.concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
    this.nackOnError = options.nackOnError ?? true;
    this.ackIntervalMs = options.ackIntervalMs ?? 50;
    this.drainTimeoutMs = options.drainTimeoutMs ?? 5000;
    this.token = options.token;
    this.onAckResult = options.onAckResult;
    this.onHandlerError = options.onHandlerError;
    this.initialBackoffMs = options.initialBackoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 10000;
    this.sleep = options.sleep ?? ((ms) => this.#interruptibleSleep(ms));
    this.joined = undefined;
    this.reconnects = 0;
    this.closed = false;
    this.running = false;
    this.session = undefined;
    this.wake = undefined;
  }

  /**
   * Makes run() finish: it stops handing out events, waits for the handlers
   * running now, sends their acks, waits up to drainTimeoutMs for the server
   * to confirm them, leaves the group and resolves. Safe at any time.
   */
  close() {
    this.closed = true;
    if (this.session) this.session.close();
    if (this.wake) this.wake();
    if (!this.running && this.ownedClient) this.ownedClient.close();
  }

  /**
   * Joins the group and calls `handler(event, deliveryAttempt)` per event
   * until close() (resolves) or a status that is not retried (rejects).
   */
  async run(handler) {
    if (this.running) throw new Error('run() is already running');
    this.running = true;
    try {
      let failures = 0;
      while (!this.closed) {
        try {
          if (await this.#stream(handler)) failures = 0; // joined: the backoff starts afresh
        } catch (error) {
          if (this.closed) return;
          if (!CONSUMER_RETRYABLE_CODES.has(error.code)) throw error;
        }
        if (this.closed) return;
        await this.sleep(this.#backoffMs(failures++));
        this.reconnects++;
      }
    } finally {
      this.running = false;
      if (this.closed && this.ownedClient) this.ownedClient.close();
    }
  }

  /**
   * One Consume stream. Resolves (with whether it joined) after close();
   * rejects with the stream's error (an OK end: UNAVAILABLE) once no handler
   * of its events runs any more.
   */
  #stream(handler) {
    return new Promise((resolve, reject) => {
      let metadata;
      if (this.token) {
        metadata = new Metadata();
        metadata.set('authorization', `Bearer ${this.token}`);
      }
      const call = metadata ? this.client.Consume(metadata) : this.client.Consume();
      const waiting = []; // deliveries not handed to a handler yet
      let running = 0; // handlers running now
      let acks = [];
      let nacks = [];
      let flushTimer;
      let unanswered = 0; // ack and nack messages sent without their AckResult yet
      let joined = false;
      let closing = false;
      let ended = false;
      let endError;
      let halfClosed = false;
      let drainTimer;
      let drainExpired = false;
      let settled = false;

      const settle = () => {
        if (settled) return;
        settled = true;
        clearTimeout(flushTimer);
        clearTimeout(drainTimer);
        if (this.session === session) this.session = undefined;
        call.cancel();
        if (closing) resolve(joined);
        else reject(endError);
      };
      // Settles once the stream is over and no handler of its events runs:
      // a rejoin must not hand one of them out twice at once. Closing, it
      // half-closes once the handlers are done and their acks confirmed (or
      // drainTimeoutMs passed).
      const check = () => {
        if (settled) return;
        if (ended) {
          if (running === 0) settle();
          return;
        }
        if (!closing || running > 0 || acks.length > 0 || nacks.length > 0 || halfClosed) return;
        if (unanswered > 0) {
          if (drainExpired) settle();
          return;
        }
        halfClosed = true;
        call.end(); // the server ends the stream with OK
        clearTimeout(drainTimer);
        drainTimer = setTimeout(settle, 1000);
      };
      const flush = () => {
        clearTimeout(flushTimer);
        flushTimer = undefined;
        if (ended) return;
        for (const [kind, sequences] of [['ack', acks], ['nack', nacks]]) {
          for (let i = 0; i < sequences.length; i += MAX_SEQUENCES) {
            call.write({ [kind]: { sequences: sequences.slice(i, i + MAX_SEQUENCES) } });
            unanswered++;
          }
        }
        acks = [];
        nacks = [];
      };
      const settleAcks = () => {
        if (acks.length === 0 && nacks.length === 0) return;
        if (waiting.length === 0 || closing) flush();
        else if (flushTimer === undefined) flushTimer = setTimeout(flush, this.ackIntervalMs);
      };
      const pump = () => {
        while (!closing && !ended && waiting.length > 0 && running < this.concurrency) {
          const delivery = waiting.shift();
          const sequence = delivery.event.sequence;
          running++;
          Promise.resolve()
            .then(() => handler(delivery.event, delivery.delivery_attempt))
            .then(() => {
              if (!ended) acks.push(sequence);
            }, (error) => {
              if (this.onHandlerError) this.onHandlerError(error, delivery.event);
              if (!ended && this.nackOnError) nacks.push(sequence);
            })
            .finally(() => {
              running--;
              pump();
              settleAcks();
              check();
            });
        }
      };

      const session = {
        close: () => {
          if (closing) return;
          closing = true;
          waiting.length = 0; // the server gives them back when this member leaves
          settleAcks();
          drainTimer = setTimeout(() => {
            drainExpired = true;
            check();
          }, this.drainTimeoutMs);
          check();
        },
      };
      this.session = session;

      call.on('data', (response) => {
        if (ended) return;
        switch (response.kind) {
          case 'joined':
            joined = true;
            this.joined = response.joined;
            break;
          case 'deliveries':
            if (!closing) waiting.push(...response.deliveries.deliveries);
            pump();
            break;
          case 'result':
            unanswered--;
            if (this.onAckResult) this.onAckResult(response.result);
            check();
            break;
          default:
            break;
        }
      });
      call.on('error', (error) => {
        endError = error;
      });
      call.on('status', (s) => {
        ended = true;
        if (s.code === status.OK) {
          endError = Object.assign(new Error('the server ended the Consume stream'),
            { code: status.UNAVAILABLE, details: 'stream ended', metadata: s.metadata });
        } else if (!endError) {
          endError = Object.assign(new Error(`${s.code} ${s.details}`), s);
        }
        // Lost with the stream: the server gives those events back.
        waiting.length = 0;
        acks = [];
        nacks = [];
        check();
      });
      call.write({ join: this.joinRequest });
      if (this.closed) session.close();
    });
  }

  #backoffMs(failures) {
    const ms = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** Math.min(failures, 32));
    return ms / 2 + (Math.random() * ms) / 2;
  }

  #interruptibleSleep(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.wake = undefined;
    });
  }
}

module.exports = { CONSUMER_RETRYABLE_CODES, Consumer };
