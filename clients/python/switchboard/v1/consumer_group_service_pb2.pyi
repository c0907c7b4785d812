from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DeadLetter(_message.Message):
    __slots__ = ["delivery_attempts", "parked_at", "sequence", "type"]
    DELIVERY_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    PARKED_AT_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    delivery_attempts: int
    parked_at: _timestamp_pb2.Timestamp
    sequence: int
    type: str
    def __init__(self, sequence: _Optional[int] = ..., type: _Optional[str] = ..., delivery_attempts: _Optional[int] = ..., parked_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DeleteGroupRequest(_message.Message):
    __slots__ = ["group"]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    group: str
    def __init__(self, group: _Optional[str] = ...) -> None: ...

class DeleteGroupResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class DropDeadLettersRequest(_message.Message):
    __slots__ = ["all", "group", "sequences"]
    ALL_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    SEQUENCES_FIELD_NUMBER: _ClassVar[int]
    all: bool
    group: str
    sequences: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, group: _Optional[str] = ..., sequences: _Optional[_Iterable[int]] = ..., all: bool = ...) -> None: ...

class DropDeadLettersResponse(_message.Message):
    __slots__ = ["dropped"]
    DROPPED_FIELD_NUMBER: _ClassVar[int]
    dropped: int
    def __init__(self, dropped: _Optional[int] = ...) -> None: ...

class GetGroupRequest(_message.Message):
    __slots__ = ["group"]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    group: str
    def __init__(self, group: _Optional[str] = ...) -> None: ...

class GetGroupResponse(_message.Message):
    __slots__ = ["group"]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    group: GroupInfo
    def __init__(self, group: _Optional[_Union[GroupInfo, _Mapping]] = ...) -> None: ...

class GroupInfo(_message.Message):
    __slots__ = ["ack_deadline", "acked_through", "created_at", "dead_letters", "event_types", "lag", "max_delivery_attempts", "members", "name", "oldest_unacked_age", "pending", "redeliveries"]
    ACKED_THROUGH_FIELD_NUMBER: _ClassVar[int]
    ACK_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    DEAD_LETTERS_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPES_FIELD_NUMBER: _ClassVar[int]
    LAG_FIELD_NUMBER: _ClassVar[int]
    MAX_DELIVERY_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OLDEST_UNACKED_AGE_FIELD_NUMBER: _ClassVar[int]
    PENDING_FIELD_NUMBER: _ClassVar[int]
    REDELIVERIES_FIELD_NUMBER: _ClassVar[int]
    ack_deadline: _duration_pb2.Duration
    acked_through: int
    created_at: _timestamp_pb2.Timestamp
    dead_letters: int
    event_types: _containers.RepeatedScalarFieldContainer[str]
    lag: int
    max_delivery_attempts: int
    members: _containers.RepeatedCompositeFieldContainer[GroupMember]
    name: str
    oldest_unacked_age: _duration_pb2.Duration
    pending: int
    redeliveries: int
    def __init__(self, name: _Optional[str] = ..., event_types: _Optional[_Iterable[str]] = ..., ack_deadline: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., max_delivery_attempts: _Optional[int] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., members: _Optional[_Iterable[_Union[GroupMember, _Mapping]]] = ..., acked_through: _Optional[int] = ..., pending: _Optional[int] = ..., lag: _Optional[int] = ..., oldest_unacked_age: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., dead_letters: _Optional[int] = ..., redeliveries: _Optional[int] = ...) -> None: ...

class GroupMember(_message.Message):
    __slots__ = ["joined_at", "max_unacked", "name", "peer", "unacked"]
    JOINED_AT_FIELD_NUMBER: _ClassVar[int]
    MAX_UNACKED_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PEER_FIELD_NUMBER: _ClassVar[int]
    UNACKED_FIELD_NUMBER: _ClassVar[int]
    joined_at: _timestamp_pb2.Timestamp
    max_unacked: int
    name: str
    peer: str
    unacked: int
    def __init__(self, name: _Optional[str] = ..., peer: _Optional[str] = ..., max_unacked: _Optional[int] = ..., unacked: _Optional[int] = ..., joined_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListDeadLettersRequest(_message.Message):
    __slots__ = ["after_sequence", "group", "limit"]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    after_sequence: int
    group: str
    limit: int
    def __init__(self, group: _Optional[str] = ..., after_sequence: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class ListDeadLettersResponse(_message.Message):
    __slots__ = ["dead_letters", "total"]
    DEAD_LETTERS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    dead_letters: _containers.RepeatedCompositeFieldContainer[DeadLetter]
    total: int
    def __init__(self, dead_letters: _Optional[_Iterable[_Union[DeadLetter, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...

class ListGroupsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListGroupsResponse(_message.Message):
    __slots__ = ["groups"]
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    groups: _containers.RepeatedCompositeFieldContainer[GroupInfo]
    def __init__(self, groups: _Optional[_Iterable[_Union[GroupInfo, _Mapping]]] = ...) -> None: ...

class RequeueDeadLettersRequest(_message.Message):
    __slots__ = ["all", "group", "sequences"]
    ALL_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    SEQUENCES_FIELD_NUMBER: _ClassVar[int]
    all: bool
    group: str
    sequences: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, group: _Optional[str] = ..., sequences: _Optional[_Iterable[int]] = ..., all: bool = ...) -> None: ...

class RequeueDeadLettersResponse(_message.Message):
    __slots__ = ["requeued"]
    REQUEUED_FIELD_NUMBER: _ClassVar[int]
    requeued: int
    def __init__(self, requeued: _Optional[int] = ...) -> None: ...

class SeekGroupRequest(_message.Message):
    __slots__ = ["after_sequence", "group", "received_since", "to_latest"]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_SINCE_FIELD_NUMBER: _ClassVar[int]
    TO_LATEST_FIELD_NUMBER: _ClassVar[int]
    after_sequence: int
    group: str
    received_since: _timestamp_pb2.Timestamp
    to_latest: bool
    def __init__(self, group: _Optional[str] = ..., after_sequence: _Optional[int] = ..., received_since: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., to_latest: bool = ...) -> None: ...

class SeekGroupResponse(_message.Message):
    __slots__ = ["group"]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    group: GroupInfo
    def __init__(self, group: _Optional[_Union[GroupInfo, _Mapping]] = ...) -> None: ...
