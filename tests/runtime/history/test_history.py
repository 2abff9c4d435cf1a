"""Execution history store: round trips, filters, recovery, exports and durability.

Plain pytest, no Qt. Most tests run against a file database in both write modes (inline
and the background writer thread); the durability test SIGKILLs a child process in the
middle of its flush loop and checks the database it leaves behind.
"""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from runtime.history import (
    HISTORY_ENV,
    INTERRUPTED_MESSAGE,
    LOG_COLUMNS,
    OS_LOG_COLUMNS,
    SCHEMA_VERSION,
    STEP_COLUMNS,
    HistoryError,
    HistoryStore,
    StepRecord,
    default_history_path,
    write_logs_csv,
    write_os_logs_zip,
)

REPO = Path(__file__).resolve().parents[3]
EID = "5f0c2a9e-1b7d-4c3a-9e21-0d6f4b8a7c11"


def step_row(eid: str, seq: int, **fields: object) -> tuple:
    """A step tuple in STEP_COLUMNS order with plausible defaults."""
    values: dict[str, object] = {
        "execution_id": eid, "seq": seq, "state": f"State{seq % 3}", "type": "app",
        "status": "success", "started": 100.0 + seq, "ended": 100.5 + seq,
        "message": None, "error_code": None, "iteration": None, "parent_seq": None,
        "path": None, "child_execution": None, "input_json": None, "output_json": None,
        "transition": None, "params_json": None, "detail": None,
    }  # fmt: skip
    values.update(fields)
    assert set(values) == set(STEP_COLUMNS)
    return tuple(values[name] for name in STEP_COLUMNS)


def begin(store: HistoryStore, eid: str = EID, **fields: object) -> None:
    """Begin an execution with defaults for the required fields."""
    args: dict[str, object] = {
        "execution_id": eid, "playbook": "Phishing triage", "playbook_hash": "sha256:ab",
        "profile": None, "log_level": "INFO", "started": 100.0,
    }  # fmt: skip
    args.update(fields)
    store.begin_execution(**args)  # type: ignore[arg-type]


