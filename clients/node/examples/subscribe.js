#!/usr/bin/env node
// @ts-check
// Prints matching events as they arrive, one line each, resuming across reconnects.
// Usage: node examples/subscribe.js [HOST:PORT] [PATTERN...]   e.g. 127.0.0.1:50051 'call.*'
'use strict';

const { Subscription } = require('..');

/** @typedef {import('..').Event} Event */

/**
 * JustCall's official Call object (call.proto) of a call event: every call.*
 * payload (and jc.call_ai_generated) holds it in `call`.
 * @param {Event} event
 */
function officialCall(event) {
  switch (event.payload) {
    case 'call_incoming': return event.call_incoming.call;
    case 'call_answered': return event.call_answered.call;
    case 'call_missed': return event.call_missed.call;
    case 'call_voicemail': return event.call_voicemail.call;
    case 'call_enters_queue': return event.call_enters_queue.call;
    case 'call_exits_queue': return event.call_exits_queue.call;
    case 'call_initiated': return event.call_initiated.call;
    case 'call_completed': return event.call_completed.call;
    case 'call_updated': return event.call_updated.call;
    case 'call_ai_voice_agent': return event.call_ai_voice_agent.call;
    case 'jc_call_ai_generated': return event.jc_call_ai_generated.call;
    default: return undefined;
  }
}

/**
 * JustCall's official SMS object (sms.proto) of an sms.* event, held in `sms`.
 * @param {Event} event
 */
function officialSms(event) {
  switch (event.payload) {
    case 'sms_received': return event.sms_received.sms;
    case 'sms_sent': return event.sms_sent.sms;
    case 'sms_sent_received': return event.sms_sent_received.sms;
    case 'sms_status_updated': return event.sms_status_updated.sms;
    default: return undefined;
  }
}

/**
 * The flat fields of the first sample payloads (tests/fixtures/justcall/*.json),
 * which JustCall itself does not send; undefined when the event has none.
 * @param {Event} event
 */
function flatSummary(event) {
  switch (event.payload) {
    case 'call_completed': {
      const c = event.call_completed;
      return c.call_id && `${c.call_id} ${c.from} -> ${c.to}, ${c.duration ?? '?'} s`;
    }
    case 'call_missed': {
      const c = event.call_missed;
      return c.call_id && `${c.call_id} ${c.from} -> ${c.to}, rang ${c.ring_duration ?? '?'} s`;
    }
    case 'call_answered': {
      const c = event.call_answered;
      return c.call_id && `${c.call_id} ${c.from} -> ${c.to}`;
    }
    case 'voicemail_received': {
      const c = event.voicemail_received;
      return c.call_id && `${c.call_id} ${c.from} -> ${c.to}, ${c.duration ?? '?'} s`;
    }
    case 'sms_received': {
      const m = event.sms_received;
      return m.message_id && `${m.message_id} ${m.from} -> ${m.to}: ${JSON.stringify(m.body ?? '')}`;
    }
    case 'sms_sent': {
      const m = event.sms_sent;
      return m.message_id && `${m.message_id} ${m.from} -> ${m.to}: ${JSON.stringify(m.body ?? '')}`;
    }
    default:
      return undefined;
  }
}

/** " (Name)", or "" for a contact without a name. @param {string | undefined} contactName */
const name = (contactName) => (contactName ? ` (${contactName})` : '');

/**
 * One readable line per event. Values are as JustCall sent them; 64-bit
 * integers (sequence, ids, durations) are decimal strings. Keys the schema
 * does not model are in `JSON.parse(event.data_json)`.
 * @param {Event} event
 */
function summary(event) {
  const head = `#${event.sequence} ${event.type}`;
  const call = officialCall(event);
  if (call && (call.call_sid || call.id)) {
    const info = call.call_info; // null when the webhook had no call_info
    return `${head} ${call.call_sid || call.id} ${info?.direction ?? '?'} ${info?.type || '-'}` +
      ` ${call.contact_number ?? '?'}${name(call.contact_name)} agent ${call.agent_name ?? '-'},` +
      ` ${call.call_duration?.total_duration ?? '?'} s`;
  }
  const sms = officialSms(event);
  if (sms && sms.id) {
    const media = sms.sms_info?.mms.length ? ` +${sms.sms_info.mms.length} media` : '';
    return `${head} ${sms.id} ${sms.direction ?? '?'} ${sms.contact_number ?? '?'}` +
      `${name(sms.contact_name)} agent ${sms.agent_name ?? '-'}: ${JSON.stringify(sms.sms_info?.body ?? '')}${media}`;
  }
  const flat = flatSummary(event);
  return flat ? `${head} ${flat} [flat sample]` : head;
}

async function main() {
  const [address = '127.0.0.1:50051', ...patterns] = process.argv.slice(2);
  const subscription = new Subscription(address, { eventTypes: patterns });
  process.once('SIGINT', () => subscription.close());
  for await (const event of subscription) {
    console.log(summary(event));
  }
}

main().catch((error) => {
  console.error(`subscribe: ${error.message}`);
  process.exit(1);
});
