import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Task(_message.Message):
    __slots__ = ("namespace_id", "workflow_id", "run_id", "scheduled_event_id", "attempt", "activity_id", "workflow_type", "activity_type", "clock", "started_event_id", "version", "started_time", "start_version", "component_ref", "activity_attempt_stamp")
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    WORKFLOW_ID_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    WORKFLOW_TYPE_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_TYPE_FIELD_NUMBER: _ClassVar[int]
    CLOCK_FIELD_NUMBER: _ClassVar[int]
    STARTED_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    STARTED_TIME_FIELD_NUMBER: _ClassVar[int]
    START_VERSION_FIELD_NUMBER: _ClassVar[int]
    COMPONENT_REF_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_ATTEMPT_STAMP_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    workflow_id: str
    run_id: str
    scheduled_event_id: int
    attempt: int
    activity_id: str
    workflow_type: str
    activity_type: str
    clock: VectorClock
    started_event_id: int
    version: int
    started_time: _timestamp_pb2.Timestamp
    start_version: int
    component_ref: bytes
    activity_attempt_stamp: int
    def __init__(self, namespace_id: _Optional[str] = ..., workflow_id: _Optional[str] = ..., run_id: _Optional[str] = ..., scheduled_event_id: _Optional[int] = ..., attempt: _Optional[int] = ..., activity_id: _Optional[str] = ..., workflow_type: _Optional[str] = ..., activity_type: _Optional[str] = ..., clock: _Optional[_Union[VectorClock, _Mapping]] = ..., started_event_id: _Optional[int] = ..., version: _Optional[int] = ..., started_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., start_version: _Optional[int] = ..., component_ref: _Optional[bytes] = ..., activity_attempt_stamp: _Optional[int] = ...) -> None: ...

class VectorClock(_message.Message):
    __slots__ = ("shard_id", "clock", "cluster_id")
    SHARD_ID_FIELD_NUMBER: _ClassVar[int]
    CLOCK_FIELD_NUMBER: _ClassVar[int]
    CLUSTER_ID_FIELD_NUMBER: _ClassVar[int]
    shard_id: int
    clock: int
    cluster_id: int
    def __init__(self, shard_id: _Optional[int] = ..., clock: _Optional[int] = ..., cluster_id: _Optional[int] = ...) -> None: ...

class ComponentRef(_message.Message):
    __slots__ = ("namespace_id", "business_id", "run_id")
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_ID_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    business_id: str
    run_id: str
    def __init__(self, namespace_id: _Optional[str] = ..., business_id: _Optional[str] = ..., run_id: _Optional[str] = ...) -> None: ...
