"""``secret.literal``: secret-looking literals wherever a literal can stand, and masking.

A literal is looked at when it sits under a secret-sounding key (``password``, ``token``,
``api_key``, ``Authorization``, ...) or when its text looks like a secret whatever the key: a
cloud or chat token, a bearer header, a private key, a JWT, a URL with credentials or with a
token in its query, ``password=...`` or ``--token ...`` inside free text (script arguments,
Write to File data). The places scanned:

- every state's ``parameters`` (nested objects and array items, Functions and Circuits too),
  a Pass state's ``result``, a Failure's ``error``/``cause``, and unknown keys kept on a state;
- custom Function sources (string literals and ``password = "..."`` assignments, by line);
- run profiles: the trigger payload and the mocked outputs.

Dynamic values (``$.path``) are not literals and are never flagged. :func:`definition_secrets`
is what an export would write (the definition only); :func:`document_secrets` adds the parts
that stay in the native file. :func:`mask` and :func:`secret_values` serve ``executions show``
and ``logs``: the catalog has no field that marks a parameter secret, so parameters are masked
by the same key-name rule.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any

from runtime.model.document import PlaybookDocument
from runtime.model.states import AnyState
from runtime.paths import classify_value
from runtime.validate.problems import RULES, Problem, problem

RULES["secret.literal"] = (
    "warning", "no secret-looking literals in the playbook (pass them as dynamic values)")

MASK = "••••••"
MIN_LENGTH = 6

SECRET_KEY = re.compile(
    r"pass(?:word|wd|phrase)|^pass$|(?:^|[_\-.])pwd$|secret|token|api[_\-]?key|apikey|"
    r"authori[sz]ation|^auth$|[_\-]auth$|credential|private[_\-]?key|access[_\-]?key|"
    r"client[_\-]?secret|session[_\-]?id|cookie",
    re.I,
)
_TOKEN_PATTERNS = (
    ("an AWS access key", r"\bAKIA[0-9A-Z]{16}\b"),
    ("a bearer/basic credential", r"\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=\-]{8,}"),
    ("a GitHub token", r"\bgh[pousr]_[A-Za-z0-9]{30,}"),
    ("a Slack token", r"\bxox[baprs]-[A-Za-z0-9\-]{10,}"),
    ("a private key", r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    ("a JSON Web Token", r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]+"),
    ("an API key", r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}|\bsk-[A-Za-z0-9_\-]{20,}"),
    ("a Google API key", r"\bAIza[0-9A-Za-z_\-]{35}"),
    ("a URL with a user name and password", r"\b[a-z][a-z0-9+.\-]*://[^/\s:@]+:[^/\s@]+@"),
    ("a URL with a token in its query",
     r"[?&](?:access_token|token|api_key|apikey|key|secret|client_secret|password|pwd|sig|"
     r"signature|auth|code)=[^&\s#$]{6,}"),
    ("a password or token in the text",
     r"(?i)\b(?:password|passwd|pwd|secret|token|api[_\-]?key|apikey|client[_\-]?secret|"
     r"access[_\-]?key)\b[\"']?\s*[:=]\s*[\"']?(?!\$)[^\s\"'&,;]{6,}"),
    ("a password or token argument",
     r"(?i)(?:^|\s)[-/]{1,2}(?:password|passwd|pwd|pass|token|secret|api[_\-]?key|apikey)"
     r"\s+(?![\-$])\S{6,}"),
)
_TOKENS = [(label, re.compile(pattern)) for label, pattern in _TOKEN_PATTERNS]
_SOURCE_STRING = re.compile(r"(?:[rRbBuU]{0,2})(\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*')")
_SOURCE_ASSIGN = re.compile(
    r"(?i)\b[\w.]*(?:password|passwd|pwd|secret|token|api_?key|apikey|credential)\w*"
    r"\s*[:=]\s*[rRbBuU]{0,2}([\"'])([^\"'\n]{4,})\1"
)


def secret_key(key: object) -> bool:
    """Whether a field or parameter name sounds like it holds a secret."""
    return isinstance(key, str) and bool(SECRET_KEY.search(key))


def why_secret(key: object, value: Any) -> str | None:
    """Why a literal value looks secret (``None`` when it does not)."""
    if not isinstance(value, str):
        return None
    if isinstance(key, (str, int)) or key is None:
        return _why_text(key, value)
    return _why_text.__wrapped__(key, value)


@functools.lru_cache(maxsize=8192)
def _why_text(key: object, value: str) -> str | None:
    """:func:`why_secret` of a text (kept per key and text: large playbooks repeat their
    literals, and each text costs a handful of regular-expression searches)."""
    kind, payload = classify_value(value)
    if kind == "dynamic":
        return None
    text = str(payload)
    for label, pattern in _TOKENS:
        if pattern.search(text):
            return label
    if secret_key(key) and len(text.strip()) >= MIN_LENGTH and " " not in text.strip():
        return f"a literal under {key!r}"
    return None


def _walk(value: Any, key: object, path: str) -> Iterator[tuple[str, str]]:
    """``(path, reason)`` for each secret-looking literal inside a JSON value."""
    if isinstance(value, dict):
        for inner, item in value.items():
            yield from _walk(item, inner, f"{path}.{inner}" if path else str(inner))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, key, f"{path}[{index}]")
    else:
        reason = why_secret(key, value)
        if reason:
            yield path, reason


_STATE_SKIP = frozenset({
    "type", "start", "next", "default", "root", "conditions", "paths", "on_error", "action",
    "function_id", "circuit_id", "input_path", "output_path", "result_path", "error_path",
    "collection_path", "collection_variable", "duration", "batch_size", "result_selector",
    "error_selector",
})


def _message(where: str, reason: str) -> str:
    return (f"{where} holds {reason} that looks like a secret; pass it as a dynamic value "
            "(from the trigger or a credential store) instead of storing it in the playbook")


def _any_secret(value: Any, key: object) -> bool:
    """Whether :func:`_walk` finds anything in ``value`` (without spelling the paths: most
    playbooks hold no secret-looking literal at all). Loops, not any(): no generator made
    for every value."""
    if isinstance(value, dict):
        for inner, item in value.items():  # noqa: SIM110
            if _any_secret(item, inner):
                return True
        return False
    if isinstance(value, list):
        for item in value:  # noqa: SIM110
            if _any_secret(item, key):
                return True
        return False
    if not isinstance(value, str):
        return False
    if isinstance(key, str):  # (why_secret, without testing the value and key again)
        return _why_text(key, value) is not None
    return why_secret(key, value) is not None


def state_secrets(name: str, state: AnyState) -> list[Problem]:
    """Secret-looking literals in one state: parameters, results, unknown keys."""
    fields = state.__dict__
    extra = state.model_extra
    if extra:  # unknown keys, after the fields
        fields = {**fields, **extra}
    found: list[Problem] = []
    for field, value in fields.items():
        if value is None or field in _STATE_SKIP or not _any_secret(value, field):
            continue
        for path, reason in _walk(value, field, field):
            found.append(problem("secret.literal", name, path, _message(path, reason)))
    return found


def definition_secrets(definition: Mapping[str, AnyState]) -> list[Problem]:
    """Every secret-looking literal an export would write (the definition only)."""
    found: list[Problem] = []
    for name, state in definition.items():
        found.extend(state_secrets(name, state))
    return found


def source_secrets(function_id: str, source: str) -> Iterator[Problem]:
    """Secret-looking string literals and assignments in a custom Function's source."""
    seen: set[int] = set()
    where = f"functions.{function_id}.source"
    for match in _SOURCE_ASSIGN.finditer(source):
        value = match.group(2)
        if value.startswith("$") or "{" in value:
            continue
        line = source.count("\n", 0, match.start()) + 1
        seen.add(line)
        yield problem("secret.literal", None, f"{where}:{line}",
                      _message(f"line {line} of function {function_id!r}", "a literal"))
    for match in _SOURCE_STRING.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        if line in seen:
            continue
        text = match.group(1).strip("\"'")
        for label, pattern in _TOKENS:
            if pattern.search(text):
                seen.add(line)
                yield problem("secret.literal", None, f"{where}:{line}",
                              _message(f"line {line} of function {function_id!r}", label))
                break


