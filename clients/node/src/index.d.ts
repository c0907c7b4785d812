// Types of @switchboard/client. Message types come from generated/, written by
// proto-loader-gen-types (generate.sh) for the loader options in client.js:
// field names as in the .proto (snake_case), 64-bit integers as decimal
// strings, `payload` naming the set oneof field, `optional` fields absent
// (undefined) when the webhook omitted them or sent null.

import type * as grpc from '@grpc/grpc-js';
import type { ProtoGrpcType } from '../generated/event_stream';
import type { EventStreamClient } from '../generated/switchboard/v1/EventStream';
import type { Event__Output } from '../generated/switchboard/v1/Event';
import type { SubscribeRequest } from '../generated/switchboard/v1/SubscribeRequest';

export type { EventStreamClient, SubscribeRequest };
/** The names `Event.payload` takes, e.g. 'call_completed', 'other'. */
export type PayloadField = NonNullable<Event__Output['payload']>;
/**
 * A stored webhook event, as received, discriminated by `payload`: once
 * `event.payload === 'call_completed'`, `event.call_completed` is set.
 */
export type Event = {
  [F in PayloadField]: Omit<Event__Output, 'payload' | F> & { payload: F } & {
    [K in F]: NonNullable<Event__Output[K]>;
  };
}[PayloadField];
export type { CallCompleted__Output as CallCompleted } from '../generated/switchboard/v1/CallCompleted';
export type { CallMissed__Output as CallMissed } from '../generated/switchboard/v1/CallMissed';
export type { CallAnswered__Output as CallAnswered } from '../generated/switchboard/v1/CallAnswered';
export type { SmsReceived__Output as SmsReceived } from '../generated/switchboard/v1/SmsReceived';
export type { SmsSent__Output as SmsSent } from '../generated/switchboard/v1/SmsSent';
export type { SmsDelivered__Output as SmsDelivered } from '../generated/switchboard/v1/SmsDelivered';
export type { VoicemailReceived__Output as VoicemailReceived } from '../generated/switchboard/v1/VoicemailReceived';
export type { ContactCreated__Output as ContactCreated } from '../generated/switchboard/v1/ContactCreated';
export type { ContactUpdated__Output as ContactUpdated } from '../generated/switchboard/v1/ContactUpdated';
export type { Timestamp__Output as Timestamp } from '../generated/google/protobuf/Timestamp';

export { grpc };

/** Status codes after which a Subscription reconnects (UNAVAILABLE, ABORTED). */
export const RETRYABLE_CODES: ReadonlySet<grpc.status>;

/** The loaded switchboard.v1 package: message type definitions and the EventStream constructor. */
export function loadSchema(): ProtoGrpcType['switchboard']['v1'];

/**
 * An EventStream client for `address` ("host:port"), plaintext unless
 * `credentials` are given. Call `client.close()` when done.
 */
export function createClient(
  address: string,
  credentials?: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions,
): EventStreamClient;

export interface SubscriptionOptions {
  /** Patterns as in SubscribeRequest.event_types: 'call.completed', 'call.*', '*'. Empty: every type. */
  eventTypes?: string[];
  /**
   * Where to start: resume after this sequence (0 = the oldest retained
   * event). Unset: live tail, and the no-loss guarantee holds from the first
   * event received.
   */
  afterSequence?: string | number | bigint;
  /** Delay before the first reconnect, in ms (default 100); doubles per failed attempt, with jitter. */
  initialBackoffMs?: number;
  /** Cap on the reconnect delay, in ms (default 10000). */
  maxBackoffMs?: number;
  /** Awaited with the delay (ms) before each reconnect. For tests and custom scheduling. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Events matching `eventTypes`, in sequence order, across reconnects: after a
 * retryable error (or an ended stream) it waits with exponential backoff and
 * subscribes again with `after_sequence` = the last sequence it yielded, so
 * nothing is lost and nothing is yielded twice. Other errors are thrown from
 * the iteration as grpc.ServiceError.
 *
 *     const sub = new Subscription('127.0.0.1:50051', { eventTypes: ['call.*'], afterSequence: 0 });
 *     for await (const event of sub) console.log(event.sequence, event.type);
 */
export class Subscription implements AsyncIterable<Event> {
  /** `client` from createClient(), or an address for a plaintext client that close() closes. */
  constructor(client: EventStreamClient | string, options?: SubscriptionOptions);
  /** Sequence of the last event yielded (decimal string); undefined before the first one on a live tail. */
  readonly lastSequence: string | undefined;
  /** How many times the stream was opened again after a break. */
  readonly reconnects: number;
  /** Ends the iteration (the pending `next()` resolves as done). */
  close(): void;
  [Symbol.asyncIterator](): AsyncIterator<Event>;
}
