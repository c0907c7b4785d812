from google.protobuf import timestamp_pb2 as _timestamp_pb2
from switchboard.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Media(_message.Message):
    __slots__ = ["content_type", "media_url"]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    MEDIA_URL_FIELD_NUMBER: _ClassVar[int]
    content_type: str
    media_url: str
    def __init__(self, media_url: _Optional[str] = ..., content_type: _Optional[str] = ...) -> None: ...

class Sms(_message.Message):
    __slots__ = ["agent_email", "agent_id", "agent_name", "contact_email", "contact_name", "contact_number", "cost_incurred", "delivery_status", "direction", "id", "is_deleted", "justcall_line_name", "justcall_number", "medium", "sent_at", "sms_date", "sms_info", "sms_time", "sms_user_date", "sms_user_time"]
    AGENT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    COST_INCURRED_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_STATUS_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    IS_DELETED_FIELD_NUMBER: _ClassVar[int]
    JUSTCALL_LINE_NAME_FIELD_NUMBER: _ClassVar[int]
    JUSTCALL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MEDIUM_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    SMS_DATE_FIELD_NUMBER: _ClassVar[int]
    SMS_INFO_FIELD_NUMBER: _ClassVar[int]
    SMS_TIME_FIELD_NUMBER: _ClassVar[int]
    SMS_USER_DATE_FIELD_NUMBER: _ClassVar[int]
    SMS_USER_TIME_FIELD_NUMBER: _ClassVar[int]
    agent_email: str
    agent_id: int
    agent_name: str
    contact_email: str
    contact_name: str
    contact_number: str
    cost_incurred: float
    delivery_status: str
    direction: str
    id: int
    is_deleted: bool
    justcall_line_name: str
    justcall_number: str
    medium: str
    sent_at: _timestamp_pb2.Timestamp
    sms_date: str
    sms_info: SmsInfo
    sms_time: str
    sms_user_date: str
    sms_user_time: str
    def __init__(self, id: _Optional[int] = ..., contact_number: _Optional[str] = ..., contact_name: _Optional[str] = ..., contact_email: _Optional[str] = ..., justcall_number: _Optional[str] = ..., justcall_line_name: _Optional[str] = ..., agent_id: _Optional[int] = ..., agent_name: _Optional[str] = ..., agent_email: _Optional[str] = ..., sms_date: _Optional[str] = ..., sms_user_date: _Optional[str] = ..., sms_time: _Optional[str] = ..., sms_user_time: _Optional[str] = ..., direction: _Optional[str] = ..., cost_incurred: _Optional[float] = ..., sms_info: _Optional[_Union[SmsInfo, _Mapping]] = ..., delivery_status: _Optional[str] = ..., is_deleted: bool = ..., medium: _Optional[str] = ..., sent_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SmsInfo(_message.Message):
    __slots__ = ["body", "is_mms", "mms"]
    BODY_FIELD_NUMBER: _ClassVar[int]
    IS_MMS_FIELD_NUMBER: _ClassVar[int]
    MMS_FIELD_NUMBER: _ClassVar[int]
    body: str
    is_mms: str
    mms: _containers.RepeatedCompositeFieldContainer[Media]
    def __init__(self, body: _Optional[str] = ..., is_mms: _Optional[str] = ..., mms: _Optional[_Iterable[_Union[Media, _Mapping]]] = ...) -> None: ...

class SmsSentReceived(_message.Message):
    __slots__ = ["sms"]
    SMS_FIELD_NUMBER: _ClassVar[int]
    sms: Sms
    def __init__(self, sms: _Optional[_Union[Sms, _Mapping]] = ...) -> None: ...

class SmsStatusUpdated(_message.Message):
    __slots__ = ["sms"]
    SMS_FIELD_NUMBER: _ClassVar[int]
    sms: Sms
    def __init__(self, sms: _Optional[_Union[Sms, _Mapping]] = ...) -> None: ...
