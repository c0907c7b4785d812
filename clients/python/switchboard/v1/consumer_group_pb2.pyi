from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from switchboard.v1 import event_pb2 as _event_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AckEvents(_message.Message):
    __slots__ = ["sequences"]
    SEQUENCES_FIELD_NUMBER: _ClassVar[int]
    sequences: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, sequences: _Optional[_Iterable[int]] = ...) -> None: ...

class AckResult(_message.Message):
    __slots__ = ["acked", "extended", "nacked", "rejected"]
    ACKED_FIELD_NUMBER: _ClassVar[int]
    EXTENDED_FIELD_NUMBER: _ClassVar[int]
    NACKED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    acked: _containers.RepeatedScalarFieldContainer[int]
    extended: _containers.RepeatedScalarFieldContainer[int]
    nacked: _containers.RepeatedScalarFieldContainer[int]
    rejected: _containers.RepeatedCompositeFieldContainer[RejectedSequence]
    def __init__(self, acked: _Optional[_Iterable[int]] = ..., nacked: _Optional[_Iterable[int]] = ..., extended: _Optional[_Iterable[int]] = ..., rejected: _Optional[_Iterable[_Union[RejectedSequence, _Mapping]]] = ...) -> None: ...

class ConsumeRequest(_message.Message):
    __slots__ = ["ack", "extend", "join", "nack"]
    ACK_FIELD_NUMBER: _ClassVar[int]
    EXTEND_FIELD_NUMBER: _ClassVar[int]
    JOIN_FIELD_NUMBER: _ClassVar[int]
    NACK_FIELD_NUMBER: _ClassVar[int]
    ack: AckEvents
    extend: ExtendDeadlines
    join: JoinGroup
    nack: NackEvents
    def __init__(self, join: _Optional[_Union[JoinGroup, _Mapping]] = ..., ack: _Optional[_Union[AckEvents, _Mapping]] = ..., nack: _Optional[_Union[NackEvents, _Mapping]] = ..., extend: _Optional[_Union[ExtendDeadlines, _Mapping]] = ...) -> None: ...

class ConsumeResponse(_message.Message):
    __slots__ = ["deliveries", "joined", "result"]
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    JOINED_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    deliveries: GroupDeliveries
    joined: GroupJoined
    result: AckResult
    def __init__(self, joined: _Optional[_Union[GroupJoined, _Mapping]] = ..., deliveries: _Optional[_Union[GroupDeliveries, _Mapping]] = ..., result: _Optional[_Union[AckResult, _Mapping]] = ...) -> None: ...

class ExtendDeadlines(_message.Message):
    __slots__ = ["extension", "sequences"]
    EXTENSION_FIELD_NUMBER: _ClassVar[int]
    SEQUENCES_FIELD_NUMBER: _ClassVar[int]
    extension: _duration_pb2.Duration
    sequences: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, sequences: _Optional[_Iterable[int]] = ..., extension: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class GroupDeliveries(_message.Message):
    __slots__ = ["deliveries"]
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    deliveries: _containers.RepeatedCompositeFieldContainer[GroupDelivery]
    def __init__(self, deliveries: _Optional[_Iterable[_Union[GroupDelivery, _Mapping]]] = ...) -> None: ...

class GroupDelivery(_message.Message):
    __slots__ = ["ack_deadline", "delivery_attempt", "event"]
    ACK_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    ack_deadline: _timestamp_pb2.Timestamp
    delivery_attempt: int
    event: _event_pb2.Event
    def __init__(self, event: _Optional[_Union[_event_pb2.Event, _Mapping]] = ..., delivery_attempt: _Optional[int] = ..., ack_deadline: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GroupJoined(_message.Message):
    __slots__ = ["ack_deadline", "created", "event_types", "group", "max_delivery_attempts", "max_unacked", "member"]
    ACK_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPES_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    MAX_DELIVERY_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    MAX_UNACKED_FIELD_NUMBER: _ClassVar[int]
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    ack_deadline: _duration_pb2.Duration
    created: bool
    event_types: _containers.RepeatedScalarFieldContainer[str]
    group: str
    max_delivery_attempts: int
    max_unacked: int
    member: str
    def __init__(self, group: _Optional[str] = ..., member: _Optional[str] = ..., event_types: _Optional[_Iterable[str]] = ..., ack_deadline: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., max_delivery_attempts: _Optional[int] = ..., max_unacked: _Optional[int] = ..., created: bool = ...) -> None: ...

class JoinGroup(_message.Message):
    __slots__ = ["ack_deadline", "after_sequence", "event_types", "from_oldest", "group", "max_delivery_attempts", "max_unacked", "received_since"]
    ACK_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPES_FIELD_NUMBER: _ClassVar[int]
    FROM_OLDEST_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    MAX_DELIVERY_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    MAX_UNACKED_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_SINCE_FIELD_NUMBER: _ClassVar[int]
    ack_deadline: _duration_pb2.Duration
    after_sequence: int
    event_types: _containers.RepeatedScalarFieldContainer[str]
    from_oldest: bool
    group: str
    max_delivery_attempts: int
    max_unacked: int
    received_since: _timestamp_pb2.Timestamp
    def __init__(self, group: _Optional[str] = ..., event_types: _Optional[_Iterable[str]] = ..., after_sequence: _Optional[int] = ..., received_since: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., from_oldest: bool = ..., ack_deadline: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., max_delivery_attempts: _Optional[int] = ..., max_unacked: _Optional[int] = ...) -> None: ...

class NackEvents(_message.Message):
    __slots__ = ["sequences"]
    SEQUENCES_FIELD_NUMBER: _ClassVar[int]
    sequences: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, sequences: _Optional[_Iterable[int]] = ...) -> None: ...

class RejectedSequence(_message.Message):
    __slots__ = ["reason", "sequence"]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    reason: str
    sequence: int
    def __init__(self, sequence: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...
