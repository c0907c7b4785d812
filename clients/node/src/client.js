'use strict';
// Loads the switchboard.v1 schema at run time and builds EventStream clients.

const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

// Keep in step with the proto-loader-gen-types flags in generate.sh, which
// produce the declarations in generated/ for exactly these options.
const LOADER_OPTIONS = {
  keepCase: true, // field names as in the .proto and the webhook JSON: agent_id
  longs: String, // 64-bit integers (sequence, agent_id, durations) as decimal strings: lossless
  enums: String,
  defaults: true, // sequence, id, type are always present; `optional` fields stay absent when unset
  oneofs: true, // event.payload names the set payload field, e.g. 'call_completed'
  includeDirs: [path.join(__dirname, '..', 'proto')],
};

let schema;

/**
 * The loaded switchboard.v1 package (message types and the EventStream and
 * ConsumerGroupService client constructors).
 */
function loadSchema() {
  if (!schema) {
    const definition = protoLoader.loadSync(['switchboard/v1/event_stream.proto',
      'switchboard/v1/consumer_group_service.proto'], LOADER_OPTIONS);
    schema = grpc.loadPackageDefinition(definition);
  }
  return schema.switchboard.v1;
}

/**
 * An EventStream client for `address` ("host:port"), plaintext unless
 * `credentials` are given. The channel's own reconnect backoff starts at
 * 100 ms and is capped at 10 s (override through `options`).
 */
function createClient(address, credentials = grpc.credentials.createInsecure(), options = {}) {
  const EventStream = loadSchema().EventStream;
  return new EventStream(address, credentials, {
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 10000,
    ...options,
  });
}

/**
 * A ConsumerGroupService client (list, inspect, seek and delete consumer
 * groups, their dead letters) for `address`; as createClient().
 */
function createConsumerGroupClient(address, credentials = grpc.credentials.createInsecure(),
  options = {}) {
  const ConsumerGroupService = loadSchema().ConsumerGroupService;
  return new ConsumerGroupService(address, credentials, {
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 10000,
    ...options,
  });
}

module.exports = { LOADER_OPTIONS, createClient, createConsumerGroupClient, loadSchema };
