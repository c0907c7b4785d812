from switchboard.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Contact(_message.Message):
    __slots__ = ["address", "agent_id", "company", "contact_number", "created_at", "email", "extension", "id", "last_updated_at", "name", "notes", "other_numbers", "status", "status_updated_at"]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    EXTENSION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LAST_UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    OTHER_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    address: str
    agent_id: int
    company: str
    contact_number: str
    created_at: str
    email: str
    extension: int
    id: int
    last_updated_at: str
    name: str
    notes: _containers.RepeatedCompositeFieldContainer[ContactNote]
    other_numbers: _containers.RepeatedCompositeFieldContainer[ContactNumber]
    status: ContactStatus
    status_updated_at: str
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., contact_number: _Optional[str] = ..., other_numbers: _Optional[_Iterable[_Union[ContactNumber, _Mapping]]] = ..., email: _Optional[str] = ..., extension: _Optional[int] = ..., company: _Optional[str] = ..., address: _Optional[str] = ..., notes: _Optional[_Iterable[_Union[ContactNote, _Mapping]]] = ..., status: _Optional[_Union[ContactStatus, _Mapping]] = ..., status_updated_at: _Optional[str] = ..., created_at: _Optional[str] = ..., last_updated_at: _Optional[str] = ..., agent_id: _Optional[int] = ...) -> None: ...

class ContactNote(_message.Message):
    __slots__ = ["added_at", "description"]
    ADDED_AT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    added_at: str
    description: str
    def __init__(self, description: _Optional[str] = ..., added_at: _Optional[str] = ...) -> None: ...

class ContactNumber(_message.Message):
    __slots__ = ["label", "number"]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    label: str
    number: str
    def __init__(self, label: _Optional[str] = ..., number: _Optional[str] = ...) -> None: ...

class ContactStatus(_message.Message):
    __slots__ = ["blacklist", "dnd", "dnm"]
    BLACKLIST_FIELD_NUMBER: _ClassVar[int]
    DND_FIELD_NUMBER: _ClassVar[int]
    DNM_FIELD_NUMBER: _ClassVar[int]
    blacklist: bool
    dnd: bool
    dnm: bool
    def __init__(self, blacklist: bool = ..., dnd: bool = ..., dnm: bool = ...) -> None: ...

class ContactStatusUpdated(_message.Message):
    __slots__ = ["contact"]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...
