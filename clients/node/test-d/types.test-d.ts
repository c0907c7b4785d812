// Compile-time checks of the published types (tsc, see tsconfig.json). Each
// line marked as an expected error must fail to compile, or tsc fails: types
// that decay to `any` or lose a field are caught.
import {
  AckResult, Consumer, createClient, createConsumerGroupClient, Event, GroupInfo, SmsReceived,
  Subscription,
} from '..';

export async function typedAccess(): Promise<void> {
  const client = createClient('127.0.0.1:50051');
  const subscription = new Subscription(client, { eventTypes: ['sms.*'], afterSequence: '41' });
  for await (const event of subscription) {
    const sequence: string = event.sequence; // uint64: a decimal string
    // @ts-expect-error 64-bit integers are strings, not numbers
    const wrong: number = event.sequence;
    if (event.payload === 'sms_received') {
      const sms: SmsReceived = event.sms_received; // narrowed: set, not null
      const body: string | undefined = sms.body; // `optional`: may be absent
      // @ts-expect-error no such field
      sms.bodyText;
      void [sequence, wrong, body];
    }
    // @ts-expect-error not narrowed: may be undefined
    event.call_completed.call_id;
  }
  // @ts-expect-error the event types are strings
  new Subscription(client, { eventTypes: [1] });
  subscription.close();
  client.close();
}

export function payloadNames(event: Event): string {
  switch (event.payload) {
    case 'call_completed': return event.call_completed.call_id ?? '';
    case 'other': return JSON.stringify(event.other.fields);
    default: return event.type;
  }
}

export async function consumerGroup(): Promise<void> {
  const client = createClient('127.0.0.1:50051');
  const consumer = new Consumer(client, 'billing', {
    eventTypes: ['call.completed'],
    fromOldest: true,
    ackDeadlineMs: 60000,
    maxDeliveryAttempts: 3,
    maxUnacked: 20,
    concurrency: 4,
    onAckResult: (result: AckResult) => {
      const stored: string[] = result.acked; // uint64: decimal strings
      void stored;
    },
  });
  const done: Promise<void> = consumer.run(async (event, attempt) => {
    const n: number = attempt;
    if (event.payload === 'call_completed') {
      const sid: string | undefined = event.call_completed.call?.call_sid;
      void sid;
    }
    // @ts-expect-error the event is typed
    event.no_such_field;
    void n;
  });
  new Consumer('127.0.0.1:50051', 'billing', { afterSequence: '41' });
  // @ts-expect-error afterSequence and fromOldest are exclusive
  new Consumer(client, 'billing', { afterSequence: 0, fromOldest: true });
  // @ts-expect-error the group name is required
  new Consumer(client, { eventTypes: ['call.*'] });
  // @ts-expect-error a handler takes the event and its attempt number
  consumer.run((event: Event, attempt: string) => attempt);
  const member: string | undefined = consumer.joined?.member;
  const reconnects: number = consumer.reconnects;
  consumer.close();
  await done;

  const admin = createConsumerGroupClient('127.0.0.1:50051');
  admin.GetGroup({ group: 'billing' }, (error, answer) => {
    const group: GroupInfo | null | undefined = answer?.group;
    const unacked: number[] = group?.members.map((m) => m.unacked) ?? [];
    void [error, unacked];
  });
  admin.close();
  client.close();
  void [member, reconnects];
}
