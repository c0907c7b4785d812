'use strict';
// @switchboard/client: typed access to switchboard.v1.EventStream (see index.d.ts).

const grpc = require('@grpc/grpc-js');
const { createClient, loadSchema } = require('./client');
const { RETRYABLE_CODES, Subscription } = require('./subscription');

module.exports = { RETRYABLE_CODES, Subscription, createClient, grpc, loadSchema };
