"""The debugger from the engine API: breakpoints (plain, conditional, on a Batch iteration),
pause, continue, step, step into a Circuit, skip with a hand-given output, edit the input, kill
while paused, and time: neither the virtual clock nor the reaper counts a pause."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from engine_support import compile_playbook, document_data

from runtime.engine import CompiledPlaybook, Engine, RunOptions
from runtime.engine.debug import SKIPPED_MESSAGE, DebugError, Debugger, Paused, shape_problems
from runtime.engine.runner import KILLED_MESSAGE
from tests.runtime.engine.test_engine_flow import chain


class Session:
    """A debugged execution driven from a test: waits for pauses, collects steps."""

    def __init__(self, playbook: CompiledPlaybook, **options: Any) -> None:
        self.engine = Engine()
        self.debugger = Debugger()
        self.playbook = playbook
        self.options = RunOptions(**options)
        self.pauses: asyncio.Queue[Paused] = asyncio.Queue()
        self.steps: list[Any] = []
        self.started: list[str] = []
        self.debugger.listeners.append(self._on_pause)
        self.engine.bus.subscribe(self._on_event)
        self.execution_id = ""

    def _on_pause(self, paused: Paused | None) -> None:
        if paused is not None:
            self.pauses.put_nowait(paused)

    def _on_event(self, event: tuple[Any, ...]) -> None:
        if event[0] == "step":
            self.steps.append(event[2])
        elif event[0] == "step_started":
            self.started.append(event[3])

    def start(self) -> None:
        self.execution_id = self.debugger.start(self.engine, self.playbook, self.options)

    async def paused(self) -> Paused:
        return await asyncio.wait_for(self.pauses.get(), 5)

    async def result(self) -> Any:
        return await asyncio.wait_for(self.engine.wait(self.execution_id), 5)

    def step_of(self, state: str) -> Any:
        found = [s for s in self.steps if s.state == state]
        assert len(found) == 1, (state, found)
        return found[0]


def drive(script: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(script())


LINE = chain(
    ("A", {"type": "pass", "result": {"a": 1}, "result_path": "$.a"}),
    ("B", {"type": "pass", "result": {"b": 2}, "result_path": "$.b"}),
    ("C", {"type": "pass"}),
    ("Done", {"type": "success"}),
)


def test_breakpoint_pauses_before_the_state_with_its_input_then_continue() -> None:
    async def script() -> None:
        s = Session(compile_playbook(LINE), payload={"x": 1})
        assert s.debugger.toggle("B") is True
        s.start()
        paused = await s.paused()
        assert (paused.state, paused.type, paused.reason) == ("B", "pass", "breakpoint")
        assert paused.input == {"x": 1, "a": {"a": 1}}
        assert s.started == ["A"] and s.debugger.paused is paused  # B has not started
        await asyncio.sleep(0.05)
        assert s.started == ["A"]  # still paused
        s.debugger.resume()
        result = await s.result()
        assert result.status == "success"
        assert [r.state for r in s.steps] == ["A", "B", "C", "Done"]
        assert s.debugger.paused is None and s.pauses.empty()
        assert s.debugger.toggle("B") is False and not s.debugger.breakpoints

    drive(script)


def test_step_runs_one_state_and_pauses_at_the_next() -> None:
    async def script() -> None:
        s = Session(compile_playbook(LINE))
        s.debugger.toggle("A")
        s.start()
        assert (await s.paused()).state == "A"
        s.debugger.step()
        second = await s.paused()
        assert (second.state, second.reason) == ("B", "step")
        assert [r.state for r in s.steps] == ["A"]
        s.debugger.step()
        assert (await s.paused()).state == "C"
        s.debugger.resume()
        assert (await s.result()).status == "success"
        with pytest.raises(DebugError, match="not paused"):
            s.debugger.step()

    drive(script)


def test_edit_input_before_the_state_runs() -> None:
    async def script() -> None:
        s = Session(compile_playbook(LINE), payload={"x": 1})
        s.debugger.toggle("B")
        s.start()
        await s.paused()
        s.debugger.edit_input({"x": 99})
        s.debugger.resume()
        result = await s.result()
        assert result.output == {"x": 99, "b": {"b": 2}}

    drive(script)


BATCH = chain(
    ("Each", {"type": "batch", "collection_path": "$.items", "collection_variable": "item",
              "root": "Body", "batch_size": 1, "result_path": "$.out"}),
    ("Body", {"type": "pass", "next": "End"}),
    ("Done", {"type": "success"}),
)
BATCH["Each"]["next"] = "Done"


@pytest.mark.parametrize("condition, iteration, expected", [
    ("$.item > 2", None, [3, 4]),
    (None, 3, [3]),
    ("$.item >= 1", 1, [1]),
    ("$.item == 'x'", None, []),
])
def test_conditional_and_iteration_breakpoints_in_a_batch(
        condition: str | None, iteration: int | None, expected: list[int]) -> None:
    async def script() -> None:
        s = Session(compile_playbook(BATCH), payload={"items": [0, 1, 2, 3, 4]})
        s.debugger.set_breakpoint("Body", condition, iteration)
        s.start()
        seen: list[int] = []
        waiter = asyncio.ensure_future(s.engine.wait(s.execution_id))
        while True:
            getter = asyncio.ensure_future(s.pauses.get())
            done, _ = await asyncio.wait({getter, waiter}, timeout=5,
                                         return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                paused = getter.result()
                assert paused.iteration == paused.input["batch_index"]
                seen.append(paused.input["item"])
                s.debugger.resume()
                continue
            getter.cancel()
            assert waiter.result().status == "success"
            break
        assert seen == expected

    drive(script)


def test_bad_breakpoint_condition_is_refused() -> None:
    with pytest.raises(DebugError, match="breakpoint condition"):
        Debugger().set_breakpoint("A", "$.x >")


PING = {"type": "action", "action": "ping_device",
        "parameters": {"destination_device": "$.host"}, "result_path": "$.ping"}


def test_skip_with_output_validated_against_the_catalog_shape() -> None:
    async def script() -> None:
        s = Session(compile_playbook(chain(("Ping", PING), ("After", {"type": "pass"}),
                                           ("Done", {"type": "success"}))),
                    payload={"host": "WS-NOWHERE"}, log_level="DEBUG")
        s.debugger.toggle("Ping")
        s.start()
        await s.paused()
        with pytest.raises(DebugError, match=r"shape: \$: required property .data. not found"):
            s.debugger.skip({"status": "fine"})
        with pytest.raises(DebugError, match=r"\$.data.STATUS: number expected"):
            s.debugger.skip({"data": {"STATUS": "3", "TASK_RESULT": {"OUTPUT": "x"}}})
        assert s.debugger.paused is not None  # refused: still paused
        given = {"data": {"STATUS": 3, "TASK_RESULT": {"OUTPUT": "Reply from 10.0.0.9"}}}
        s.debugger.skip(given)
        nxt = await s.paused()  # skip steps: pauses at the next state
        assert nxt.state == "After" and nxt.input == {"host": "WS-NOWHERE", "ping": given}
        s.debugger.resume()
        result = await s.result()
        assert result.status == "success"
        ping = s.step_of("Ping")
        assert (ping.status, ping.message, ping.transition) == ("skipped", SKIPPED_MESSAGE, "next")
        assert json.loads(ping.output_json) == {"host": "WS-NOWHERE", "ping": given}

    drive(script)


def test_a_branch_cannot_be_skipped() -> None:
    async def script() -> None:
        s = Session(compile_playbook({
            "Pick": {"type": "branch", "start": True, "default": "Done",
                     "conditions": [{"condition": "$.x == 1", "next": "Done"}]},
            "Done": {"type": "success"}}))
        s.debugger.toggle("Pick")
        s.start()
        await s.paused()
        with pytest.raises(DebugError, match="Branch state cannot be skipped; edit its input"):
            s.debugger.skip({})
        s.debugger.resume()
        assert (await s.result()).status == "success"

    drive(script)


def test_kill_while_paused() -> None:
    async def script() -> None:
        s = Session(compile_playbook(LINE))
        s.debugger.toggle("C")
        s.start()
        await s.paused()
        assert s.engine.kill(s.execution_id) is True
        result = await s.result()
        assert (result.status, result.message) == ("failed", KILLED_MESSAGE)
        assert [r.state for r in s.steps] == ["A", "B"]  # C never started
        assert s.debugger.paused is None

    drive(script)


WAIT_THEN = chain(
    ("Nap", {"type": "wait", "duration": 1}),
    ("After", {"type": "pass"}),
    ("Done", {"type": "success"}),
)


def test_paused_time_is_not_simulated_time_and_not_reaped() -> None:
    """Speed ×2, a maximum runtime of 2 s, a 1 s wait (0.5 s real), then a 1.2 s real pause
    (2.4 s simulated, were it counted): without the pause the run takes 1 s simulated;
    counting the pause it would be reaped."""
    async def script() -> None:
        s = Session(compile_playbook(WAIT_THEN, max_runtime=2), speed="2")
        s.debugger.toggle("After")
        s.start()
        paused = await s.paused()
        await asyncio.sleep(1.2)
        s.debugger.resume()
        result = await s.result()
        assert result.status == "success", result.message
        assert result.ended - result.started == pytest.approx(1.0, abs=0.3)
        assert paused.time - result.started == pytest.approx(1.0, abs=0.3)
        assert s.debugger.paused_seconds >= 1.2

    drive(script)


def test_instant_clock_stands_still_while_paused() -> None:
    async def script() -> None:
        s = Session(compile_playbook(chain(
            ("Nap", {"type": "wait", "duration": 3000}),
            ("After", {"type": "pass"}), ("Done", {"type": "success"}))))
        s.debugger.toggle("After")
        s.start()
        paused = await s.paused()
        await asyncio.sleep(0.2)
        s.debugger.resume()
        result = await s.result()
        assert paused.time - result.started == 3000
        assert result.ended - result.started == 3000

    drive(script)


def test_other_paths_wait_while_one_is_paused() -> None:
    par = {
        "Fork": {"type": "parallel", "start": True, "next": "Done", "paths": [
            {"name": "a", "root": "A1"}, {"name": "b", "root": "B1"}]},
        "A1": {"type": "pass", "next": "A2"}, "A2": {"type": "pass", "next": "A3"},
        "A3": {"type": "pass", "next": "End"},
        "B1": {"type": "pass", "next": "B2"}, "B2": {"type": "pass", "next": "B3"},
        "B3": {"type": "pass", "next": "End"},
        "Done": {"type": "success"},
    }

    async def script() -> None:
        s = Session(compile_playbook(par))
        s.debugger.toggle("A2")
        s.start()
        await s.paused()
        before = list(s.started)
        await asyncio.sleep(0.1)
        assert s.started == before  # nothing started while paused
        s.debugger.resume()
        assert (await s.result()).status == "success"
        assert sorted(r.state for r in s.steps) == ["A1", "A2", "A3", "B1", "B2", "B3", "Done",
                                                    "Fork"]

    drive(script)


def _circuit(tmp_path: Path) -> CompiledPlaybook:
    child = chain(("Mark", {"type": "pass", "result": {"ok": True}, "result_path": "$.mark"}),
                  ("Finish", {"type": "pass"}), ("Contained", {"type": "success"}))
    (tmp_path / "containment.playbook.json").write_text(
        json.dumps(document_data(child, name="containment")), encoding="utf-8")
    return compile_playbook(chain(
        ("Contain", {"type": "circuit", "circuit_id": "containment", "result_path": "$.child"}),
        ("Done", {"type": "success"})), source_path=tmp_path / "parent.playbook.json")


def test_step_into_a_circuit_child_and_step_over_it(tmp_path: Path) -> None:
    async def script() -> None:
        s = Session(_circuit(tmp_path))
        s.debugger.toggle("Contain")
        s.debugger.toggle("Mark")  # a breakpoint on the child's state name does not apply
        s.start()
        top = await s.paused()
        s.debugger.step_into()
        inner = await s.paused()
        assert (inner.state, inner.depth) == ("Mark", 1)
        assert inner.execution_id != top.execution_id
        s.debugger.step()
        assert (await s.paused()).state == "Finish"
        s.debugger.step()
        assert (await s.paused()).state == "Contained"
        s.debugger.step()
        back = await s.paused()  # the child ended: the next state is the parent's
        assert (back.state, back.depth, back.execution_id) == ("Done", 0, top.execution_id)
        s.debugger.resume()
        assert (await s.result()).status == "success"

        over = Session(_circuit(tmp_path))
        over.debugger.toggle("Contain")
        over.start()
        await over.paused()
        over.debugger.step()
        assert (await over.paused()).state == "Done"  # the child's states ran unpaused
        over.debugger.resume()
        assert (await over.result()).status == "success"

    drive(script)


def test_shape_problems() -> None:
    example = {"data": [{"id": 1, "name": "x", "ok": True}], "meta": None}
    assert shape_problems(example, {"data": [], "meta": 5, "extra": 1}) == []
    assert shape_problems(example, {"data": [{"id": "1", "name": "x", "ok": 1}],
                                    "meta": None}) == [
        "$.data[0].id: number expected", "$.data[0].ok: boolean expected"]
    assert shape_problems(example, []) == ["$: object expected"]
    assert shape_problems(None, 42) == []


def test_no_debugger_no_pause() -> None:
    pb = compile_playbook(LINE)
    result = asyncio.run(Engine().run(pb, RunOptions()))
    assert result.status == "success" and result.transitions == 4
