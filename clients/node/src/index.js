'use strict';
// @switchboard/client: typed access to switchboard.v1.EventStream (see index.d.ts).

const grpc = require('@grpc/grpc-js');
const { createClient, createConsumerGroupClient, loadSchema } = require('./client');
const { CONSUMER_RETRYABLE_CODES, Consumer } = require('./consumer');
const { RETRYABLE_CODES, Subscription } = require('./subscription');

module.exports = {
  CONSUMER_RETRYABLE_CODES, Consumer, RETRYABLE_CODES, Subscription, createClient,
  createConsumerGroupClient, grpc, loadSchema,
};
