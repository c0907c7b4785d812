from google.protobuf import timestamp_pb2 as _timestamp_pb2
from switchboard.v1 import ai_pb2 as _ai_pb2
from switchboard.v1 import call_pb2 as _call_pb2
from switchboard.v1 import options_pb2 as _options_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SalesDialerCall(_message.Message):
    __slots__ = ["agent_email", "agent_id", "agent_name", "call_date", "call_duration", "call_info", "call_sid", "call_time", "call_user_date", "call_user_time", "called_at", "campaign", "contact_email", "contact_id", "contact_name", "contact_number", "id", "justcall_ai", "sales_dialer_number"]
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
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    CONTACT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    JUSTCALL_AI_FIELD_NUMBER: _ClassVar[int]
    SALES_DIALER_NUMBER_FIELD_NUMBER: _ClassVar[int]
    agent_email: str
    agent_id: int
    agent_name: str
    call_date: str
    call_duration: _call_pb2.CallDuration
    call_info: _call_pb2.CallInfo
    call_sid: str
    call_time: str
    call_user_date: str
    call_user_time: str
    called_at: _timestamp_pb2.Timestamp
    campaign: SalesDialerCampaign
    contact_email: str
    contact_id: str
    contact_name: str
    contact_number: str
    id: int
    justcall_ai: _ai_pb2.JustCallAi
    sales_dialer_number: str
    def __init__(self, id: _Optional[int] = ..., call_sid: _Optional[str] = ..., contact_id: _Optional[str] = ..., contact_name: _Optional[str] = ..., contact_number: _Optional[str] = ..., contact_email: _Optional[str] = ..., sales_dialer_number: _Optional[str] = ..., agent_id: _Optional[int] = ..., agent_name: _Optional[str] = ..., agent_email: _Optional[str] = ..., call_date: _Optional[str] = ..., call_time: _Optional[str] = ..., call_user_date: _Optional[str] = ..., call_user_time: _Optional[str] = ..., campaign: _Optional[_Union[SalesDialerCampaign, _Mapping]] = ..., call_info: _Optional[_Union[_call_pb2.CallInfo, _Mapping]] = ..., call_duration: _Optional[_Union[_call_pb2.CallDuration, _Mapping]] = ..., justcall_ai: _Optional[_Union[_ai_pb2.JustCallAi, _Mapping]] = ..., called_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SalesDialerCampaign(_message.Message):
    __slots__ = ["id", "name", "type"]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    id: int
    name: str
    type: str
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., type: _Optional[str] = ...) -> None: ...

class SdCallAiGenerated(_message.Message):
    __slots__ = ["call"]
    CALL_FIELD_NUMBER: _ClassVar[int]
    call: SalesDialerCall
    def __init__(self, call: _Optional[_Union[SalesDialerCall, _Mapping]] = ...) -> None: ...

class SdCallCompleted(_message.Message):
    __slots__ = ["call"]
    CALL_FIELD_NUMBER: _ClassVar[int]
    call: SalesDialerCall
    def __init__(self, call: _Optional[_Union[SalesDialerCall, _Mapping]] = ...) -> None: ...

class SdCallUpdated(_message.Message):
    __slots__ = ["call"]
    CALL_FIELD_NUMBER: _ClassVar[int]
    call: SalesDialerCall
    def __init__(self, call: _Optional[_Union[SalesDialerCall, _Mapping]] = ...) -> None: ...
