#!/usr/bin/env node
// @ts-check
// Prints matching events as they arrive, resuming across reconnects.
// Usage: node examples/subscribe.js [HOST:PORT] [PATTERN...]   e.g. 127.0.0.1:50051 'call.*'
'use strict';

const { Subscription } = require('..');

async function main() {
  const [address = '127.0.0.1:50051', ...patterns] = process.argv.slice(2);
  const subscription = new Subscription(address, { eventTypes: patterns });
  process.once('SIGINT', () => subscription.close());
  for await (const event of subscription) {
    if (event.payload === 'call_completed') {
      const call = event.call_completed;
      console.log(`#${event.sequence} call ${call.call_id} ${call.from} -> ${call.to}, ${call.duration ?? '?'} s`);
    } else if (event.payload === 'sms_received') {
      console.log(`#${event.sequence} sms from ${event.sms_received.from}: ${event.sms_received.body}`);
    } else {
      console.log(`#${event.sequence} ${event.type}`);
    }
  }
}

main().catch((error) => {
  console.error(`subscribe: ${error.message}`);
  process.exit(1);
});
