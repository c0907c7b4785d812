"""Python client for Switchboard's switchboard.v1.EventStream.

Generated stubs live in :mod:`switchboard.v1` (``event_pb2``,
``event_stream_pb2``, ``event_stream_pb2_grpc``, ...); the resume-on-reconnect
helper is :class:`switchboard.subscription.Subscription`.
"""

from switchboard.subscription import Subscription

__all__ = ["Subscription"]
