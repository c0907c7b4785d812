// A console viewer following every event over the live tail's WebSocket, for
// bench/console_ingest.sh. Usage: node console_viewer.js HOST:PORT
// Prints the events received when it gets SIGTERM.
'use strict';
const WebSocket = require(require.resolve('ws', { paths: [`${__dirname}/../tests/console/node_modules`] }));
const ws = new WebSocket(`ws://${process.argv[2]}/api/tail`);
let events = 0;
ws.on('open', () => ws.send(JSON.stringify({ op: 'follow' })));
ws.on('message', (data) => {
  const message = JSON.parse(data);
  if (message.kind === 'events') events += message.events.length;
});
process.on('SIGTERM', () => { console.log(events); process.exit(0); });
