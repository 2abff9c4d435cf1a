"""The camelCase dialect (Zoho Circuit, older): key and error-type spellings mapped both ways.

Everything this dialect assumes lives here: the key map and the ``Error.*`` names of error
types. Parameter ids inside ``parameters`` are the catalog's ids in both dialects (assumed);
keys this map does not know pass through unchanged, so unknown server keys survive a round trip.
"""

from __future__ import annotations

from typing import Any

NAME = "camel"

KEYS = {
    "on_error": "onError",
    "error_type": "errorType",
    "error_codes": "errorCodes",
    "step_delay": "stepDelay",
    "function_id": "functionId",
    "circuit_id": "circuitId",
    "result_path": "resultPath",
    "input_path": "inputPath",
    "output_path": "outputPath",
    "result_selector": "resultSelector",
    "error_selector": "errorSelector",
    "error_path": "errorPath",
    "collection_path": "collectionPath",
    "collection_variable": "collectionVariable",
    "batch_size": "batchSize",
}
KEYS_BACK = {camel: snake for snake, camel in KEYS.items()}
MARKER_KEYS = frozenset(KEYS_BACK)

ERROR_TYPES = {
    "timeout_error": "Error.TimeOut",
    "execution_error": "Error.ExecutionFailure",
    "authorization_error": "Error.AuthorizationFailure",
    "custom_error": "Error.Custom",
}
ERROR_TYPES_BACK = {camel: snake for snake, camel in ERROR_TYPES.items()}

# The only keys whose values hold more keys of this dialect (handlers, their retry and
# fallback). Every other value (parameters, results, selectors, unknown keys) is free-form data
# and is never renamed inside, so unknown server keys survive a round trip byte for byte.
NESTED = frozenset({"on_error", "retry", "fallback"})


def _rename(value: Any, keys: dict[str, str], errors: dict[str, str]) -> Any:
    if isinstance(value, list):
        return [_rename(item, keys, errors) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        key = str(key)
        snake_key = KEYS_BACK.get(key, key) if keys is KEYS_BACK else key
        new_key = keys.get(key, key)
        if snake_key == "error_type" and isinstance(item, str):
            out[new_key] = errors.get(item, item)
        elif snake_key in NESTED:
            out[new_key] = _rename(item, keys, errors)
        else:
            out[new_key] = item
    return out


def export_state(state: dict[str, Any]) -> dict[str, Any]:
    """A snake-shaped state rewritten in this dialect."""
    return _rename(state, KEYS, ERROR_TYPES)


def import_state(state: dict[str, Any]) -> dict[str, Any]:
    """A state of this dialect rewritten in the model's snake shape."""
    return _rename(state, KEYS_BACK, ERROR_TYPES_BACK)
