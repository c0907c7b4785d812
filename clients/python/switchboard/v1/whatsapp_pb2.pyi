from switchboard.v1 import sms_pb2 as _sms_pb2
from switchboard.v1 import options_pb2 as _options_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WhatsAppMessage(_message.Message):
    __slots__ = ["agent_email", "agent_id", "agent_name", "contact_email", "contact_name", "contact_number", "delivery_date", "delivery_status", "delivery_time", "direction", "failure_reason", "id", "justcall_line_name", "justcall_number", "message_date", "message_info", "message_origin", "message_time", "message_user_date", "message_user_time", "reaction_inbound", "reaction_inbound_time", "reaction_outbound", "reaction_outbound_time", "read_date", "read_time"]
    AGENT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_DATE_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_STATUS_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_TIME_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    JUSTCALL_LINE_NAME_FIELD_NUMBER: _ClassVar[int]
    JUSTCALL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_DATE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_INFO_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ORIGIN_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TIME_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_USER_DATE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_USER_TIME_FIELD_NUMBER: _ClassVar[int]
    REACTION_INBOUND_FIELD_NUMBER: _ClassVar[int]
    REACTION_INBOUND_TIME_FIELD_NUMBER: _ClassVar[int]
    REACTION_OUTBOUND_FIELD_NUMBER: _ClassVar[int]
    REACTION_OUTBOUND_TIME_FIELD_NUMBER: _ClassVar[int]
    READ_DATE_FIELD_NUMBER: _ClassVar[int]
    READ_TIME_FIELD_NUMBER: _ClassVar[int]
    agent_email: str
    agent_id: int
    agent_name: str
    contact_email: str
    contact_name: str
    contact_number: str
    delivery_date: str
    delivery_status: str
    delivery_time: str
    direction: str
    failure_reason: str
    id: int
    justcall_line_name: str
    justcall_number: str
    message_date: str
    message_info: WhatsAppMessageInfo
    message_origin: str
    message_time: str
    message_user_date: str
    message_user_time: str
    reaction_inbound: str
    reaction_inbound_time: str
    reaction_outbound: str
    reaction_outbound_time: str
    read_date: str
    read_time: str
    def __init__(self, id: _Optional[int] = ..., contact_number: _Optional[str] = ..., contact_name: _Optional[str] = ..., contact_email: _Optional[str] = ..., justcall_number: _Optional[str] = ..., justcall_line_name: _Optional[str] = ..., agent_id: _Optional[int] = ..., agent_name: _Optional[str] = ..., agent_email: _Optional[str] = ..., message_date: _Optional[str] = ..., message_user_date: _Optional[str] = ..., message_time: _Optional[str] = ..., message_user_time: _Optional[str] = ..., direction: _Optional[str] = ..., reaction_outbound: _Optional[str] = ..., reaction_outbound_time: _Optional[str] = ..., reaction_inbound: _Optional[str] = ..., reaction_inbound_time: _Optional[str] = ..., delivery_status: _Optional[str] = ..., delivery_date: _Optional[str] = ..., delivery_time: _Optional[str] = ..., read_date: _Optional[str] = ..., read_time: _Optional[str] = ..., failure_reason: _Optional[str] = ..., message_origin: _Optional[str] = ..., message_info: _Optional[_Union[WhatsAppMessageInfo, _Mapping]] = ...) -> None: ...

class WhatsAppMessageInfo(_message.Message):
    __slots__ = ["body", "is_mms", "mms"]
    BODY_FIELD_NUMBER: _ClassVar[int]
    IS_MMS_FIELD_NUMBER: _ClassVar[int]
    MMS_FIELD_NUMBER: _ClassVar[int]
    body: str
    is_mms: str
    mms: _sms_pb2.Media
    def __init__(self, body: _Optional[str] = ..., is_mms: _Optional[str] = ..., mms: _Optional[_Union[_sms_pb2.Media, _Mapping]] = ...) -> None: ...

class WhatsAppMessageReceived(_message.Message):
    __slots__ = ["message"]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: WhatsAppMessage
    def __init__(self, message: _Optional[_Union[WhatsAppMessage, _Mapping]] = ...) -> None: ...

class WhatsAppMessageSent(_message.Message):
    __slots__ = ["message"]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: WhatsAppMessage
    def __init__(self, message: _Optional[_Union[WhatsAppMessage, _Mapping]] = ...) -> None: ...

class WhatsAppMessageStatusUpdated(_message.Message):
    __slots__ = ["message"]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: WhatsAppMessage
    def __init__(self, message: _Optional[_Union[WhatsAppMessage, _Mapping]] = ...) -> None: ...