def document_secrets(doc: PlaybookDocument) -> list[Problem]:
    """Secret-looking literals in what stays in the native file: Function sources and run
    profiles (payloads and mocked outputs)."""
    found: list[Problem] = []
    for function_id, function in doc.functions.items():
        found.extend(source_secrets(function_id, function.source))
    for profile in doc.run_profiles:
        base = f"run_profiles[{profile.name}]"
        for path, reason in _walk(profile.payload, "payload", f"{base}.payload"):
            found.append(problem("secret.literal", None, path, _message(path, reason)))
        for state, responses in profile.mocks.items():
            for index, response in enumerate(responses):
                data = response.model_dump(mode="json", exclude_none=True)
                for path, reason in _walk(data, "mock", f"{base}.mocks.{state}[{index}]"):
                    found.append(problem("secret.literal", None, path, _message(path, reason)))
        if profile.fixtures is not None:
            for path, reason in _walk(profile.fixtures, "fixtures", f"{base}.fixtures"):
                found.append(problem("secret.literal", None, path, _message(path, reason)))
    return found


def mask(value: Any, key: object = None) -> Any:
    """A copy of a JSON value with the values of secret-named keys (and secret-looking
    literals) replaced by :data:`MASK`."""
    if isinstance(value, dict):
        return {k: (MASK if secret_key(k) and v not in (None, "") and not isinstance(
            v, (dict, list)) else mask(v, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(item, key) for item in value]
    if isinstance(value, str) and why_secret(key, value):
        return MASK
    return value


def secret_values(value: Any, key: object = None) -> set[str]:
    """The literal strings :func:`mask` would hide (to hide them in log lines too)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            if secret_key(k) and isinstance(v, (str, int, float)) and str(v):
                found.add(str(v))
            else:
                found |= secret_values(v, k)
    elif isinstance(value, list):
        for item in value:
            found |= secret_values(item, key)
    elif isinstance(value, str) and why_secret(key, value):
        found.add(value)
    return {v for v in found if len(v) >= 4}


def mask_text(text: str, values: set[str]) -> str:
    """``text`` with each of ``values`` replaced by :data:`MASK` (longest first)."""
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, MASK)
    return text
