"""A consumer group member (EventStream.Consume) that handles, acks and rejoins by itself."""

import collections
import concurrent.futures
import logging
import queue
import random
import threading
import time

import grpc
from google.protobuf import duration_pb2

from switchboard.v1 import consumer_group_pb2
from switchboard.v1 import event_stream_pb2_grpc

logger = logging.getLogger(__name__)

# Status codes after which the consumer joins the group again. UNAVAILABLE
# covers a server that is down, restarting or shutting down (it ends every
# stream with UNAVAILABLE) and a broken connection; CANCELLED that close() did
# not cause is a stream cut while the server shuts down; RESOURCE_EXHAUSTED is
# a full server or group (too many subscribers or members), which may free up.
# Events this member held and did not get to ack come back from the server,
# to it or to another member. Every other code is raised from run():
# INVALID_ARGUMENT (a malformed join), FAILED_PRECONDITION (the group exists
# with another filter or other settings), PERMISSION_DENIED and
# UNAUTHENTICATED (the token), ABORTED (the group was deleted: joining again
# would create a new one) and UNIMPLEMENTED (a store without groups).
RETRYABLE_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED,
                             grpc.StatusCode.RESOURCE_EXHAUSTED})

# At most this many sequences in one AckEvents / NackEvents message (the server's limit).
_MAX_SEQUENCES = 10000


class _StreamEnded(Exception):
    """The stream ended with OK without close(): joined again like UNAVAILABLE."""


