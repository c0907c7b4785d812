"""End-to-end test of clients/python against the real switchboard binary.

Usage: /usr/bin/python3 e2e_test.py SWITCHBOARD_BINARY FIXTURES_DIR
(PYTHONPATH must hold clients/python and this folder.)
"""

import json
import os
import queue
import sys
import threading
import time
import unittest

import grpc

from switchboard import Subscription
from switchboard.v1 import event_pb2
from switchboard_server import SwitchboardServer

BINARY = FIXTURES = None
WAIT = 10.0  # seconds, for any one expected event


def fixture(name, **data):
    """The webhook document of fixtures/NAME.json, with `data` keys overridden."""
    with open(os.path.join(FIXTURES, name + ".json")) as f:
        doc = json.load(f)
    doc["data"].update(data)
    return doc


class Consumer:
    """Iterates a Subscription on a thread; events (or the error) go to a queue."""

    def __init__(self, subscription):
        self.subscription = subscription
        self.items = queue.Queue()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        try:
            for event in self.subscription:
                self.items.put(event)
        except Exception as error:  # handed to the test thread
            self.items.put(error)

    def next(self, timeout=WAIT):
        item = self.items.get(timeout=timeout)
        if isinstance(item, Exception):
            raise item
        return item

    def close(self):
        self.subscription.close()
        self._thread.join(5)
        assert not self._thread.is_alive(), "subscription did not stop on close()"


