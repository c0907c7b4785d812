"""End-to-end test of clients/python against the real switchboard binary.

Usage: /usr/bin/python3 e2e_test.py SWITCHBOARD_BINARY FIXTURES_DIR
(PYTHONPATH must hold clients/python and this folder.)
"""

import collections
import hashlib
import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
import unittest

import grpc

import switchboard
from switchboard import Subscription
from switchboard.v1 import consumer_group_service_pb2 as admin_pb2
from switchboard.v1 import consumer_group_service_pb2_grpc as admin_grpc
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


def official(request_id, name="call.completed"):
    """The official (v2.1) webhook fixtures/v2.1/NAME.json with its own request_id:
    a distinct event each (the server stores one event per id)."""
    with open(os.path.join(FIXTURES, "v2.1", name + ".json")) as f:
        doc = json.load(f)
    doc["request_id"] = request_id
    return doc


def wait_until(predicate, timeout=WAIT, what="condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.02)


class Member:
    """Runs a switchboard.Consumer on a thread: records what its handler saw
    (sequence, delivery attempt), the acks the server confirmed, and how run() ended."""

    def __init__(self, make_consumer, handler=None):
        self.handled = []  # (sequence, attempt), in handling order
        self.acked = []  # sequences the server confirmed (AckResult.acked)
        self.error = None  # what run() raised
        self._handler = handler
        self.consumer = make_consumer(self.acked.extend)
        self.returned = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        try:
            self.consumer.run(self._handle)
        except Exception as error:  # handed to the test thread
            self.error = error
        finally:
            self.returned.set()

    def _handle(self, event, attempt):
        self.handled.append((event.sequence, attempt))
        if self._handler is not None:
            self._handler(event, attempt)

    def sequences(self):
        return [sequence for sequence, _ in self.handled]

    def close(self):
        self.consumer.close()
        self._thread.join(10)
        assert not self._thread.is_alive(), "Consumer.run did not return after close()"


def consumer_factory(addr, group, event_types=(), **options):
    return lambda on_ack: switchboard.Consumer(
        addr, group, event_types, on_ack_result=lambda result: on_ack(result.acked), **options)


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

    # Consumer groups (switchboard.Consumer).

    def admin(self, server):
        channel = grpc.insecure_channel(server.grpc_addr)
        self.addCleanup(channel.close)
        return admin_grpc.ConsumerGroupServiceStub(channel)

    def member(self, make_consumer, handler=None):
        member = Member(make_consumer, handler)
        self.addCleanup(member.close)
        return member

    def test_consumer_three_members_share_events_exactly_once(self):
        server = SwitchboardServer(BINARY)
        self.addCleanup(server.stop)
        admin = self.admin(server)
        members = [self.member(consumer_factory(server.grpc_addr, "billing", ["call.completed"],
                                                from_oldest=True))
                   for _ in range(3)]
        wait_until(lambda: all(m.consumer.joined for m in members), what="three members joined")
        group = admin.GetGroup(admin_pb2.GetGroupRequest(group="billing")).group
        self.assertEqual(len(group.members), 3)
        sent = server.post_many(official(f"share-{i}") for i in range(3000))
        self.assertEqual(sent, list(range(1, 3001)))

        wait_until(lambda: sum(len(m.acked) for m in members) >= 3000, 20, "3000 acks stored")
        handled = [seq for m in members for seq in m.sequences()]
        self.assertEqual(len(handled), 3000)  # each event once, by one member
        self.assertEqual(sorted(handled), sent)
        self.assertEqual(sorted(seq for m in members for seq in m.acked), sent)
        for m in members:
            self.assertGreater(len(m.handled), 0, "every member gets a share")
            self.assertTrue(all(attempt == 1 for _, attempt in m.handled))
            self.assertEqual(m.sequences(), sorted(m.sequences()))  # in order within a member
            self.assertEqual(m.consumer.reconnects, 0)
        group = admin.GetGroup(admin_pb2.GetGroupRequest(group="billing")).group
        self.assertEqual(group.acked_through, 3000)
        self.assertEqual(group.pending, 0)
        time.sleep(0.3)
        self.assertEqual(sum(len(m.handled) for m in members), 3000)  # nothing more

    def test_consumer_nacks_failed_event_until_dead_letter(self):
        server = SwitchboardServer(BINARY)
        self.addCleanup(server.stop)
        admin = self.admin(server)
        poison = 2

        def handler(event, attempt):
            if event.sequence == poison:
                raise RuntimeError("cannot handle this one")

        with self.assertLogs("switchboard.consumer", "WARNING") as logs:
            member = self.member(consumer_factory(
                server.grpc_addr, "flaky", ["call.*"], from_oldest=True,
                max_delivery_attempts=2), handler)
            # Until the member's join is processed, the group does not exist (NOT_FOUND).
            wait_until(lambda: member.consumer.joined is not None, what="the group created")
            self.assertEqual(server.post_many(official(f"flaky-{i}") for i in range(3)),
                             [1, 2, 3])
            # The group's ack deadline is 30 s: attempt 2 this soon means a nack.
            wait_until(lambda: admin.ListDeadLetters(admin_pb2.ListDeadLettersRequest(
                group="flaky")).total == 1, what="a dead letter")
            # Event 2 may die before event 3 arrives: its acks say event 3 was handled.
            wait_until(lambda: sorted(member.acked) == [1, 3], what="acks of 1 and 3")
        self.assertEqual(len(logs.records), 2)
        self.assertEqual(sorted(member.handled), [(1, 1), (2, 1), (2, 2), (3, 1)])
        dead = admin.ListDeadLetters(admin_pb2.ListDeadLettersRequest(group="flaky"))
        self.assertEqual(len(dead.dead_letters), 1)
        self.assertEqual(dead.dead_letters[0].sequence, poison)
        self.assertEqual(dead.dead_letters[0].type, "call.completed")
        self.assertEqual(dead.dead_letters[0].delivery_attempts, 2)
        group = admin.GetGroup(admin_pb2.GetGroupRequest(group="flaky")).group
        self.assertEqual((group.pending, group.dead_letters, group.acked_through), (0, 1, 3))

    def test_consumer_without_nack_lets_the_deadline_pass(self):
        server = SwitchboardServer(BINARY)
        self.addCleanup(server.stop)
        failed_at = []

        def handler(event, attempt):
            if attempt == 1:
                failed_at.append(time.monotonic())
                raise RuntimeError("first attempt fails")

        with self.assertLogs("switchboard.consumer", "WARNING"):
            member = self.member(consumer_factory(
                server.grpc_addr, "patient", from_oldest=True, ack_deadline=1.0,
                nack_on_error=False), handler)
            server.post_many([official("patient-1")])
            wait_until(lambda: member.acked == [1], what="ack after the redelivery")
        self.assertEqual(member.handled, [(1, 1), (1, 2)])
        self.assertEqual(member.consumer.joined.ack_deadline.seconds, 1)
        redelivered_after = time.monotonic() - failed_at[0]
        self.assertGreaterEqual(redelivered_after, 0.9, "redelivered before the deadline: a nack?")

    def test_consumer_flow_control_caps_unacked_events(self):
        server = SwitchboardServer(BINARY)
        self.addCleanup(server.stop)
        admin = self.admin(server)
        release = threading.Event()
        self.addCleanup(release.set)
        running = []
        lock = threading.Lock()

        def handler(event, attempt):
            with lock:
                running.append(event.sequence)
            release.wait(WAIT)

        member = self.member(consumer_factory(server.grpc_addr, "slow", from_oldest=True,
                                              max_unacked=5, concurrency=10), handler)
        server.post_many(official(f"slow-{i}") for i in range(20))
        wait_until(lambda: len(running) == 5, what="five handlers running")
        time.sleep(0.5)
        self.assertEqual(sorted(running), [1, 2, 3, 4, 5])  # ten could run; five were delivered
        members = admin.GetGroup(admin_pb2.GetGroupRequest(group="slow")).group.members
        self.assertEqual([(m.max_unacked, m.unacked) for m in members], [(5, 5)])
        self.assertEqual(member.consumer.joined.max_unacked, 5)
        release.set()
        wait_until(lambda: len(member.acked) == 20, what="20 acks")
        self.assertEqual(sorted(member.sequences()), list(range(1, 21)))

    def test_consumer_rejoins_after_server_restart(self):
        data_dir = tempfile.mkdtemp(prefix="switchboard-consumer-")
        self.addCleanup(shutil.rmtree, data_dir, True)
        first = SwitchboardServer(BINARY, data_dir=data_dir)
        self.addCleanup(first.stop)
        port = int(first.grpc_addr.rsplit(":", 1)[1])
        gate = threading.Event()  # holds the handler on event 30 across the restart
        self.addCleanup(gate.set)
        restarted = threading.Event()
        delays = []

        def handler(event, attempt):
            if event.sequence == 30 and attempt == 1:
                gate.wait(WAIT)

        def sleep(delay):  # the rejoin waits for the new server
            delays.append(delay)
            restarted.wait(WAIT)
            time.sleep(delay)

        # Stored first: the group delivers all 50 at once, and the acks that
        # follow store that they were delivered (their attempt numbers survive).
        self.assertEqual(first.post_many(official(f"before-{i}") for i in range(50)),
                         list(range(1, 51)))
        member = self.member(consumer_factory(first.grpc_addr, "restart", from_oldest=True,
                                              initial_backoff=0.05, max_backoff=0.2, sleep=sleep),
                             handler)
        wait_until(lambda: len(member.acked) == 29, what="acks of 1..29 stored")
        acked_before = set(member.acked)
        self.assertEqual(acked_before, set(range(1, 30)))
        self.assertEqual(first.stop(), 0)  # ends the stream with UNAVAILABLE
        gate.set()  # the handler returns after the stream broke: its ack is lost
        second = SwitchboardServer(BINARY, grpc_port=port, data_dir=data_dir)
        self.addCleanup(second.stop)
        self.assertEqual(second.post_many(official(f"after-{i}") for i in range(10)),
                         list(range(51, 61)))
        restarted.set()

        wait_until(lambda: set(range(1, 61)) <= set(member.acked), what="every event acked")
        counts = collections.Counter(member.sequences())
        self.assertEqual(set(counts), set(range(1, 61)))  # every event handled
        self.assertEqual([s for s in acked_before if counts[s] != 1], [])  # none of those again
        self.assertIn((30, 2), member.handled)  # held across the restart: delivered again
        self.assertGreaterEqual(member.consumer.reconnects, 1)
        self.assertTrue(delays and all(0 < d <= 0.2 for d in delays), delays)
        self.assertIsNone(member.error)

    def test_consumer_raises_failed_precondition_without_retry(self):
        server = SwitchboardServer(BINARY)
        self.addCleanup(server.stop)
        first = self.member(consumer_factory(server.grpc_addr, "calls", ["call.*"]))
        wait_until(lambda: first.consumer.joined is not None, what="the group created")
        sleeps = []
        other = self.member(consumer_factory(server.grpc_addr, "calls", ["sms.*"],
                                             sleep=sleeps.append))
        self.assertTrue(other.returned.wait(WAIT), "run() did not return")
        self.assertIsInstance(other.error, grpc.RpcError)
        self.assertEqual(other.error.code(), grpc.StatusCode.FAILED_PRECONDITION)
        self.assertIn("call.*", other.error.details())
        self.assertEqual((other.consumer.reconnects, sleeps), (0, []))
        self.assertFalse(first.returned.is_set())  # the group and its member carry on

    def test_consumer_sends_its_token_and_raises_auth_errors(self):
        tokens = tempfile.NamedTemporaryFile("w", suffix=".tokens", delete=False)
        self.addCleanup(os.unlink, tokens.name)
        tokens.write(f"sha256:{hashlib.sha256(b's3cret').hexdigest()}  billing  call.*\n")
        tokens.close()
        server = SwitchboardServer(BINARY, flags=[f"--grpc_token_file={tokens.name}"])
        self.addCleanup(server.stop)
        for options, code in (({}, grpc.StatusCode.UNAUTHENTICATED),
                              ({"token": "wrong"}, grpc.StatusCode.UNAUTHENTICATED),
                              ({"token": "s3cret", "event_types": ["sms.*"]},
                               grpc.StatusCode.PERMISSION_DENIED)):
            sleeps = []
            refused = self.member(consumer_factory(server.grpc_addr, "billing",
                                                   sleep=sleeps.append, **options))
            self.assertTrue(refused.returned.wait(WAIT), "run() did not return")
            self.assertEqual(refused.error.code(), code, options)
            self.assertEqual((refused.consumer.reconnects, sleeps), (0, []))
        member = self.member(consumer_factory(server.grpc_addr, "billing", token="s3cret",
                                              from_oldest=True))
        server.post_many([official("with-token")])
        wait_until(lambda: member.acked == [1], what="the event, with the token's grant")
        self.assertEqual(list(member.consumer.joined.event_types), ["call.*"])

    def test_consumer_raises_aborted_when_its_group_is_deleted(self):
        server = SwitchboardServer(BINARY)
        self.addCleanup(server.stop)
        sleeps = []
        member = self.member(consumer_factory(server.grpc_addr, "doomed", sleep=sleeps.append))
        wait_until(lambda: member.consumer.joined is not None, what="joined")
        self.admin(server).DeleteGroup(admin_pb2.DeleteGroupRequest(group="doomed"))
        self.assertTrue(member.returned.wait(WAIT), "run() did not return")
        self.assertEqual(member.error.code(), grpc.StatusCode.ABORTED)
        self.assertEqual((member.consumer.reconnects, sleeps), (0, []))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    BINARY, FIXTURES = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
