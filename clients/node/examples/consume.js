#!/usr/bin/env node
// @ts-check
// A member of a consumer group: run it several times with the same GROUP and
// each matching event is handled by one of them (and acked), across reconnects.
// Usage: node examples/consume.js [HOST:PORT] [GROUP] [PATTERN...]   e.g. 127.0.0.1:50051 billing 'call.*'
'use strict';

const { Consumer } = require('..');

async function main() {
  const [address = '127.0.0.1:50051', group = 'example', ...patterns] = process.argv.slice(2);
  const consumer = new Consumer(address, group, {
    eventTypes: patterns,
    fromOldest: true, // where the group starts when this join creates it
    maxUnacked: 50, // flow control
    onHandlerError: (error, event) => console.error(`#${event.sequence}: ${error}`),
  });
  process.once('SIGINT', () => consumer.close()); // finish, ack, leave the group
  process.once('SIGTERM', () => consumer.close());
  // Resolve: acked. Throw: delivered again (to any member) until the group parks it as a dead letter.
  await consumer.run(async (event, attempt) => {
    const retry = attempt > 1 ? ` (attempt ${attempt})` : '';
    console.log(`#${event.sequence} ${event.type}${retry} as ${consumer.joined?.member}`);
  });
}

main().catch((error) => {
  console.error(`consume: ${error.message}`);
  process.exit(1);
});
