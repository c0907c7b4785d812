"""A Subscribe stream that reconnects with backoff and resumes where it left off."""

import random
import threading

import grpc

from switchboard.v1 import event_stream_pb2
from switchboard.v1 import event_stream_pb2_grpc

# Status codes after which the subscription reconnects. UNAVAILABLE covers a
# server that is down, restarting or shutting down (it ends every stream with
# UNAVAILABLE) and a broken connection; CANCELLED that close() did not cause is
# a stream cut while the server shuts down. Every other code (INVALID_ARGUMENT for a
# bad pattern, OUT_OF_RANGE when the log no longer holds the resume point,
# RESOURCE_EXHAUSTED when this subscriber fell out of retention) needs a
# decision from the caller and is raised.
RETRYABLE_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.ABORTED,
                             grpc.StatusCode.CANCELLED})


class Subscription:
    """Iterates over the events matching `event_types`, surviving reconnects.

    It remembers the sequence of the last event it yielded and, after the
    stream breaks with a retryable status (or ends), waits with exponential
    backoff and subscribes again with `after_sequence` set to it, so nothing is
    lost and nothing is yielded twice.

        with Subscription("127.0.0.1:50051", ["call.*"], after_sequence=0) as sub:
            for event in sub:
                print(event.sequence, event.type)

    `after_sequence=None` starts with a live tail: the no-loss guarantee then
    holds from the first event received. Pass a sequence (0 = the oldest
    retained event) to start from a known point, e.g. the last one you stored.

    `close()` may be called from any thread; the iteration then ends. Errors
    that are not retryable raise `grpc.RpcError` from the iteration.
    """

    def __init__(self, target, event_types=(), after_sequence=None, *, channel=None,
                 initial_backoff=0.1, max_backoff=10.0, sleep=None):
        """Args:
          target: "host:port" of the gRPC server (plaintext), unless `channel` is given.
          event_types: patterns as in SubscribeRequest.event_types ("call.*", "*", ...).
          after_sequence: where to start; None for a live tail.
          channel: a grpc.Channel to use instead of an insecure one to `target`
            (e.g. with TLS credentials). It is not closed by `close()`.
          initial_backoff, max_backoff: delays in seconds; the n-th consecutive
            failed attempt waits a random time in [d/2, d], d = min(max, initial * 2**n).
          sleep: called with the delay (seconds) before each reconnect; by
            default waits on an event that `close()` sets. For tests and custom
            scheduling.
        """
        # The channel's own reconnect backoff (1 s initial by default) follows ours.
        self._owned_channel = None if channel else grpc.insecure_channel(target, options=[
            ("grpc.initial_reconnect_backoff_ms", int(initial_backoff * 1000)),
            # gRPC uses this as the time a connection attempt may take: keep
            # it generous, or a busy server is taken for an unreachable one.
            ("grpc.min_reconnect_backoff_ms", 5000),
            ("grpc.max_reconnect_backoff_ms", int(max_backoff * 1000)),
        ])
        self._stub = event_stream_pb2_grpc.EventStreamStub(channel or self._owned_channel)
        self._event_types = list(event_types)
        self._initial_backoff = initial_backoff
        self._max_backoff = max_backoff
        self._closed = threading.Event()
        self._sleep = sleep or self._closed.wait
        self._lock = threading.Lock()
        self._call = None
        self.last_sequence = after_sequence
        """Sequence of the last event yielded (None before the first one on a live tail)."""
        self.reconnects = 0
        """How many times the stream was opened again after a break."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        """Ends the iteration (from any thread) and releases the channel it owns."""
        with self._lock:
            self._closed.set()
            if self._call is not None:
                self._call.cancel()
        if self._owned_channel is not None:
            self._owned_channel.close()

    def __iter__(self):
        failures = 0
        while not self._closed.is_set():
            call = self._open()
            if call is None:
                return
            try:
                for event in call:
                    failures = 0
                    self.last_sequence = event.sequence
                    yield event
            except grpc.RpcError as error:
                if self._closed.is_set():
                    return
                if error.code() not in RETRYABLE_CODES:
                    raise
            finally:
                call.cancel()
            if self._closed.is_set():
                return
            self._sleep(self._backoff(failures))
            failures += 1
            self.reconnects += 1

    def _open(self):
        request = event_stream_pb2.SubscribeRequest(event_types=self._event_types)
        if self.last_sequence is not None:
            request.after_sequence = self.last_sequence
        with self._lock:
            if self._closed.is_set():
                return None
            self._call = self._stub.Subscribe(request)
            return self._call

    def _backoff(self, failures):
        delay = min(self._max_backoff, self._initial_backoff * (2 ** min(failures, 32)))
        return random.uniform(delay / 2, delay)
