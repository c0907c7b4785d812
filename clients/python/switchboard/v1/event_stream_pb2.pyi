from google.protobuf import timestamp_pb2 as _timestamp_pb2
from switchboard.v1 import consumer_group_pb2 as _consumer_group_pb2
from switchboard.v1 import event_pb2 as _event_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SubscribeRequest(_message.Message):
    __slots__ = ["after_sequence", "event_types", "from_oldest", "received_since"]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPES_FIELD_NUMBER: _ClassVar[int]
    FROM_OLDEST_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_SINCE_FIELD_NUMBER: _ClassVar[int]
    after_sequence: int
    event_types: _containers.RepeatedScalarFieldContainer[str]
    from_oldest: bool
    received_since: _timestamp_pb2.Timestamp
    def __init__(self, event_types: _Optional[_Iterable[str]] = ..., after_sequence: _Optional[int] = ..., received_since: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., from_oldest: bool = ...) -> None: ...