@pytest.fixture(params=[False, True], ids=["inline", "background"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore(tmp_path / "history.sqlite3", background=request.param) as opened:
        yield opened


# -- round trip -----------------------------------------------------------------------------


ROUND_TRIP_STEPS = [
    step_row(EID, 0, state="Trigger", type="trigger", output_json='{"ip": "1.2.3.4"}'),
    step_row(EID, 1, state="Lookup IP", input_json='{"q": 1}', output_json='{"r": 2}'),
    step_row(EID, 2, state="Notify", status="failed", ended=None, message="boom",
             error_code="E42", iteration=3, parent_seq=1, path="left",
             child_execution="child-0001"),
]  # fmt: skip
ROUND_TRIP_LOGS = [(EID, 1, 101.25, "INFO", "looked up", None),
                   (EID, None, 99.0, "WARN", "exec", "the tenant's detail")]
ROUND_TRIP_OS_LOGS = [(EID, 1, "stdout", "out\n"), (EID, 1, "stderr", "err\n")]


def fill_round_trip(store: HistoryStore) -> None:
    """One partial DEBUG execution with three steps, two log lines and OS output."""
    begin(store, log_level="debug", profile="smoke", trigger_json='{"ip": "1.2.3.4"}')
    store.add_steps(ROUND_TRIP_STEPS)
    store.add_logs(ROUND_TRIP_LOGS)
    store.add_os_logs(ROUND_TRIP_OS_LOGS)
    store.finish_execution(EID, status="partial", message="one path failed", completed=110.0,
                           transitions=3)  # fmt: skip
    store.flush()


def test_round_trip_execution_header(store: HistoryStore) -> None:
    fill_round_trip(store)
    record = store.get_execution(EID)
    assert record is not None
    assert (record.id, record.playbook, record.playbook_hash, record.profile) == (
        EID, "Phishing triage", "sha256:ab", "smoke",
    )  # fmt: skip
    assert (record.status, record.message, record.transitions) == ("partial", "one path failed", 3)
    assert (record.started, record.ended, record.completed, record.elapsed) == (
        100.0, 110.0, 110.0, 10.0,
    )  # fmt: skip
    assert record.log_level == "DEBUG" and record.records_io
    assert record.job_server == "embedded"
    assert record.worker == f"{socket.gethostname()}-{os.getpid()}"
    assert record.trigger_json == '{"ip": "1.2.3.4"}'
    assert (record.parent_execution, record.parent_seq) == (None, None)


def test_round_trip_steps_logs_and_os_logs(store: HistoryStore) -> None:
    fill_round_trip(store)
    steps = store.steps(EID)
    assert [tuple(getattr(s, c) for c in STEP_COLUMNS) for s in steps] == ROUND_TRIP_STEPS
    assert steps[1].elapsed == 0.5 and steps[2].elapsed is None
    assert store.step(EID, 2) == steps[2]
    assert store.step(EID, 9) is None
    logs = store.logs(EID)
    assert [tuple(getattr(line, c) for c in LOG_COLUMNS) for line in logs] == ROUND_TRIP_LOGS
    assert [line.state for line in logs] == ["Lookup IP", None]
    chunks = store.os_logs(EID)
    assert [tuple(getattr(c, n) for n in OS_LOG_COLUMNS) for c in chunks] == ROUND_TRIP_OS_LOGS
    assert [c.state for c in chunks] == ["Lookup IP", "Lookup IP"]
    assert store.os_logs(EID, seq=1) == chunks and store.os_logs(EID, seq=2) == []


@pytest.mark.parametrize(("status", "shown"), [("success", 9.0), ("partial", 9.0),
                                               ("failed", None), ("interrupted", None)])  # fmt: skip
def test_completed_only_for_completed_statuses(status: str, shown: float | None) -> None:
    with HistoryStore(":memory:") as store:
        begin(store)
        store.finish_execution(EID, status=status, message=None, completed=9.0, transitions=0)
        record = store.get_execution(EID)
        assert record is not None
        assert (record.status, record.ended, record.completed) == (status, 9.0, shown)


def test_bad_status_duplicate_and_unknown_execution_raise() -> None:
    with HistoryStore(":memory:") as store:
        begin(store)
        with pytest.raises(HistoryError, match="already exists"):
            begin(store)
        with pytest.raises(HistoryError, match="status must be one of"):
            store.finish_execution(EID, status="done", message=None, completed=1.0, transitions=0)
        with pytest.raises(HistoryError, match="no execution"):
            store.finish_execution("nope", status="failed", message=None, completed=None,
                                   transitions=0)  # fmt: skip


def test_background_errors_surface_at_flush_without_losing_other_writes(
    tmp_path: Path,
) -> None:
    with HistoryStore(tmp_path / "h.sqlite3", background=True) as store:
        begin(store)
        store.add_steps([step_row(EID, 0)])
        begin(store)  # duplicate: queued, fails on the writer thread
        store.add_steps([step_row(EID, 1)])
        store.finish_execution(EID, status="success", message=None, completed=1.0, transitions=2)
        with pytest.raises(HistoryError, match="already exists"):
            store.flush()
        store.flush()  # the error is reported once
        assert [s.seq for s in store.steps(EID)] == [0, 1]
        assert store.get_execution(EID).status == "success"  # type: ignore[union-attr]


def test_rows_of_unknown_execution_are_dropped_not_fatal(store: HistoryStore) -> None:
    begin(store)
    store.add_steps([step_row("ghost", 0), step_row(EID, 0)])
    store.flush()
    assert [s.seq for s in store.steps(EID)] == [0]


def test_auto_flush_past_flush_rows_is_visible_to_other_readers(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path, flush_rows=10) as writer, HistoryStore(path) as reader:
        begin(writer)
        writer.add_steps([step_row(EID, i) for i in range(9)])
        assert reader.count_steps(EID) == 0  # buffered only
        writer.add_steps([step_row(EID, 9)])
        assert reader.count_steps(EID) == 10
        assert reader.get_execution(EID).status == "running"  # type: ignore[union-attr]


# -- listing and lookup ---------------------------------------------------------------------


def test_list_executions_filters_and_newest_first(store: HistoryStore) -> None:
    specs = [("aaaa-0001", "A", 1.0, "success"), ("aaaa-0002", "B", 2.0, "failed"),
             ("bbbb-0003", "A", 3.0, "failed"), ("bbbb-0004", "A", 4.0, "running")]  # fmt: skip
    for eid, playbook, started, status in specs:
        begin(store, eid, playbook=playbook, started=started)
        if status != "running":
            store.finish_execution(eid, status=status, message=None, completed=started + 1,
                                   transitions=1)  # fmt: skip
    begin(store, "cccc-0005", started=9.0, parent_execution="bbbb-0003", parent_seq=4)
    store.flush()

    def ids(**filters: object) -> list[str]:
        return [r.id for r in store.list_executions(**filters)]  # type: ignore[arg-type]

    assert ids() == ["bbbb-0004", "bbbb-0003", "aaaa-0002", "aaaa-0001"]
    assert ids(include_children=True)[0] == "cccc-0005"
    assert ids(playbook="A") == ["bbbb-0004", "bbbb-0003", "aaaa-0001"]
    assert ids(status="failed") == ["bbbb-0003", "aaaa-0002"]
    assert ids(playbook="A", status="failed") == ["bbbb-0003"]
    assert ids(search="AAAA") == ["aaaa-0002", "aaaa-0001"]
    assert ids(search="%") == [] and ids(search="_") == []
    assert ids(limit=2, offset=1) == ["bbbb-0003", "aaaa-0002"]
    assert [r.id for r in store.children("bbbb-0003")] == ["cccc-0005"]
    assert store.children("aaaa-0001") == []


def test_prefix_lookup_and_ambiguity(store: HistoryStore) -> None:
    for eid in ("deadbeef-0001", "deadbeef-1002", "cafe*[?]-0003"):
        begin(store, eid)
    store.flush()

    def found(key: str) -> str | None:
        record = store.get_execution(key)
        return None if record is None else record.id

    assert found("deadbeef-0001") == "deadbeef-0001"
    assert found("deadbeef-1") == "deadbeef-1002"
    assert found("cafe*") == "cafe*[?]-0003"  # GLOB characters are literal
    assert found("cafe*[?") == "cafe*[?]-0003"
    assert found("DEADBEEF-1") is None  # ids are case-sensitive
    with pytest.raises(HistoryError, match="ambiguous.*deadbeef-0001, deadbeef-1002"):
        store.get_execution("deadbeef")
    with pytest.raises(HistoryError, match="ambiguous"):
        store.steps("dead")
    assert found("dea") is None  # shorter than four characters: exact match only
    assert found("feed") is None
    assert store.steps("feed") == [] and store.logs("feed") == [] and store.count_steps("feed") == 0


def test_step_filters_paging_and_state_summary(store: HistoryStore) -> None:
    begin(store)
    rows = [step_row(EID, 0, state="Trigger")]
    rows += [step_row(EID, 1 + i, state="Enrich", iteration=i, parent_seq=0,
                      status="failed" if i == 2 else "success") for i in range(4)]  # fmt: skip
    rows += [step_row(EID, 5, state="Notify", status="skipped")]
    store.add_steps(rows[::-1])  # insertion order does not matter: steps come by seq
    store.flush()

    assert [s.seq for s in store.steps(EID)] == [0, 1, 2, 3, 4, 5]
    assert [s.seq for s in store.steps(EID, state="Enrich")] == [1, 2, 3, 4]
    assert [s.seq for s in store.steps(EID, state="Enrich", iteration=2)] == [3]
    assert [s.seq for s in store.steps(EID, iteration=0)] == [1]
    assert [s.seq for s in store.steps(EID, after_seq=1, limit=2)] == [2, 3]
    assert store.count_steps(EID) == 6 and store.count_steps(EID, state="Enrich") == 4
    summary = {s.state: s for s in store.state_summary(EID)}
    assert list(summary) == ["Trigger", "Enrich", "Notify"]
    enrich = summary["Enrich"]
    assert (enrich.runs, enrich.succeeded, enrich.failed, enrich.last_seq) == (4, 3, 1, 4)
    assert enrich.last_status == "success"
    assert (summary["Notify"].skipped, summary["Notify"].last_status) == (1, "skipped")


def test_log_filters(store: HistoryStore) -> None:
    begin(store)
    store.add_steps([step_row(EID, 0, state="Lookup"), step_row(EID, 1, state="Notify")])
    store.add_logs([
        (EID, 0, 1.0, "INFO", "Resolved 100% of hosts", None),
        (EID, 0, 2.0, "DEBUG", "cache MISS for evil.example", None),
        (EID, 1, 3.0, "ERROR", "SMTP refused", None),
        (EID, None, 4.0, "INFO", "execution done", None),
    ])  # fmt: skip
    store.flush()

    def messages(**filters: object) -> list[str]:
        return [line.message for line in store.logs(EID, **filters)]  # type: ignore[arg-type]

    assert len(messages()) == 4
    assert messages(seq=0) == ["Resolved 100% of hosts", "cache MISS for evil.example"]
    assert messages(state="Notify") == ["SMTP refused"]
    assert messages(search="miss") == ["cache MISS for evil.example"]
    assert messages(search="100%") == ["Resolved 100% of hosts"]
    assert messages(search="0%_") == []
    assert messages(seq=0, search="smtp") == []


def test_delete_execution_cascades_to_children(store: HistoryStore) -> None:
    begin(store, "parent-0001")
    begin(store, "child-0002", parent_execution="parent-0001", parent_seq=0)
    begin(store, "other-0003")
    for eid in ("parent-0001", "child-0002", "other-0003"):
        store.add_steps([step_row(eid, 0)])
        store.add_logs([(eid, 0, 1.0, "INFO", "x", None)])
        store.add_os_logs([(eid, 0, "stdout", "x")])
    store.delete_execution("parent")
    assert store.get_execution("parent-0001") is None
    assert store.get_execution("child-0002") is None
    assert store.steps("other-0003") and store.logs("other-0003") and store.os_logs("other-0003")
    with store._writer._lock:  # noqa: SLF001 - inspect the raw tables
        counts = [store._wconn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: SLF001
                  for t in ("executions", "steps", "logs", "os_logs")]  # fmt: skip
    assert counts == [1, 1, 1, 1]
    store.delete_execution("no-such-execution")


# -- recovery -------------------------------------------------------------------------------


def test_close_marks_unfinished_executions_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as first:
        begin(first, "unfinished-1")
        first.add_steps([step_row("unfinished-1", 0, ended=None, started=150.0)])
        begin(first, "finished-02")
        first.finish_execution("finished-02", status="success", message=None, completed=5.0,
                               transitions=1)  # fmt: skip
    with HistoryStore(path) as second:
        record = second.get_execution("unfinished-1")
        assert record is not None
        assert (record.status, record.message) == ("interrupted", INTERRUPTED_MESSAGE)
        assert (record.ended, record.completed) == (150.0, None)  # last activity seen
        assert len(second.steps("unfinished-1")) == 1
        assert second.get_execution("finished-02").status == "success"  # type: ignore[union-attr]


def test_recovery_spares_live_owners(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    host = socket.gethostname()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)  # fmt: skip
        workers = {"live-proc": f"{host}-{sleeper.pid}", "dead-proc": f"{host}-{dead.stdout}",
                   "other-host": "elsewhere.example-1", "odd-worker": "worker"}  # fmt: skip
        with HistoryStore(path) as setup:
            for eid in workers:
                begin(setup, eid)
                setup.finish_execution(eid, status="failed", message=None, completed=None,
                                       transitions=0)  # fmt: skip
        raw = sqlite3.connect(path)
        with raw:
            raw.executemany("UPDATE executions SET status = 'running', worker = ? WHERE id = ?",
                            [(w.strip(), e) for e, w in workers.items()])  # fmt: skip
        raw.close()
        with HistoryStore(path, recover=False) as untouched:
            assert untouched.get_execution("dead-proc").status == "running"  # type: ignore[union-attr]
            begin(untouched, "this-process")  # live in this process: never recovered
            untouched.flush()  # a begin is written with the next write; other stores see it
            with HistoryStore(path) as reopened:
                status = {r.id: r.status for r in reopened.list_executions()}
                assert reopened.recover_interrupted() == 0
        assert status == {"live-proc": "running", "dead-proc": "interrupted",
                          "other-host": "interrupted", "odd-worker": "interrupted",
                          "this-process": "running"}  # fmt: skip
    finally:
        sleeper.kill()
        sleeper.wait()


# -- exports --------------------------------------------------------------------------------


def test_logs_csv_contents_filters_and_formula_escaping(
    store: HistoryStore, tmp_path: Path
) -> None:
    begin(store)
    store.add_steps([step_row(EID, 0, state="Lookup"), step_row(EID, 1, state="=Notify")])
    store.add_logs([
        (EID, 0, 1700000000.25, "INFO", "started lookup, 3 hosts", None),
        (EID, 0, 1700000001.0, "DEBUG", 'quote " and\nnewline', None),
        (EID, 1, 1700000002.5, "ERROR", "=HYPERLINK(\"http://x\")", None),
    ])  # fmt: skip
    store.flush()
    out = tmp_path / "exports" / "logs.csv"
    assert write_logs_csv(store, EID[:8], out) == 3
    with out.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert table == [
        ["time", "level", "state", "message"],
        ["2023-11-14T22:13:20.250Z", "INFO", "Lookup", "started lookup, 3 hosts"],
        ["2023-11-14T22:13:21.000Z", "DEBUG", "Lookup", 'quote " and\nnewline'],
        ["2023-11-14T22:13:22.500Z", "ERROR", "'=Notify", '\'=HYPERLINK("http://x")'],
    ]
    assert write_logs_csv(store, EID, out, search="LOOKUP") == 1
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    assert write_logs_csv(store, EID, out, seq=1, escape_formulas=False) == 1
    with out.open(encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle))[1][2:] == ["=Notify", '=HYPERLINK("http://x")']
    assert sorted(p.name for p in out.parent.iterdir()) == ["logs.csv"]  # no temp left
    with pytest.raises(HistoryError, match="no execution"):
        write_logs_csv(store, "missing-id", out)


def test_os_logs_zip_holds_one_zip_per_step(store: HistoryStore, tmp_path: Path) -> None:
    begin(store, started=1700000000.0)
    store.add_steps([step_row(EID, 0, state="Trigger"), step_row(EID, 7, state="Lookup IP/v4"),
                     step_row(EID, 12, state="Notify")])  # fmt: skip
    store.add_os_logs([
        (EID, 7, "stdout", "line 1\n"), (EID, 12, "stderr", "fatal: nope\n"),
        (EID, 7, "stderr", "warn\n"), (EID, 7, "stdout", "line 2\n"),
    ])  # fmt: skip
    store.flush()
    out = tmp_path / "oslogs.zip"
    assert write_os_logs_zip(store, EID, out) == 2
    with zipfile.ZipFile(out) as outer:
        assert outer.testzip() is None
        assert outer.namelist() == ["0007-Lookup_IP_v4.zip", "0012-Notify.zip"]
        contents = {}
        for name in outer.namelist():
            with zipfile.ZipFile(io.BytesIO(outer.read(name))) as inner:
                assert inner.namelist() == ["stdout.txt", "stderr.txt"]
                contents[name] = {n: inner.read(n).decode("utf-8") for n in inner.namelist()}
    assert contents["0007-Lookup_IP_v4.zip"] == {"stdout.txt": "line 1\nline 2\n",
                                                 "stderr.txt": "warn\n"}  # fmt: skip
    assert contents["0012-Notify.zip"] == {"stdout.txt": "", "stderr.txt": "fatal: nope\n"}
    first = out.read_bytes()
    assert write_os_logs_zip(store, EID, out) == 2 and out.read_bytes() == first  # deterministic


# -- durability and concurrency -------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import json, sys
    from runtime.history import HistoryStore
    store = HistoryStore(sys.argv[1], flush_rows=500, background=sys.argv[2] == "1")
    eid = "kill-0001"
    store.begin_execution(execution_id=eid, playbook="pb", playbook_hash="h", profile=None,
                          log_level="DEBUG", started=0.0)
    payload = "x" * 2000
    seq = 0
    while True:
        store.add_steps([(eid, s, f"S{s % 7}", "app", "success", float(s), s + 0.5, f"m{s}",
                          None, s % 10, None, None, None, payload, json.dumps({"seq": s}),
                          None, None, None)
                         for s in range(seq, seq + 500)])
        store.add_logs([(eid, seq, float(seq), "INFO", f"batch {seq}", None)])
        seq += 500
        if seq == 1000:
            store.flush()
            print("writing", flush=True)
    """
)


@pytest.mark.parametrize("background", [False, True], ids=["inline", "background"])
def test_kill_mid_flush_leaves_readable_complete_rows(tmp_path: Path, background: bool) -> None:
    path = tmp_path / "killed.sqlite3"
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(path), "1" if background else "0"],
                             stdout=subprocess.PIPE, env=env, text=True)  # fmt: skip
    try:
        assert child.stdout is not None and child.stdout.readline() == "writing\n"
        time.sleep(0.4)
    finally:
        child.kill()  # SIGKILL on POSIX: no cleanup, no close()
        child.wait()
    assert child.returncode != 0

    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()
    with HistoryStore(path) as store:
        record = store.get_execution("kill-0001")
        assert record is not None
        assert (record.status, record.message) == ("interrupted", INTERRUPTED_MESSAGE)
        steps = store.steps("kill-0001")
        assert len(steps) >= 1000 and len(steps) % 500 == 0  # whole batches only
        expected = [StepRecord("kill-0001", s, f"S{s % 7}", "app", "success", float(s), s + 0.5,
                               f"m{s}", None, s % 10, None, None, None, "x" * 2000,
                               json.dumps({"seq": s})) for s in range(len(steps))]  # fmt: skip
        assert steps == expected
        assert record.ended == steps[-1].ended


def test_readers_see_whole_batches_while_the_engine_writes(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    seen: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()
    with HistoryStore(path, flush_rows=1000) as store:
        begin(store)

        def read() -> None:
            try:
                while not done.is_set():
                    seen.append(store.count_steps(EID))
                    store.list_executions()
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                errors.append(exc)

        reader = threading.Thread(target=read)
        reader.start()
        for batch in range(30):
            store.add_steps([step_row(EID, batch * 1000 + i) for i in range(1000)])
        done.set()
        reader.join()
    assert not errors
    assert seen and seen == sorted(seen) and all(n % 1000 == 0 for n in seen)


# -- files, schema and paths ----------------------------------------------------------------


def test_database_is_wal_versioned_and_private(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "h.sqlite3"
    HistoryStore(path).close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    indexes = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"executions_playbook_started", "executions_status", "steps_state",
            "logs_seq"} <= indexes  # fmt: skip
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    if os.name == "posix":
        assert path.stat().st_mode & 0o077 == 0
    with pytest.raises(HistoryError, match="newer"):
        HistoryStore(path)


def test_not_a_database_raises_history_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(HistoryError, match="cannot open history database"):
        HistoryStore(path)


def test_closed_store_refuses_reads() -> None:
    store = HistoryStore(":memory:")
    store.close()
    store.close()  # idempotent
    with pytest.raises(HistoryError, match="closed"):
        store.list_executions()


def test_default_history_path_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(HISTORY_ENV, str(tmp_path / "custom.sqlite3"))
    assert default_history_path() == tmp_path / "custom.sqlite3"
    monkeypatch.setenv(HISTORY_ENV, "~/h.sqlite3")
    assert default_history_path() == Path.home() / "h.sqlite3"
    monkeypatch.delenv(HISTORY_ENV)
    fallback = default_history_path()
    assert fallback.name == "history.sqlite3" and "playbook-studio" in fallback.parts


# -- concurrent processes on one database ----------------------------------------------------


def test_concurrent_runs_on_one_database_lose_nothing(tmp_path: Path) -> None:
    """The bench's scenario, smaller: no "database is locked", every step row there."""
    repo = Path(__file__).resolve().parents[3]
    db = tmp_path / "h.sqlite3"
    done = subprocess.run(
        [sys.executable, str(repo / "bench" / "history_concurrency.py"), "--runs", "6",
         "--transitions", "4000", "--db", str(db)],
        cwd=repo, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 finished, 0 failed, 24,000 step rows, 0 lost" in done.stdout
    with HistoryStore(db) as store:
        records = store.list_executions()
        assert len(records) == 6
        for record in records:
            assert len(store.steps(record.id)) == 4000


def test_a_write_waits_for_another_process_lock_instead_of_failing(tmp_path: Path) -> None:
    from runtime.history.writer import begin

    db = tmp_path / "h.sqlite3"
    HistoryStore(db).close()
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(db, timeout=0.05, isolation_level=None)
    threading.Timer(0.5, lambda: holder.execute("COMMIT")).start()
    began = time.monotonic()
    begin(waiter, patience=10)  # SQLite alone would give up after 50 ms
    waiter.execute("COMMIT")
    assert time.monotonic() - began >= 0.4
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        holder.execute("BEGIN IMMEDIATE")
        begin(waiter, patience=0.2)
    holder.execute("COMMIT")
    holder.close()
    waiter.close()