class PythonClientTest(unittest.TestCase):

    def assertEventMatches(self, event, doc, sequence):
        """The event is typed and every field equals the webhook's JSON."""
        self.assertIsInstance(event, event_pb2.Event)
        self.assertEqual(event.sequence, sequence)
        self.assertEqual(event.type, doc["event"])
        self.assertTrue(event.id)
        self.assertTrue(event.HasField("received_at"))
        self.assertEqual(event.occurred_at.ToJsonString(), doc["timestamp"])
        field = doc["event"].replace(".", "_")
        self.assertEqual(event.WhichOneof("payload"), field)
        payload = getattr(event, field)
        for key, value in doc["data"].items():
            if value is None:
                self.assertFalse(payload.HasField(key), key)
            elif isinstance(value, list):
                self.assertEqual(list(getattr(payload, key)), value, key)
            else:
                self.assertTrue(payload.HasField(key), key)
                self.assertEqual(getattr(payload, key), value, key)

    def assertNoMore(self, consumer):
        with self.assertRaises(queue.Empty):
            item = consumer.items.get(timeout=0.3)
            self.fail(f"unexpected extra item: {item}")

    def test_filtered_replay_then_live_events_arrive_typed(self):
        server = SwitchboardServer(BINARY)
        self.addCleanup(server.stop)
        self.assertEqual(server.post(fixture("call.completed")), 1)
        self.assertEqual(server.post(fixture("sms.received")), 2)
        self.assertEqual(server.post(fixture("call.missed")), 3)

        consumer = Consumer(Subscription(server.grpc_addr, ["call.*"], after_sequence=0))
        self.addCleanup(consumer.close)
        self.assertEventMatches(consumer.next(), fixture("call.completed"), 1)
        self.assertEventMatches(consumer.next(), fixture("call.missed"), 3)  # sms.received filtered out
        self.assertEqual(server.post(fixture("call.answered")), 4)
        self.assertEventMatches(consumer.next(), fixture("call.answered"), 4)  # live
        self.assertEqual(consumer.subscription.last_sequence, 4)
        self.assertNoMore(consumer)

    def test_resumes_after_server_restart_without_gap_or_duplicate(self):
        first = SwitchboardServer(BINARY)
        self.addCleanup(first.stop)
        port = int(first.grpc_addr.rsplit(":", 1)[1])
        first.post(fixture("call.completed"))
        first.post(fixture("call.missed"))

        # The reconnect waits until the second server holds the events to resume into.
        second_populated = threading.Event()
        delays = []

        def sleep(delay):
            delays.append(delay)
            second_populated.wait(WAIT)
            time.sleep(delay)

        consumer = Consumer(Subscription(first.grpc_addr, ["call.*"], after_sequence=0,
                                         initial_backoff=0.05, max_backoff=0.2, sleep=sleep))
        self.addCleanup(consumer.close)
        self.assertEventMatches(consumer.next(), fixture("call.completed"), 1)
        self.assertEventMatches(consumer.next(), fixture("call.missed"), 2)

        self.assertEqual(first.stop(), 0)  # ends the stream with UNAVAILABLE
        second = SwitchboardServer(BINARY, grpc_port=port)
        self.addCleanup(second.stop)
        # Sequences 1 and 2 again: a resume from the start would deliver them twice.
        second.post(fixture("call.completed"))
        second.post(fixture("call.missed"))
        # Stored before the client is back: a live tail would miss it.
        self.assertEqual(second.post(fixture("call.answered")), 3)
        second_populated.set()

        self.assertEventMatches(consumer.next(), fixture("call.answered"), 3)
        # The server keeps one event per distinct webhook: change the content.
        live = fixture("call.completed", call_id="call_live_after_resume")
        self.assertEqual(second.post(live), 4)
        self.assertEventMatches(consumer.next(), live, 4)
        self.assertNoMore(consumer)
        self.assertGreaterEqual(consumer.subscription.reconnects, 1)
        self.assertTrue(all(0 < d <= 0.2 for d in delays), delays)

    def test_official_call_completed_arrives_with_nested_fields(self):
        server = SwitchboardServer(BINARY)
        self.addCleanup(server.stop)
        official_path = os.path.join(FIXTURES, "v2.1", "call.completed.json")
        with open(official_path) as f:
            sent = f.read()
        official = json.loads(sent)
        data = official["data"]
        self.assertEqual(server.post(official_path), 1)  # the file's bytes, as JustCall sends them
        self.assertEqual(server.post(fixture("call.completed")), 2)  # the flat shape still works

        consumer = Consumer(Subscription(server.grpc_addr, ["call.completed"], after_sequence=0))
        self.addCleanup(consumer.close)
        event = consumer.next()
        self.assertEqual(event.sequence, 1)
        self.assertEqual(event.type, "call.completed")
        self.assertEqual(event.id, official["request_id"])
        self.assertEqual(event.webhook_url, official["webhook_url"])
        self.assertEqual(event.url_id, official["url_id"])
        self.assertFalse(event.HasField("occurred_at"))  # the v2.1 envelope has no timestamp
        self.assertEqual(list(event.schema_mismatches), [])
        self.assertEqual(dict(event.envelope_extras), {})
        self.assertEqual(json.loads(event.data_json), data)
        self.assertIn(event.data_json, sent)  # the data object's text, byte for byte

        self.assertEqual(event.WhichOneof("payload"), "call_completed")
        self.assertTrue(event.call_completed.HasField("call"))
        call = event.call_completed.call
        self.assertEqual(call.id, data["id"])  # int64 as a Python int
        self.assertEqual(call.call_sid, data["call_sid"])
        self.assertEqual(call.contact_number, data["contact_number"])
        self.assertEqual(call.agent_id, data["agent_id"])
        self.assertEqual(call.agent_name, data["agent_name"])
        self.assertEqual(call.cost_incurred, data["cost_incurred"])
        self.assertEqual(call.call_info.direction, "Incoming")
        self.assertEqual(call.call_info.type, data["call_info"]["type"])
        self.assertEqual(call.call_info.recording, data["call_info"]["recording"])
        self.assertEqual(call.call_duration.total_duration,
                         data["call_duration"]["total_duration"])
        self.assertEqual(call.call_duration.friendly_duration,
                         data["call_duration"]["friendly_duration"])
        self.assertTrue(call.HasField("called_at"))
        self.assertEqual(call.called_at.ToJsonString(), "2025-06-10T14:05:12Z")

        flat = consumer.next()
        self.assertEventMatches(flat, fixture("call.completed"), 2)
        self.assertEqual(json.loads(flat.data_json), fixture("call.completed")["data"])
        self.assertEqual(list(flat.schema_mismatches), [])
        self.assertNoMore(consumer)

    def test_non_retryable_error_is_raised_not_retried(self):
        server = SwitchboardServer(BINARY)
        self.addCleanup(server.stop)
        consumer = Consumer(Subscription(server.grpc_addr, ["Not A Pattern"]))
        self.addCleanup(consumer.close)
        with self.assertRaises(grpc.RpcError) as raised:
            consumer.next()
        self.assertEqual(raised.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(consumer.subscription.reconnects, 0)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    BINARY, FIXTURES = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
