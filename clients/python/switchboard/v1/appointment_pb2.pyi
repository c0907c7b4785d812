from google.protobuf import timestamp_pb2 as _timestamp_pb2
from switchboard.v1 import options_pb2 as _options_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Appointment(_message.Message):
    __slots__ = ["appointment_customer_date", "appointment_customer_time", "appointment_date", "appointment_time", "appointment_user_date", "appointment_user_time", "booked_via", "calendar_id", "calendar_language", "calendar_link", "calendar_name", "created_at", "customer_email", "customer_first_name", "customer_ip_address", "customer_last_name", "customer_number", "customer_slot", "customer_timezone", "id", "notes", "slot_duration", "starts_at", "type", "user_slot", "user_timezone"]
    APPOINTMENT_CUSTOMER_DATE_FIELD_NUMBER: _ClassVar[int]
    APPOINTMENT_CUSTOMER_TIME_FIELD_NUMBER: _ClassVar[int]
    APPOINTMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    APPOINTMENT_TIME_FIELD_NUMBER: _ClassVar[int]
    APPOINTMENT_USER_DATE_FIELD_NUMBER: _ClassVar[int]
    APPOINTMENT_USER_TIME_FIELD_NUMBER: _ClassVar[int]
    BOOKED_VIA_FIELD_NUMBER: _ClassVar[int]
    CALENDAR_ID_FIELD_NUMBER: _ClassVar[int]
    CALENDAR_LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    CALENDAR_LINK_FIELD_NUMBER: _ClassVar[int]
    CALENDAR_NAME_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_EMAIL_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_IP_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_SLOT_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    SLOT_DURATION_FIELD_NUMBER: _ClassVar[int]
    STARTS_AT_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    USER_SLOT_FIELD_NUMBER: _ClassVar[int]
    USER_TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    appointment_customer_date: str
    appointment_customer_time: str
    appointment_date: str
    appointment_time: str
    appointment_user_date: str
    appointment_user_time: str
    booked_via: str
    calendar_id: str
    calendar_language: str
    calendar_link: str
    calendar_name: str
    created_at: str
    customer_email: str
    customer_first_name: str
    customer_ip_address: str
    customer_last_name: str
    customer_number: str
    customer_slot: str
    customer_timezone: str
    id: str
    notes: str
    slot_duration: int
    starts_at: _timestamp_pb2.Timestamp
    type: str
    user_slot: str
    user_timezone: str
    def __init__(self, id: _Optional[str] = ..., booked_via: _Optional[str] = ..., calendar_id: _Optional[str] = ..., calendar_name: _Optional[str] = ..., calendar_link: _Optional[str] = ..., calendar_language: _Optional[str] = ..., customer_first_name: _Optional[str] = ..., customer_last_name: _Optional[str] = ..., customer_email: _Optional[str] = ..., customer_number: _Optional[str] = ..., customer_ip_address: _Optional[str] = ..., customer_timezone: _Optional[str] = ..., customer_slot: _Optional[str] = ..., user_timezone: _Optional[str] = ..., user_slot: _Optional[str] = ..., slot_duration: _Optional[int] = ..., type: _Optional[str] = ..., notes: _Optional[str] = ..., created_at: _Optional[str] = ..., appointment_date: _Optional[str] = ..., appointment_user_date: _Optional[str] = ..., appointment_customer_date: _Optional[str] = ..., appointment_time: _Optional[str] = ..., appointment_user_time: _Optional[str] = ..., appointment_customer_time: _Optional[str] = ..., starts_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AppointmentScheduled(_message.Message):
    __slots__ = ["appointment"]
    APPOINTMENT_FIELD_NUMBER: _ClassVar[int]
    appointment: Appointment
    def __init__(self, appointment: _Optional[_Union[Appointment, _Mapping]] = ...) -> None: ...
