// Compile-time checks of the published types (tsc, see tsconfig.json). Each
// line marked as an expected error must fail to compile, or tsc fails: types
// that decay to `any` or lose a field are caught.
import { createClient, Event, SmsReceived, Subscription } from '..';

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
