"""The playbook model: states (one discriminated union on ``type``), the native document, run
profiles, format migrations, and bounded load / atomic save."""

from runtime.model.document import (
    APPLIES_TO,
    FORMAT_VERSION,
    LOG_LEVELS,
    FunctionSource,
    Layout,
    MockResponse,
    Note,
    PlaybookDocument,
    Point,
    RunProfile,
)
from runtime.model.io import (
    DocumentError,
    document_from_data,
    dumps_document,
    load_document,
    save_document,
)
from runtime.model.states import (
    END,
    STATE_TYPES,
    ActionState,
    AnyState,
    BatchState,
    BranchState,
    CircuitState,
    FailureState,
    FunctionState,
    ParallelState,
    PassState,
    State,
    SuccessState,
    WaitState,
    catalog_id,
    state_to_dict,
)

__all__ = [
    "APPLIES_TO", "END", "FORMAT_VERSION", "LOG_LEVELS", "STATE_TYPES", "ActionState",
    "AnyState", "BatchState", "BranchState", "CircuitState", "DocumentError", "FailureState",
    "FunctionSource", "FunctionState", "Layout", "MockResponse", "Note", "ParallelState",
    "PassState", "PlaybookDocument", "Point", "RunProfile", "State", "SuccessState", "WaitState",
    "catalog_id", "document_from_data", "dumps_document", "load_document", "save_document",
    "state_to_dict",
]
