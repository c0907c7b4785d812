from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from switchboard.v1 import appointment_pb2 as _appointment_pb2
from switchboard.v1 import call_pb2 as _call_pb2
from switchboard.v1 import contact_pb2 as _contact_pb2
from switchboard.v1 import justcall_pb2 as _justcall_pb2
from switchboard.v1 import options_pb2 as _options_pb2
from switchboard.v1 import sales_dialer_pb2 as _sales_dialer_pb2
from switchboard.v1 import sms_pb2 as _sms_pb2
from switchboard.v1 import whatsapp_pb2 as _whatsapp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Event(_message.Message):
    __slots__ = ["appointment_scheduled", "call_ai_voice_agent", "call_answered", "call_completed", "call_enters_queue", "call_exits_queue", "call_incoming", "call_initiated", "call_missed", "call_updated", "call_voicemail", "contact_created", "contact_updated", "data_json", "envelope_extras", "id", "jc_call_ai_generated", "jc_contact_status_updated", "occurred_at", "other", "received_at", "schema_mismatches", "sd_call_ai_generated", "sd_call_completed", "sd_call_updated", "sequence", "sms_delivered", "sms_received", "sms_sent", "sms_sent_received", "sms_status_updated", "type", "url_id", "verified_by", "voicemail_received", "webhook_url", "whatsapp_message_received", "whatsapp_message_sent", "whatsapp_message_status_updated"]
    class EnvelopeExtrasEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    APPOINTMENT_SCHEDULED_FIELD_NUMBER: _ClassVar[int]
    CALL_AI_VOICE_AGENT_FIELD_NUMBER: _ClassVar[int]
    CALL_ANSWERED_FIELD_NUMBER: _ClassVar[int]
    CALL_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    CALL_ENTERS_QUEUE_FIELD_NUMBER: _ClassVar[int]
    CALL_EXITS_QUEUE_FIELD_NUMBER: _ClassVar[int]
    CALL_INCOMING_FIELD_NUMBER: _ClassVar[int]
    CALL_INITIATED_FIELD_NUMBER: _ClassVar[int]
    CALL_MISSED_FIELD_NUMBER: _ClassVar[int]
    CALL_UPDATED_FIELD_NUMBER: _ClassVar[int]
    CALL_VOICEMAIL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_CREATED_FIELD_NUMBER: _ClassVar[int]
    CONTACT_UPDATED_FIELD_NUMBER: _ClassVar[int]
    DATA_JSON_FIELD_NUMBER: _ClassVar[int]
    ENVELOPE_EXTRAS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    JC_CALL_AI_GENERATED_FIELD_NUMBER: _ClassVar[int]
    JC_CONTACT_STATUS_UPDATED_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    OTHER_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_MISMATCHES_FIELD_NUMBER: _ClassVar[int]
    SD_CALL_AI_GENERATED_FIELD_NUMBER: _ClassVar[int]
    SD_CALL_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    SD_CALL_UPDATED_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    SMS_DELIVERED_FIELD_NUMBER: _ClassVar[int]
    SMS_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    SMS_SENT_FIELD_NUMBER: _ClassVar[int]
    SMS_SENT_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    SMS_STATUS_UPDATED_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    URL_ID_FIELD_NUMBER: _ClassVar[int]
    VERIFIED_BY_FIELD_NUMBER: _ClassVar[int]
    VOICEMAIL_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_URL_FIELD_NUMBER: _ClassVar[int]
    WHATSAPP_MESSAGE_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    WHATSAPP_MESSAGE_SENT_FIELD_NUMBER: _ClassVar[int]
    WHATSAPP_MESSAGE_STATUS_UPDATED_FIELD_NUMBER: _ClassVar[int]
    appointment_scheduled: _appointment_pb2.AppointmentScheduled
    call_ai_voice_agent: _call_pb2.CallAiVoiceAgent
    call_answered: _justcall_pb2.CallAnswered
    call_completed: _justcall_pb2.CallCompleted
    call_enters_queue: _call_pb2.CallEntersQueue
    call_exits_queue: _call_pb2.CallExitsQueue
    call_incoming: _call_pb2.CallIncoming
    call_initiated: _call_pb2.CallInitiated
    call_missed: _justcall_pb2.CallMissed
    call_updated: _call_pb2.CallUpdated
    call_voicemail: _call_pb2.CallVoicemail
    contact_created: _justcall_pb2.ContactCreated
    contact_updated: _justcall_pb2.ContactUpdated
    data_json: str
    envelope_extras: _containers.ScalarMap[str, str]
    id: str
    jc_call_ai_generated: _call_pb2.CallAiGenerated
    jc_contact_status_updated: _contact_pb2.ContactStatusUpdated
    occurred_at: _timestamp_pb2.Timestamp
    other: _struct_pb2.Struct
    received_at: _timestamp_pb2.Timestamp
    schema_mismatches: _containers.RepeatedCompositeFieldContainer[SchemaMismatch]
    sd_call_ai_generated: _sales_dialer_pb2.SdCallAiGenerated
    sd_call_completed: _sales_dialer_pb2.SdCallCompleted
    sd_call_updated: _sales_dialer_pb2.SdCallUpdated
    sequence: int
    sms_delivered: _justcall_pb2.SmsDelivered
    sms_received: _justcall_pb2.SmsReceived
    sms_sent: _justcall_pb2.SmsSent
    sms_sent_received: _sms_pb2.SmsSentReceived
    sms_status_updated: _sms_pb2.SmsStatusUpdated
    type: str
    url_id: str
    verified_by: _containers.RepeatedScalarFieldContainer[str]
    voicemail_received: _justcall_pb2.VoicemailReceived
    webhook_url: str
    whatsapp_message_received: _whatsapp_pb2.WhatsAppMessageReceived
    whatsapp_message_sent: _whatsapp_pb2.WhatsAppMessageSent
    whatsapp_message_status_updated: _whatsapp_pb2.WhatsAppMessageStatusUpdated
    def __init__(self, sequence: _Optional[int] = ..., id: _Optional[str] = ..., type: _Optional[str] = ..., occurred_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., received_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., webhook_url: _Optional[str] = ..., url_id: _Optional[str] = ..., data_json: _Optional[str] = ..., schema_mismatches: _Optional[_Iterable[_Union[SchemaMismatch, _Mapping]]] = ..., envelope_extras: _Optional[_Mapping[str, str]] = ..., verified_by: _Optional[_Iterable[str]] = ..., call_completed: _Optional[_Union[_justcall_pb2.CallCompleted, _Mapping]] = ..., call_missed: _Optional[_Union[_justcall_pb2.CallMissed, _Mapping]] = ..., call_answered: _Optional[_Union[_justcall_pb2.CallAnswered, _Mapping]] = ..., sms_received: _Optional[_Union[_justcall_pb2.SmsReceived, _Mapping]] = ..., sms_sent: _Optional[_Union[_justcall_pb2.SmsSent, _Mapping]] = ..., sms_delivered: _Optional[_Union[_justcall_pb2.SmsDelivered, _Mapping]] = ..., voicemail_received: _Optional[_Union[_justcall_pb2.VoicemailReceived, _Mapping]] = ..., contact_created: _Optional[_Union[_justcall_pb2.ContactCreated, _Mapping]] = ..., contact_updated: _Optional[_Union[_justcall_pb2.ContactUpdated, _Mapping]] = ..., call_incoming: _Optional[_Union[_call_pb2.CallIncoming, _Mapping]] = ..., call_initiated: _Optional[_Union[_call_pb2.CallInitiated, _Mapping]] = ..., call_updated: _Optional[_Union[_call_pb2.CallUpdated, _Mapping]] = ..., call_voicemail: _Optional[_Union[_call_pb2.CallVoicemail, _Mapping]] = ..., call_enters_queue: _Optional[_Union[_call_pb2.CallEntersQueue, _Mapping]] = ..., call_exits_queue: _Optional[_Union[_call_pb2.CallExitsQueue, _Mapping]] = ..., call_ai_voice_agent: _Optional[_Union[_call_pb2.CallAiVoiceAgent, _Mapping]] = ..., jc_call_ai_generated: _Optional[_Union[_call_pb2.CallAiGenerated, _Mapping]] = ..., sms_sent_received: _Optional[_Union[_sms_pb2.SmsSentReceived, _Mapping]] = ..., sms_status_updated: _Optional[_Union[_sms_pb2.SmsStatusUpdated, _Mapping]] = ..., whatsapp_message_sent: _Optional[_Union[_whatsapp_pb2.WhatsAppMessageSent, _Mapping]] = ..., whatsapp_message_received: _Optional[_Union[_whatsapp_pb2.WhatsAppMessageReceived, _Mapping]] = ..., whatsapp_message_status_updated: _Optional[_Union[_whatsapp_pb2.WhatsAppMessageStatusUpdated, _Mapping]] = ..., appointment_scheduled: _Optional[_Union[_appointment_pb2.AppointmentScheduled, _Mapping]] = ..., jc_contact_status_updated: _Optional[_Union[_contact_pb2.ContactStatusUpdated, _Mapping]] = ..., sd_call_completed: _Optional[_Union[_sales_dialer_pb2.SdCallCompleted, _Mapping]] = ..., sd_call_updated: _Optional[_Union[_sales_dialer_pb2.SdCallUpdated, _Mapping]] = ..., sd_call_ai_generated: _Optional[_Union[_sales_dialer_pb2.SdCallAiGenerated, _Mapping]] = ..., other: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class SchemaMismatch(_message.Message):
    __slots__ = ["path", "reason"]
    PATH_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    path: str
    reason: str
    def __init__(self, path: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...
