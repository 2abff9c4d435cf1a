"""A begun execution is written with the next write: one transaction per short execution."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from runtime.history import HistoryError, HistoryStore
from tests.runtime.history.test_history import begin, step_row

EID = "held-back-0001"


def _raw(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _commits(store: HistoryStore) -> list[str]:
    seen: list[str] = []
    store._wconn.set_trace_callback(  # noqa: SLF001 - counting the statements is the point
        lambda sql: seen.append(sql) if sql.startswith(("COMMIT", "INSERT", "UPDATE")) else None)
    return seen


@pytest.mark.parametrize("background", [False, True])
def test_a_short_execution_is_one_transaction_and_one_insert(tmp_path: Path,
                                                            background: bool) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path, background=background) as store:
        seen = _commits(store)
        begin(store, EID)
        store.add_steps([step_row(EID, 0), step_row(EID, 1)])
        store.finish_execution(EID, status="success", message="done", completed=9.0,
                               transitions=2)
        store.flush()
        assert sum(s.startswith("COMMIT") for s in seen) == 1
        assert not any(s.startswith("UPDATE executions") for s in seen)
    row = _raw(path, "SELECT status, message, started, ended, completed, transitions, "
                     "log_level, worker FROM executions")
    assert row[0][:7] == ("success", "done", 100.0, 9.0, 9.0, 2, "INFO")
    assert row[0][7]  # the worker is kept from the begin
    assert [r[0] for r in _raw(path, "SELECT seq FROM steps ORDER BY seq")] == [0, 1]


@pytest.mark.parametrize("background", [False, True])
def test_a_begun_execution_reads_as_running_through_the_store_and_after_a_flush(
        tmp_path: Path, background: bool) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path, background=background) as store:
        begin(store, EID)
        assert _raw(path, "SELECT id FROM executions") == []  # held back
        record = store.get_execution(EID)  # a read through this store writes it first
        assert record is not None and record.status == "running"
        assert _raw(path, "SELECT id, status FROM executions") == [(EID, "running")]
        store.add_steps([step_row(EID, 0)])
        store.finish_execution(EID, status="failed", message=None, completed=None,
                               transitions=1)
        store.flush()
    assert _raw(path, "SELECT status FROM executions") == [("failed",)]
    assert len(_raw(path, "SELECT seq FROM steps")) == 1


def test_rows_flushed_before_the_finish_bring_their_execution_in(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path, flush_rows=2) as store:
        begin(store, EID)
        store.add_steps([step_row(EID, 0), step_row(EID, 1)])  # past flush_rows: written
        assert _raw(path, "SELECT count(*) FROM steps") == [(2,)]
        assert _raw(path, "SELECT status FROM executions") == [("running",)]


def test_a_duplicate_of_a_written_execution_is_refused_at_its_write(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        begin(store, EID)
        store.finish_execution(EID, status="success", message=None, completed=1.0,
                               transitions=0)
        begin(store, EID)  # finished already: known to the database only
        with pytest.raises(HistoryError, match="already exists"):
            store.flush()
        assert store.get_execution(EID).status == "success"  # type: ignore[union-attr]


def test_close_interrupts_a_begun_execution_never_written(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        begin(store, EID)
    assert _raw(path, "SELECT status FROM executions") == [("interrupted",)]


@pytest.mark.parametrize("background", [False, True])
def test_short_executions_in_a_burst_share_a_commit_and_keep_their_order(
        tmp_path: Path, background: bool) -> None:
    path = tmp_path / "h.sqlite3"
    ids = [f"burst-{i:03d}" for i in range(20)]
    with HistoryStore(path, background=background) as store:
        seen = _commits(store)
        for eid in ids:
            begin(store, eid, started=5.0)
            store.add_steps([step_row(eid, 0)])
            store.finish_execution(eid, status="success", message=None, completed=6.0,
                                   transitions=1)
        listed = [r.id for r in store.list_executions()]  # a read writes what is held
        assert sum(s.startswith("COMMIT") for s in seen) < len(ids)
    assert listed == ids[::-1]  # same start: newest (last begun) first, as before
    assert _raw(path, "SELECT count(*) FROM steps") == [(20,)]
    assert _raw(path, "SELECT DISTINCT status FROM executions") == [("success",)]


def test_an_execution_begun_before_another_finishes_keeps_its_place(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        begin(store, "first", started=5.0)
        begin(store, "second", started=5.0)
        store.finish_execution("second", status="success", message=None, completed=6.0,
                               transitions=0)
        store.finish_execution("first", status="failed", message="x", completed=None,
                               transitions=0)
        assert [(r.id, r.status) for r in store.list_executions()] == [
            ("second", "success"), ("first", "failed")]


def test_a_batch_mixing_long_and_short_executions_keeps_every_known_row(tmp_path: Path) -> None:
    from runtime.history.writer import OWN_STATEMENT_ROWS

    path = tmp_path / "h.sqlite3"
    long_rows = OWN_STATEMENT_ROWS + 5
    with HistoryStore(path) as store:
        begin(store, "long")
        begin(store, "short")
        store.flush()
        rows = [step_row("long", i) for i in range(long_rows)]
        rows += [step_row("short", 0), step_row("ghost", 0)]  # ghost: never begun, dropped
        rows.append(step_row("long", 3, status="failed"))  # the same seq again: the last wins
        store.add_steps(rows)
        store.flush()
        assert len(store.steps("long")) == long_rows
        assert store.steps("long")[3].status == "failed"
        assert [s.seq for s in store.steps("short")] == [0]
    assert _raw(path, "SELECT count(*) FROM steps") == [(long_rows + 1,)]


@pytest.mark.parametrize("count", [3, 80])  # short (key in front) and long (key written in)
def test_narrow_and_full_step_rows_read_back_exactly(tmp_path: Path, count: int) -> None:
    from runtime.history import STEP_COLUMNS

    rows = []
    for seq in range(count):
        extra = {} if seq % 3 else {"message": f"m{seq}", "iteration": seq, "path": "p",
                                    "input_json": "{}", "detail": "d", "params_json": "[]"}
        rows.append(step_row(EID, seq, transition="next" if seq % 2 else None, **extra))
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        begin(store, EID)
        store.flush()
        store.add_steps(rows)
        store.flush()
        read = store.steps(EID)
    assert len(read) == count
    for record, row in zip(read, rows, strict=True):
        for index, name in enumerate(STEP_COLUMNS[1:], start=1):
            assert getattr(record, name) == row[index], (record.seq, name)


@pytest.mark.parametrize("background", [False, True])
def test_rows_split_over_statements_when_sqlite_takes_few_values(tmp_path: Path,
                                                                 background: bool) -> None:
    """Rows go in as multi-row INSERTs; a low bound-value limit only makes more of them."""
    rows = [step_row("long", i, message="m" if i % 7 == 0 else None) for i in range(300)]
    rows += [step_row(f"short{i}", 0) for i in range(40)]
    rows.append(step_row("long", 5, status="failed"))  # the same seq again: the last wins
    logs = [("long", i, 100.0 + i, "INFO", f"line {i}", None) for i in range(130)]
    with HistoryStore(tmp_path / "h.sqlite3", background=background) as store:
        store._wconn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 30)  # noqa: SLF001
        for eid in ["long", *(f"short{i}" for i in range(40))]:
            begin(store, eid)
        store.flush()
        seen = _commits(store)
        store.add_steps(rows)
        store.add_logs(logs)
        store.flush()
        long_steps = store.steps("long")
        assert [s.seq for s in long_steps] == list(range(300))
        assert long_steps[5].status == "failed" and long_steps[7].message == "m"
        assert [s.seq for s in store.steps("short39")] == [0]
        assert [entry.message for entry in store.logs("long")][-1] == "line 129"
        assert len(store.logs("long")) == 130
    assert sum(s.startswith("INSERT") for s in seen) > 20  # split: 30 values per statement
    assert _raw(tmp_path / "h.sqlite3", "SELECT count(*) FROM steps") == [(340,)]