class Consumer:
    """A member of consumer group `group`: calls a handler per event, acks, rejoins.

    Each event matching the group's filter goes to one member of the group at
    a time; several processes running a Consumer with the same `group` share
    the events. `run(handler)` calls `handler(event, delivery_attempt)` for
    each event delivered to this member (a `switchboard.v1.Event` and 1 for the
    first delivery, 2 for the first redelivery, ...). When the handler returns,
    the event is acked (never delivered to the group again); when it raises,
    the event is nacked: delivered again at once, to any member, until it has
    had the group's `max_delivery_attempts` and is parked as a dead letter
    (`ConsumerGroupService`). With `nack_on_error=False` a failed event is
    left alone instead, and comes back after the ack deadline.

        consumer = Consumer("127.0.0.1:50051", "billing", ["call.completed"])
        consumer.run(lambda event, attempt: charge(event.call_completed.call))

    Delivery is at least once: when the stream breaks (server restart, network
    blip), run() waits with exponential backoff and joins the group again; the
    events whose ack the server had not stored come back. `on_ack_result` sees
    each `AckResult` (its `acked` sequences are stored: they will not come back).

    `close()` may be called from any thread or a signal handler: run() stops
    handing out events, waits for the handlers running now, sends their acks,
    waits up to `drain_timeout` for the server to confirm them, leaves the
    group and returns; events delivered but not handled yet go back to the
    group. Errors that are not retryable (see RETRYABLE_CODES) raise
    `grpc.RpcError` from run().

    Handlers run on `concurrency` threads. Events wait in this member (at
    most `max_unacked`) while their ack deadline runs: keep `max_unacked`
    times the handling time below the ack deadline, or they are delivered
    again meanwhile (to another member, too).
    """

    def __init__(self, target, group, event_types=(), *, after_sequence=None, from_oldest=False,
                 ack_deadline=None, max_delivery_attempts=0, max_unacked=0, concurrency=1,
                 nack_on_error=True, ack_interval=0.05, drain_timeout=5.0, channel=None,
                 token=None, initial_backoff=0.1, max_backoff=10.0, sleep=None,
                 on_ack_result=None):
        """Args:
          target: "host:port" of the gRPC server (plaintext), unless `channel` is given.
          group: the group's name (1 to 128 letters, digits, '.', '_', '-').
          event_types: the group's filter, as in SubscribeRequest.event_types;
            empty: every type (joining an existing group: its filter).
          after_sequence, from_oldest: where a new group starts (ignored when
            it exists): after this sequence, or with the oldest retained event;
            neither: events stored from now on.
          ack_deadline: seconds a member has to ack an event before it is
            delivered again (a group setting; None: 30 for a new group).
          max_delivery_attempts: deliveries of an event before it is parked as
            a dead letter (a group setting; 0: 5 for a new group).
          max_unacked: flow control: at most this many events delivered to this
            member and not yet acked or nacked (0: the server's 100).
          concurrency: handlers running at once (threads). 1 (the default)
            handles events one at a time, in delivery order.
          nack_on_error: nack an event whose handler raised (default); False
            lets its ack deadline pass instead.
          ack_interval: seconds an ack may wait to be sent with others; acks are
            sent at once when no delivered event waits for a handler.
          drain_timeout: seconds close() waits for the server to confirm the last acks.
          channel: a grpc.Channel to use instead of an insecure one to `target`
            (e.g. with TLS credentials). It is not closed by the consumer.
          token: a bearer token, sent as `authorization: Bearer TOKEN`.
          initial_backoff, max_backoff: delays in seconds; the n-th consecutive
            failed attempt waits a random time in [d/2, d], d = min(max, initial * 2**n).
          sleep: called with the delay (seconds) before each reconnect; by
            default a wait that `close()` cuts short. For tests and custom
            scheduling.
          on_ack_result: called (on run()'s thread) with each AckResult.
        """
        if after_sequence is not None and from_oldest:
            raise ValueError("after_sequence and from_oldest are exclusive")
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        join = consumer_group_pb2.JoinGroup(
            group=group, event_types=list(event_types),
            max_delivery_attempts=max_delivery_attempts, max_unacked=max_unacked)
        if after_sequence is not None:
            join.after_sequence = after_sequence
        elif from_oldest:
            join.from_oldest = True
        if ack_deadline is not None:
            join.ack_deadline.CopyFrom(_duration(ack_deadline))
        self._join = join
        # The channel's own reconnect backoff (1 s initial by default) follows ours.
        self._owned_channel = None if channel else grpc.insecure_channel(target, options=[
            ("grpc.initial_reconnect_backoff_ms", int(initial_backoff * 1000)),
            # gRPC uses this as the time a connection attempt may take: keep
            # it generous, or a busy server is taken for an unreachable one.
            ("grpc.min_reconnect_backoff_ms", 5000),
            ("grpc.max_reconnect_backoff_ms", int(max_backoff * 1000)),
        ])
        self._stub = event_stream_pb2_grpc.EventStreamStub(channel or self._owned_channel)
        self._metadata = (("authorization", "Bearer " + token),) if token else None
        self._concurrency = concurrency
        self._nack_on_error = nack_on_error
        self._ack_interval = ack_interval
        self._drain_timeout = drain_timeout
        self._initial_backoff = initial_backoff
        self._max_backoff = max_backoff
        # close() only sets a flag and puts into a SimpleQueue (reentrant):
        # it is safe in a signal handler.
        self._closed = False
        self._running = False
        self._inbox = queue.SimpleQueue()  # (stream number, kind, value) for run()'s thread
        self._sleep = sleep or self._wait_for_close
        self._on_ack_result = on_ack_result
        self.joined = None
        """The GroupJoined of the current (or last) stream: member name, the group's settings."""
        self.reconnects = 0
        """How many times the group was joined again after a break."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        """Makes run() finish; from any thread, or a signal handler. Does not wait."""
        self._closed = True
        self._inbox.put((None, "close", None))
        if not self._running:
            self._close_channel()

    def _close_channel(self):
        if self._owned_channel is not None:
            self._owned_channel.close()

    def run(self, handler):
        """Joins the group and handles events until close() or an error that is not retryable."""
        if self._running:
            raise RuntimeError("run() is already running")
        self._running = True  # then close() leaves the channel to run()
        executor = concurrent.futures.ThreadPoolExecutor(
            self._concurrency, thread_name_prefix="switchboard-consumer")
        try:
            failures = 0
            session = 0
            while not self._closed:
                session += 1
                try:
                    if self._stream(session, handler, executor):
                        failures = 0  # joined: the next break starts the backoff afresh
                except grpc.RpcError as error:
                    if self._closed:
                        return
                    if error.code() not in RETRYABLE_CODES:
                        raise
                except _StreamEnded:
                    pass
                if self._closed:
                    return
                self._sleep(self._backoff(failures))
                failures += 1
                self.reconnects += 1
        finally:
            executor.shutdown(wait=True)
            self._running = False
            if self._closed:
                self._close_channel()

    def _wait_for_close(self, delay):
        """The default sleep: `delay` seconds, or less when close() is called."""
        until = time.monotonic() + delay
        while not self._closed:
            left = until - time.monotonic()
            if left <= 0:
                return
            try:
                self._inbox.get(timeout=left)  # "close", or stale items of a past stream
            except queue.Empty:
                return

    def _stream(self, session, handler, executor):
        """One Consume stream; returns whether it joined (after close()), else raises."""
        inbox = self._inbox
        requests = queue.Queue()

        def request_iterator():
            while True:
                request = requests.get()
                if request is None:
                    return  # half-closes: the server ends the stream with OK
                yield request

        requests.put(consumer_group_pb2.ConsumeRequest(join=self._join))
        call = self._stub.Consume(request_iterator(), metadata=self._metadata)

        def read():
            try:
                for response in call:
                    inbox.put((session, "response", response))
                inbox.put((session, "end", None))
            except grpc.RpcError as error:
                inbox.put((session, "end", error))

        reader = threading.Thread(target=read, name="switchboard-consumer-reader", daemon=True)
        reader.start()

        waiting = collections.deque()  # deliveries not handed to a handler yet
        running = 0  # handlers running now
        acks, nacks = [], []  # to send
        first_pending = None  # when the oldest of them was added
        unanswered = 0  # ack and nack messages sent without their AckResult yet
        joined = closing = ended = False
        end_error = None  # how the stream ended (None: OK)
        drain_until = None

        def finished(sequence, future):
            inbox.put((session, "done", (sequence, future.exception())))

        def flush():
            nonlocal first_pending, unanswered
            for kind, sequences, message in (("ack", acks, consumer_group_pb2.AckEvents),
                                             ("nack", nacks, consumer_group_pb2.NackEvents)):
                for i in range(0, len(sequences), _MAX_SEQUENCES):
                    requests.put(consumer_group_pb2.ConsumeRequest(
                        **{kind: message(sequences=sequences[i:i + _MAX_SEQUENCES])}))
                    unanswered += 1
                sequences.clear()
            first_pending = None

        try:
            while True:
                now = time.monotonic()
                timeout = None
                if first_pending is not None:
                    timeout = max(0.0, first_pending + self._ack_interval - now)
                if drain_until is not None and running == 0:
                    left = max(0.0, drain_until - now)
                    timeout = left if timeout is None else min(timeout, left)
                try:
                    item_session, kind, value = inbox.get(timeout=timeout)
                except queue.Empty:
                    item_session = kind = value = None
                if kind == "close":
                    if not closing:
                        closing = True
                        waiting.clear()  # the server gives them back when this member leaves
                        drain_until = time.monotonic() + self._drain_timeout
                elif item_session != session:
                    pass  # from an earlier stream
                elif kind == "response":
                    which = value.WhichOneof("kind")
                    if which == "joined":
                        joined = True
                        self.joined = value.joined
                    elif which == "deliveries":
                        if not closing:
                            waiting.extend(value.deliveries.deliveries)
                    elif which == "result":
                        unanswered -= 1
                        if self._on_ack_result is not None:
                            self._on_ack_result(value.result)
                elif kind == "done":
                    running -= 1
                    sequence, error = value
                    if error is not None:
                        logger.warning("switchboard consumer: handler failed on event %d",
                                       sequence, exc_info=error)
                    if not ended:
                        if error is None:
                            acks.append(sequence)
                        elif self._nack_on_error:
                            nacks.append(sequence)
                        if first_pending is None and (acks or nacks):
                            first_pending = time.monotonic()
                elif kind == "end":
                    ended, end_error = True, value
                    # Lost with the stream: the server gives those events back.
                    waiting.clear()
                    acks.clear()
                    nacks.clear()
                    first_pending = None

                if ended:
                    # Returns once no handler of this stream's events still
                    # runs: a rejoin must not hand one of them out twice at once.
                    if running > 0:
                        continue
                    if closing:
                        return joined
                    if end_error is not None:
                        raise end_error
                    raise _StreamEnded()

                while not closing and waiting and running < self._concurrency:
                    delivery = waiting.popleft()
                    running += 1
                    future = executor.submit(handler, delivery.event, delivery.delivery_attempt)
                    future.add_done_callback(
                        lambda f, sequence=delivery.event.sequence: finished(sequence, f))
                if first_pending is not None and (
                        not waiting or closing or
                        time.monotonic() >= first_pending + self._ack_interval):
                    flush()
                if closing and running == 0 and (
                        unanswered == 0 or time.monotonic() >= drain_until):
                    requests.put(None)  # half-close: the server ends the stream with OK
                    if unanswered == 0:
                        self._wait_end(inbox, session, time.monotonic() + 1.0)
                    return joined
        finally:
            requests.put(None)
            call.cancel()
            reader.join(5)

    @staticmethod
    def _wait_end(inbox, session, until):
        """Waits (until `until`, monotonic) for the stream of `session` to end."""
        while True:
            left = until - time.monotonic()
            if left <= 0:
                return
            try:
                item_session, kind, _ = inbox.get(timeout=left)
            except queue.Empty:
                return
            if item_session == session and kind == "end":
                return

    def _backoff(self, failures):
        delay = min(self._max_backoff, self._initial_backoff * (2 ** min(failures, 32)))
        return random.uniform(delay / 2, delay)


def _duration(seconds):
    d = duration_pb2.Duration()
    d.FromNanoseconds(int(round(seconds * 1e9)))
    return d
