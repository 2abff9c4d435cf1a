"""The embedded runtime: an asyncio interpreter that runs playbooks offline.

Compile a document once (:class:`CompiledPlaybook`), then run it with an :class:`Engine`
(history store + event bus) and :class:`RunOptions` (payload, fixtures, mocks, target, log
level, speed, limits). The same engine runs under ``asyncio.run`` in the CLI and tests and under
qasync in the designer. See :mod:`runtime.engine.runner` for pathways and statuses.
"""

from runtime.engine.clock import parse_speed, speed_label
from runtime.engine.compiled import CompiledPlaybook, PlaybookInvalid
from runtime.engine.context import RunOptions
from runtime.engine.errors import SCHEMA_ERROR, ExecutionStopped, PathFailed, StepError
from runtime.engine.events import EventBus
from runtime.engine.profiles import options_from_profile, profile_from_step
from runtime.engine.runner import Engine, ExecutionResult, decide_status

__all__ = [
    "SCHEMA_ERROR", "CompiledPlaybook", "Engine", "EventBus", "ExecutionResult",
    "ExecutionStopped", "PathFailed", "PlaybookInvalid", "RunOptions", "StepError",
    "decide_status", "options_from_profile", "parse_speed", "profile_from_step", "speed_label",
]
