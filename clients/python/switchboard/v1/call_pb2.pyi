from google.protobuf import timestamp_pb2 as _timestamp_pb2
from switchboard.v1 import ai_pb2 as _ai_pb2
from switchboard.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Call(_message.Message):
    __slots__ = ["agent_active", "agent_email", "agent_id", "agent_name", "call_date", "call_duration", "call_info", "call_sid", "call_time", "call_user_date", "call_user_time", "called_at", "contact_email", "contact_name", "contact_number", "cost_incurred", "id", "ivr_info", "justcall_ai", "justcall_line_name", "justcall_number"]
    AGENT_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    AGENT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_NAME_FIELD_NUMBER: _ClassVar[int]
    CALLED_AT_FIELD_NUMBER: _ClassVar[int]
    CALL_DATE_FIELD_NUMBER: _ClassVar[int]
    CALL_DURATION_FIELD_NUMBER: _ClassVar[int]
    CALL_INFO_FIELD_NUMBER: _ClassVar[int]
    CALL_SID_FIELD_NUMBER: _ClassVar[int]
    CALL_TIME_FIELD_NUMBER: _ClassVar[int]
    CALL_USER_DATE_FIELD_NUMBER: _ClassVar[int]
    CALL_USER_TIME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    COST_INCURRED_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    IVR_INFO_FIELD_NUMBER: _ClassVar[int]
    JUSTCALL_AI_FIELD_NUMBER: _ClassVar[int]
    JUSTCALL_LINE_NAME_FIELD_NUMBER: _ClassVar[int]
    JUSTCALL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    agent_active: str
    agent_email: str
    agent_id: int
    agent_name: str
    call_date: str
    call_duration: CallDuration
    call_info: CallInfo
    call_sid: str
    call_time: str
    call_user_date: str
    call_user_time: str
    called_at: _timestamp_pb2.Timestamp
    contact_email: str
    contact_name: str
    contact_number: str
    cost_incurred: float
    id: int
    ivr_info: IvrInfo
    justcall_ai: _ai_pb2.JustCallAi
    justcall_line_name: str
    justcall_number: str
    def __init__(self, id: _Optional[int] = ..., call_sid: _Optional[str] = ..., contact_number: _Optional[str] = ..., contact_name: _Optional[str] = ..., contact_email: _Optional[str] = ..., justcall_number: _Optional[str] = ..., justcall_line_name: _Optional[str] = ..., agent_id: _Optional[int] = ..., agent_name: _Optional[str] = ..., agent_email: _Optional[str] = ..., agent_active: _Optional[str] = ..., call_date: _Optional[str] = ..., call_time: _Optional[str] = ..., call_user_date: _Optional[str] = ..., call_user_time: _Optional[str] = ..., cost_incurred: _Optional[float] = ..., call_info: _Optional[_Union[CallInfo, _Mapping]] = ..., call_duration: _Optional[_Union[CallDuration, _Mapping]] = ..., ivr_info: _Optional[_Union[IvrInfo, _Mapping]] = ..., justcall_ai: _Optional[_Union[_ai_pb2.JustCallAi, _Mapping]] = ..., called_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CallAiGenerated(_message.Message):
    __slots__ = ["call"]
    CALL_FIELD_NUMBER: _ClassVar[int]
    call: Call
    def __init__(self, call: _Optional[_Union[Call, _Mapping]] = ...) -> None: ...

class CallAiVoiceAgent(_message.Message):
    __slots__ = ["call"]
    CALL_FIELD_NUMBER: _ClassVar[int]
    call: Call
    def __init__(self, call: _Optional[_Union[Call, _Mapping]] = ...) -> None: ...

class CallDuration(_message.Message):
    __slots__ = ["conversation_time", "friendly_duration", "handle_time", "hold_time", "queue_wait_time", "ring_time", "total_duration", "wrap_up_time"]
    CONVERSATION_TIME_FIELD_NUMBER: _ClassVar[int]
    FRIENDLY_DURATION_FIELD_NUMBER: _ClassVar[int]
    HANDLE_TIME_FIELD_NUMBER: _ClassVar[int]
    HOLD_TIME_FIELD_NUMBER: _ClassVar[int]
    QUEUE_WAIT_TIME_FIELD_NUMBER: _ClassVar[int]
    RING_TIME_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DURATION_FIELD_NUMBER: _ClassVar[int]
    WRAP_UP_TIME_FIELD_NUMBER: _ClassVar[int]
    conversation_time: int
    friendly_duration: str
    handle_time: int
    hold_time: int
    queue_wait_time: int
    ring_time: int
    total_duration: int
    wrap_up_time: int
    def __init__(self, friendly_duration: _Optional[str] = ..., queue_wait_time: _Optional[int] = ..., ring_time: _Optional[int] = ..., hold_time: _Optional[int] = ..., wrap_up_time: _Optional[int] = ..., total_duration: _Optional[int] = ..., conversation_time: _Optional[int] = ..., handle_time: _Optional[int] = ...) -> None: ...

class CallEntersQueue(_message.Message):
    __slots__ = ["call"]
    CALL_FIELD_NUMBER: _ClassVar[int]
    call: Call
    def __init__(self, call: _Optional[_Union[Call, _Mapping]] = ...) -> None: ...

class CallExitsQueue(_message.Message):
    __slots__ = ["call"]
    CALL_FIELD_NUMBER: _ClassVar[int]
    call: Call
    def __init__(self, call: _Optional[_Union[Call, _Mapping]] = ...) -> None: ...

class CallIncoming(_message.Message):
    __slots__ = ["call"]
    CALL_FIELD_NUMBER: _ClassVar[int]
    call: Call
    def __init__(self, call: _Optional[_Union[Call, _Mapping]] = ...) -> None: ...

class CallInfo(_message.Message):
    __slots__ = ["call_traits", "direction", "disposition", "missed_call_reason", "notes", "rating", "recording", "recording_child", "status", "type", "voicemail_transcription"]
    CALL_TRAITS_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    DISPOSITION_FIELD_NUMBER: _ClassVar[int]
    MISSED_CALL_REASON_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    RECORDING_CHILD_FIELD_NUMBER: _ClassVar[int]
    RECORDING_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    VOICEMAIL_TRANSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    call_traits: _containers.RepeatedScalarFieldContainer[str]
    direction: str
    disposition: str
    missed_call_reason: str
    notes: str
    rating: str
    recording: str
    recording_child: str
    status: str
    type: str
    voicemail_transcription: str
    def __init__(self, direction: _Optional[str] = ..., type: _Optional[str] = ..., missed_call_reason: _Optional[str] = ..., status: _Optional[str] = ..., disposition: _Optional[str] = ..., notes: _Optional[str] = ..., rating: _Optional[str] = ..., recording: _Optional[str] = ..., recording_child: _Optional[str] = ..., voicemail_transcription: _Optional[str] = ..., call_traits: _Optional[_Iterable[str]] = ...) -> None: ...

class CallInitiated(_message.Message):
    __slots__ = ["call"]
    CALL_FIELD_NUMBER: _ClassVar[int]
    call: Call
    def __init__(self, call: _Optional[_Union[Call, _Mapping]] = ...) -> None: ...

class CallUpdated(_message.Message):
    __slots__ = ["call"]
    CALL_FIELD_NUMBER: _ClassVar[int]
    call: Call
    def __init__(self, call: _Optional[_Union[Call, _Mapping]] = ...) -> None: ...

class CallVoicemail(_message.Message):
    __slots__ = ["call"]
    CALL_FIELD_NUMBER: _ClassVar[int]
    call: Call
    def __init__(self, call: _Optional[_Union[Call, _Mapping]] = ...) -> None: ...

class IvrInfo(_message.Message):
    __slots__ = ["content", "digit_pressed"]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    DIGIT_PRESSED_FIELD_NUMBER: _ClassVar[int]
    content: str
    digit_pressed: str
    def __init__(self, content: _Optional[str] = ..., digit_pressed: _Optional[str] = ...) -> None: ...
