"""Review of the plain model classes against the pydantic models they replaced: each test is a
place where they behaved differently (checked against pydantic 2 with the old models)."""

from __future__ import annotations

import sys
import threading
from typing import Any

from runtime.model.base import Model, fields_of


def test_fields_are_resolved_safely_by_several_threads_at_once() -> None:
    """Two threads building the same model for the first time (a load on a worker thread while
    the window builds a state) both resolve its annotations; one used to read the text the
    other had just replaced with a type (TypeError: eval() arg 1 must be a string)."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    errors: list[BaseException] = []
    try:
        for round_ in range(30):
            annotations = {f"f{i}": f"int if {round_ * 100 + i + 1} else str" for i in range(40)}
            cls: Any = type(f"Fresh{round_}", (Model,),
                            {"__annotations__": annotations, "__module__": __name__})
            barrier = threading.Barrier(8)

            def resolve(cls: Any = cls, barrier: threading.Barrier = barrier) -> None:
                barrier.wait()
                try:
                    fields_of(cls)
                except BaseException as exc:  # noqa: BLE001 - reported below
                    errors.append(exc)

            threads = [threading.Thread(target=resolve) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert {info.annotation for info in fields_of(cls).values()} == {int}
    finally:
        sys.setswitchinterval(previous)
    assert errors == []
