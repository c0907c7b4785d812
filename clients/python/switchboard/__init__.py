"""Python client for Switchboard's switchboard.v1.EventStream.

Generated stubs live in :mod:`switchboard.v1` (``event_pb2``,
``event_stream_pb2``, ``event_stream_pb2_grpc``, ``consumer_group_service_pb2_grpc``,
...); the resume-on-reconnect helper is :class:`switchboard.subscription.Subscription`,
the consumer group member :class:`switchboard.consumer.Consumer`.
"""

from switchboard.consumer import Consumer
from switchboard.subscription import Subscription

__all__ = ["Consumer", "Subscription"]
