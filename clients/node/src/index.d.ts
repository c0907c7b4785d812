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
import type { ProtoGrpcType as GroupsProtoGrpcType } from '../generated/consumer_group_service';
import type { ConsumerGroupServiceClient } from '../generated/switchboard/v1/ConsumerGroupService';
import type { GroupJoined__Output } from '../generated/switchboard/v1/GroupJoined';
import type { AckResult__Output } from '../generated/switchboard/v1/AckResult';

export type { ConsumerGroupServiceClient, EventStreamClient, SubscribeRequest };
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
/** The answer to a join: the member's name, the group's filter and settings (Consumer.joined). */
export type GroupJoined = GroupJoined__Output;
/** What became of one ack or nack message: `acked` sequences are stored (Consumer onAckResult). */
export type AckResult = AckResult__Output;
export type { GroupInfo__Output as GroupInfo } from '../generated/switchboard/v1/GroupInfo';
export type { GroupMember__Output as GroupMember } from '../generated/switchboard/v1/GroupMember';
export type { DeadLetter__Output as DeadLetter } from '../generated/switchboard/v1/DeadLetter';

export { grpc };

/** Status codes after which a Subscription reconnects (UNAVAILABLE, ABORTED). */
export const RETRYABLE_CODES: ReadonlySet<grpc.status>;

/**
 * The loaded switchboard.v1 package: message type definitions and the
 * EventStream and ConsumerGroupService constructors.
 */
export function loadSchema(): ProtoGrpcType['switchboard']['v1'] & GroupsProtoGrpcType['switchboard']['v1'];

/**
 * An EventStream client for `address` ("host:port"), plaintext unless
 * `credentials` are given. Call `client.close()` when done.
 */
export function createClient(
  address: string,
  credentials?: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions,
): EventStreamClient;

/**
 * A ConsumerGroupService client for `address` (list, inspect, seek and delete
 * consumer groups; list, re-queue and drop dead letters), plaintext unless
 * `credentials` are given. Call `client.close()` when done.
 */
export function createConsumerGroupClient(
  address: string,
  credentials?: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions,
): ConsumerGroupServiceClient;

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

/**
 * Status codes after which a Consumer joins its group again: UNAVAILABLE,
 * CANCELLED (not caused by close()), RESOURCE_EXHAUSTED. Others are thrown
 * from run(): INVALID_ARGUMENT, FAILED_PRECONDITION, PERMISSION_DENIED,
 * UNAUTHENTICATED, ABORTED (the group was deleted), UNIMPLEMENTED, ...
 */
export const CONSUMER_RETRYABLE_CODES: ReadonlySet<grpc.status>;

/**
 * Handles one event delivered to this member; `deliveryAttempt` is 1 for the
 * first delivery to the group, 2 for the first redelivery, ... Returning (or
 * resolving) acks the event; throwing (or rejecting) nacks it.
 */
export type ConsumerHandler = (event: Event, deliveryAttempt: number) => unknown;

/** Where a new group starts (ignored when the group exists); neither: events stored from now on. */
export type ConsumerStart =
  | {
      /** After this sequence (0: the oldest retained event). */
      afterSequence?: string | number | bigint;
      fromOldest?: undefined;
    }
  | {
      afterSequence?: undefined;
      /** With the oldest retained event. */
      fromOldest?: boolean;
    };

export type ConsumerOptions = ConsumerStart & {
  /**
   * The group's filter, as SubscribeRequest.event_types ('call.*', ...).
   * Empty: every type; joining an existing group: its filter. Another filter
   * than an existing group's is FAILED_PRECONDITION.
   */
  eventTypes?: string[];
  /** A group setting: time to ack an event before it is delivered again, in ms (1 s to 1 h; default 30 s). */
  ackDeadlineMs?: number;
  /** A group setting: deliveries of an event before it is parked as a dead letter (default 5). */
  maxDeliveryAttempts?: number;
  /** Flow control: at most this many events delivered to this member and not acked (default 100). */
  maxUnacked?: number;
  /** Handlers running at once (default 1: one at a time, in delivery order). */
  concurrency?: number;
  /** Nack an event whose handler threw (default); false lets its ack deadline pass instead. */
  nackOnError?: boolean;
  /** How long an ack may wait to be sent with others, in ms (default 50); sent at once when no event waits. */
  ackIntervalMs?: number;
  /** How long close() waits for the server to confirm the last acks, in ms (default 5000). */
  drainTimeoutMs?: number;
  /** A bearer token, sent as `authorization: Bearer TOKEN`. */
  token?: string;
  /** Delay before the first rejoin, in ms (default 100); doubles per failed attempt, with jitter. */
  initialBackoffMs?: number;
  /** Cap on the rejoin delay, in ms (default 10000). */
  maxBackoffMs?: number;
  /** Awaited with the delay (ms) before each rejoin. For tests and custom scheduling. */
  sleep?: (ms: number) => Promise<void>;
  /** Called with each AckResult: its `acked` sequences are stored and will not come back. */
  onAckResult?: (result: AckResult) => void;
  /** Called with what a handler threw, before the event is nacked (or left to its deadline). */
  onHandlerError?: (error: unknown, event: Event) => void;
};

/**
 * A member of a consumer group (EventStream.Consume): each event matching the
 * group's filter goes to one member at a time, so processes running a
 * Consumer with the same group share the events. run() calls the handler per
 * event, acks it when the handler returns, nacks it when it throws, and after
 * a retryable error joins again with backoff (unacked events come back: at
 * least once). Other errors reject run() as grpc.ServiceError.
 *
 *     const consumer = new Consumer('127.0.0.1:50051', 'billing', { eventTypes: ['call.completed'] });
 *     await consumer.run(async (event, attempt) => { await charge(event); });
 */
export class Consumer {
  /** `client` from createClient(), or an address for a plaintext client that close() closes. */
  constructor(client: EventStreamClient | string, group: string, options?: ConsumerOptions);
  /** The answer to the current (or last) join; undefined before the first. */
  readonly joined: GroupJoined | undefined;
  /** How many times the group was joined again after a break. */
  readonly reconnects: number;
  /**
   * Makes run() resolve: no more events are handed out, the handlers running
   * now finish, their acks are sent and confirmed (up to drainTimeoutMs), the
   * member leaves the group. Events delivered and not handled go back to the group.
   */
  close(): void;
  /** Joins and handles events until close() (resolves) or a status that is not retried (rejects). */
  run(handler: ConsumerHandler): Promise<void>;
}
