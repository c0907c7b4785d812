from google.protobuf import timestamp_pb2 as _timestamp_pb2
from switchboard.v1 import call_pb2 as _call_pb2
from switchboard.v1 import options_pb2 as _options_pb2
from switchboard.v1 import sms_pb2 as _sms_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CallAnswered(_message.Message):
    __slots__ = ["agent_id", "agent_name", "call", "call_id", "direction", "status", "to"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_NAME_FIELD_NUMBER: _ClassVar[int]
    CALL_FIELD_NUMBER: _ClassVar[int]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    agent_id: int
    agent_name: str
    call: _call_pb2.Call
    call_id: str
    direction: str
    status: str
    to: str
    def __init__(self, call_id: _Optional[str] = ..., direction: _Optional[str] = ..., to: _Optional[str] = ..., agent_id: _Optional[int] = ..., agent_name: _Optional[str] = ..., status: _Optional[str] = ..., call: _Optional[_Union[_call_pb2.Call, _Mapping]] = ..., **kwargs) -> None: ...

class CallCompleted(_message.Message):
    __slots__ = ["agent_id", "agent_name", "call", "call_id", "direction", "disposition", "duration", "notes", "recording_url", "status", "to"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_NAME_FIELD_NUMBER: _ClassVar[int]
    CALL_FIELD_NUMBER: _ClassVar[int]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    DISPOSITION_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    RECORDING_URL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    agent_id: int
    agent_name: str
    call: _call_pb2.Call
    call_id: str
    direction: str
    disposition: str
    duration: int
    notes: str
    recording_url: str
    status: str
    to: str
    def __init__(self, call_id: _Optional[str] = ..., direction: _Optional[str] = ..., to: _Optional[str] = ..., agent_id: _Optional[int] = ..., agent_name: _Optional[str] = ..., duration: _Optional[int] = ..., status: _Optional[str] = ..., recording_url: _Optional[str] = ..., notes: _Optional[str] = ..., disposition: _Optional[str] = ..., call: _Optional[_Union[_call_pb2.Call, _Mapping]] = ..., **kwargs) -> None: ...

class CallMissed(_message.Message):
    __slots__ = ["agent_id", "agent_name", "call", "call_id", "direction", "ring_duration", "status", "to"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_NAME_FIELD_NUMBER: _ClassVar[int]
    CALL_FIELD_NUMBER: _ClassVar[int]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    RING_DURATION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    agent_id: int
    agent_name: str
    call: _call_pb2.Call
    call_id: str
    direction: str
    ring_duration: int
    status: str
    to: str
    def __init__(self, call_id: _Optional[str] = ..., direction: _Optional[str] = ..., to: _Optional[str] = ..., agent_id: _Optional[int] = ..., agent_name: _Optional[str] = ..., ring_duration: _Optional[int] = ..., status: _Optional[str] = ..., call: _Optional[_Union[_call_pb2.Call, _Mapping]] = ..., **kwargs) -> None: ...

class ContactCreated(_message.Message):
    __slots__ = ["company", "contact_id", "email", "first_name", "last_name", "phone", "source"]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    company: str
    contact_id: int
    email: str
    first_name: str
    last_name: str
    phone: str
    source: str
    def __init__(self, contact_id: _Optional[int] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ..., company: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class ContactUpdated(_message.Message):
    __slots__ = ["changed_fields", "company", "contact_id", "email", "first_name", "last_name", "phone", "source"]
    CHANGED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    changed_fields: _containers.RepeatedScalarFieldContainer[str]
    company: str
    contact_id: int
    email: str
    first_name: str
    last_name: str
    phone: str
    source: str
    def __init__(self, contact_id: _Optional[int] = ..., changed_fields: _Optional[_Iterable[str]] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ..., company: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class SmsDelivered(_message.Message):
    __slots__ = ["delivered_at", "direction", "message_id", "status", "to"]
    DELIVERED_AT_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    delivered_at: _timestamp_pb2.Timestamp
    direction: str
    message_id: str
    status: str
    to: str
    def __init__(self, message_id: _Optional[str] = ..., direction: _Optional[str] = ..., to: _Optional[str] = ..., status: _Optional[str] = ..., delivered_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., **kwargs) -> None: ...

class SmsReceived(_message.Message):
    __slots__ = ["agent_id", "body", "direction", "media_url", "message_id", "sms", "to"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    MEDIA_URL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    SMS_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    agent_id: int
    body: str
    direction: str
    media_url: str
    message_id: str
    sms: _sms_pb2.Sms
    to: str
    def __init__(self, message_id: _Optional[str] = ..., direction: _Optional[str] = ..., to: _Optional[str] = ..., body: _Optional[str] = ..., media_url: _Optional[str] = ..., agent_id: _Optional[int] = ..., sms: _Optional[_Union[_sms_pb2.Sms, _Mapping]] = ..., **kwargs) -> None: ...

class SmsSent(_message.Message):
    __slots__ = ["agent_id", "body", "direction", "media_url", "message_id", "sms", "to"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    MEDIA_URL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    SMS_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    agent_id: int
    body: str
    direction: str
    media_url: str
    message_id: str
    sms: _sms_pb2.Sms
    to: str
    def __init__(self, message_id: _Optional[str] = ..., direction: _Optional[str] = ..., to: _Optional[str] = ..., body: _Optional[str] = ..., media_url: _Optional[str] = ..., agent_id: _Optional[int] = ..., sms: _Optional[_Union[_sms_pb2.Sms, _Mapping]] = ..., **kwargs) -> None: ...

class VoicemailReceived(_message.Message):
    __slots__ = ["agent_id", "call_id", "duration", "recording_url", "to", "transcription"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    RECORDING_URL_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    TRANSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    agent_id: int
    call_id: str
    duration: int
    recording_url: str
    to: str
    transcription: str
    def __init__(self, call_id: _Optional[str] = ..., to: _Optional[str] = ..., agent_id: _Optional[int] = ..., duration: _Optional[int] = ..., recording_url: _Optional[str] = ..., transcription: _Optional[str] = ..., **kwargs) -> None: ...
