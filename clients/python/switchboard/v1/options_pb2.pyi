from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor
EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
JSON_INLINE_FIELD_NUMBER: _ClassVar[int]
UTC_DATE_TIME_FROM_FIELD_NUMBER: _ClassVar[int]
event_type: _descriptor.FieldDescriptor
json_inline: _descriptor.FieldDescriptor
utc_date_time_from: _descriptor.FieldDescriptor
