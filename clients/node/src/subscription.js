'use strict';
// A Subscribe stream that reconnects with backoff and resumes where it left off.

const { status } = require('@grpc/grpc-js');
const { createClient } = require('./client');

// Status codes after which the subscription reconnects. UNAVAILABLE covers a
// server that is down, restarting or shutting down (it ends every stream with
// UNAVAILABLE) and a broken connection; CANCELLED that close() did not cause is
// a stream cut while the server shuts down. Every other code (INVALID_ARGUMENT for
// a bad pattern, OUT_OF_RANGE when the log no longer holds the resume point,
// RESOURCE_EXHAUSTED when this subscriber fell out of retention) needs a
// decision from the caller and is thrown.
const RETRYABLE_CODES = new Set([status.UNAVAILABLE, status.ABORTED, status.CANCELLED]);

class Subscription {
  /**
   * @param {object|string} client an EventStream client (createClient()), or
   *     an address ("host:port") for a plaintext client that close() closes.
   * @param {object} [options] see index.d.ts.
   */
  constructor(client, options = {}) {
    this.ownedClient = typeof client === 'string' ? createClient(client) : undefined;
    this.client = this.ownedClient ?? client;
    this.eventTypes = options.eventTypes ?? [];
    this.lastSequence = options.afterSequence === undefined ? undefined : String(options.afterSequence);
    this.reconnects = 0;
    this.initialBackoffMs = options.initialBackoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 10000;
    this.sleep = options.sleep ?? ((ms) => this.#interruptibleSleep(ms));
    this.closed = false;
    this.call = undefined;
    this.wake = undefined;
  }

  /** Ends the iteration; safe to call at any time, from anywhere. */
  close() {
    this.closed = true;
    if (this.call) this.call.cancel();
    if (this.wake) this.wake();
    if (this.ownedClient) this.ownedClient.close();
  }

  async *[Symbol.asyncIterator]() {
    let failures = 0;
    while (!this.closed) {
      const request = { event_types: this.eventTypes };
      if (this.lastSequence !== undefined) request.after_sequence = this.lastSequence;
      const call = this.client.Subscribe(request);
      this.call = call;
      try {
        for await (const event of call) {
          failures = 0;
          this.lastSequence = event.sequence;
          yield event;
        }
      } catch (error) {
        if (this.closed) return;
        if (!RETRYABLE_CODES.has(error.code)) throw error;
      } finally {
        this.call = undefined;
        call.cancel();
      }
      if (this.closed) return;
      await this.sleep(this.#backoffMs(failures++));
      this.reconnects++;
    }
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

module.exports = { RETRYABLE_CODES, Subscription };
