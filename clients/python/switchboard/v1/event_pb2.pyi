from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from switchboard.v1 import justcall_pb2 as _justcall_pb2
from switchboard.v1 import options_pb2 as _options_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Event(_message.Message):
    __slots__ = ["call_answered", "call_completed", "call_missed", "contact_created", "contact_updated", "id", "occurred_at", "other", "received_at", "sequence", "sms_delivered", "sms_received", "sms_sent", "type", "voicemail_received"]
    CALL_ANSWERED_FIELD_NUMBER: _ClassVar[int]
    CALL_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    CALL_MISSED_FIELD_NUMBER: _ClassVar[int]
    CONTACT_CREATED_FIELD_NUMBER: _ClassVar[int]
    CONTACT_UPDATED_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    OTHER_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    SMS_DELIVERED_FIELD_NUMBER: _ClassVar[int]
    SMS_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    SMS_SENT_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    VOICEMAIL_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    call_answered: _justcall_pb2.CallAnswered
    call_completed: _justcall_pb2.CallCompleted
    call_missed: _justcall_pb2.CallMissed
    contact_created: _justcall_pb2.ContactCreated
    contact_updated: _justcall_pb2.ContactUpdated
    id: str
    occurred_at: _timestamp_pb2.Timestamp
    other: _struct_pb2.Struct
    received_at: _timestamp_pb2.Timestamp
    sequence: int
    sms_delivered: _justcall_pb2.SmsDelivered
    sms_received: _justcall_pb2.SmsReceived
    sms_sent: _justcall_pb2.SmsSent
    type: str
    voicemail_received: _justcall_pb2.VoicemailReceived
    def __init__(self, sequence: _Optional[int] = ..., id: _Optional[str] = ..., type: _Optional[str] = ..., occurred_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., received_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., call_completed: _Optional[_Union[_justcall_pb2.CallCompleted, _Mapping]] = ..., call_missed: _Optional[_Union[_justcall_pb2.CallMissed, _Mapping]] = ..., call_answered: _Optional[_Union[_justcall_pb2.CallAnswered, _Mapping]] = ..., sms_received: _Optional[_Union[_justcall_pb2.SmsReceived, _Mapping]] = ..., sms_sent: _Optional[_Union[_justcall_pb2.SmsSent, _Mapping]] = ..., sms_delivered: _Optional[_Union[_justcall_pb2.SmsDelivered, _Mapping]] = ..., voicemail_received: _Optional[_Union[_justcall_pb2.VoicemailReceived, _Mapping]] = ..., contact_created: _Optional[_Union[_justcall_pb2.ContactCreated, _Mapping]] = ..., contact_updated: _Optional[_Union[_justcall_pb2.ContactUpdated, _Mapping]] = ..., other: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...
