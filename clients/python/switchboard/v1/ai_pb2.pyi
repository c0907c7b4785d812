from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class JustCallAi(_message.Message):
    __slots__ = ["action_items", "call_moments", "call_score", "call_summary", "call_transcription", "customer_sentiment"]
    ACTION_ITEMS_FIELD_NUMBER: _ClassVar[int]
    CALL_MOMENTS_FIELD_NUMBER: _ClassVar[int]
    CALL_SCORE_FIELD_NUMBER: _ClassVar[int]
    CALL_SUMMARY_FIELD_NUMBER: _ClassVar[int]
    CALL_TRANSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_SENTIMENT_FIELD_NUMBER: _ClassVar[int]
    action_items: str
    call_moments: _containers.RepeatedScalarFieldContainer[str]
    call_score: float
    call_summary: str
    call_transcription: _containers.RepeatedCompositeFieldContainer[TranscriptSentence]
    customer_sentiment: str
    def __init__(self, call_score: _Optional[float] = ..., call_moments: _Optional[_Iterable[str]] = ..., customer_sentiment: _Optional[str] = ..., call_summary: _Optional[str] = ..., action_items: _Optional[str] = ..., call_transcription: _Optional[_Iterable[_Union[TranscriptSentence, _Mapping]]] = ...) -> None: ...

class TranscriptSentence(_message.Message):
    __slots__ = ["sentence", "speaker_id", "speaker_name", "timestamp"]
    SENTENCE_FIELD_NUMBER: _ClassVar[int]
    SPEAKER_ID_FIELD_NUMBER: _ClassVar[int]
    SPEAKER_NAME_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    sentence: str
    speaker_id: str
    speaker_name: str
    timestamp: TranscriptTime
    def __init__(self, speaker_id: _Optional[str] = ..., speaker_name: _Optional[str] = ..., sentence: _Optional[str] = ..., timestamp: _Optional[_Union[TranscriptTime, _Mapping]] = ...) -> None: ...

class TranscriptTime(_message.Message):
    __slots__ = ["endtime", "starttime"]
    ENDTIME_FIELD_NUMBER: _ClassVar[int]
    STARTTIME_FIELD_NUMBER: _ClassVar[int]
    endtime: float
    starttime: float
    def __init__(self, starttime: _Optional[float] = ..., endtime: _Optional[float] = ...) -> None: ...
