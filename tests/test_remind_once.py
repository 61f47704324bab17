"""Reminders go out at most once, or are reported as unconfirmed (issue #11, item 3): claimed in
the log before the send, confirmed after, with runs on one session serialised. Against a real
local SMTP server (aiosmtpd) and the installed console script."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import CLI, SCRIPT
from tests.test_remind import Inbox, free_port

MEMBERS = 12


class SlowInbox(Inbox):
    """An inbox that can run something when the first message arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.on_first: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        if len(self.messages) == 1 and self.on_first is not None:
            self.on_first()
        return answer


@pytest.fixture(autouse=True)
def before_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reminders go out before the call: the day before the first session (Tue 3 Nov)."""
    monkeypatch.setenv("STUDYGROUP_TEST_NOW", "2026-11-02T09:00:00+00:00")


@pytest.fixture
def inbox() -> Iterator[tuple[SlowInbox, dict[str, str]]]:
    box = SlowInbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = {
        "STUDYGROUP_SMTP_HOST": "127.0.0.1",
        "STUDYGROUP_SMTP_PORT": str(controller.port),
        "STUDYGROUP_SMTP_FROM": "group@example.org",
        "STUDYGROUP_SMTP_STARTTLS": "0",
    }
    yield box, env
    controller.stop()


@pytest.fixture
def group(run: CLI) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "60")
    for n in range(MEMBERS):
        run("member", "add", f"Member {n:02d}", "--email", f"m{n}@example.org")
    run("session", "plan", "--from", "2026-11-03")
    return run


def remind(db: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, "remind", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "STUDYGROUP_DB": db, **env},
    )


def statuses(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    return {r["member"]: r["status"] for r in json.loads(result.stdout)["reminders"]}


def test_concurrent_remind_runs_send_each_reminder_once(
    group: CLI, db: str, inbox: tuple[SlowInbox, dict[str, str]]
) -> None:
    box, env = inbox
    full = {**os.environ, "STUDYGROUP_DB": db, **env}
    runs = [
        subprocess.Popen(
            [SCRIPT, "remind", "--send", "--json"],
            env=full,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], [o[1] for o in outputs]
    assert len(box.messages) == MEMBERS
    assert sorted(str(m["To"]) for m in box.messages) == sorted(
        f"Member {n:02d} <m{n}@example.org>" for n in range(MEMBERS)
    )
    every = [json.loads(out)["reminders"] for out, _ in outputs]
    sent = sum(1 for rs in every for r in rs if r["status"] == "sent")
    assert sent == MEMBERS  # the other runs found them already sent


@pytest.mark.parametrize(
    ("point", "sent_before"),
    [("remind-after-claim", 0), ("remind-after-send", 1)],
)
def test_a_kill_mid_run_leaves_at_most_one_unconfirmed_and_blocks_nobody_else(
    group: CLI, db: str, inbox: tuple[SlowInbox, dict[str, str]], point: str, sent_before: int
) -> None:
    """A run claims one recipient at a time, right before its send (issue 27, item 12): a
    SIGKILL leaves only the one in flight unconfirmed; the next run sends everyone else."""
    box, env = inbox
    killed = remind(db, "--send", env={**env, "STUDYGROUP_TEST_CRASH_AT": point})
    assert killed.returncode == -signal.SIGKILL
    assert len(box.messages) == sent_before
    again = remind(db, "--send", "--json", env=env)
    assert again.returncode == 1  # the one in flight is reported
    seen = statuses(again)
    assert len(seen) == MEMBERS
    in_flight = [who for who, status in seen.items() if status == "unconfirmed"]
    assert len(in_flight) == 1
    assert sorted(status for status in seen.values()) == ["sent"] * (MEMBERS - 1) + ["unconfirmed"]
    # everyone else was sent once, and nobody twice
    addressees = [str(m["To"]).split(" <")[0] for m in box.messages]
    assert len(addressees) == len(set(addressees)) == MEMBERS - 1 + sent_before
    assert set(addressees) | set(in_flight) == {f"Member {n:02d}" for n in range(MEMBERS)}
    assert again.stderr.strip().splitlines()[-1].startswith("Error: 1 unconfirmed (")
    assert "check the mail log" in again.stderr
    third = remind(db, "--send", "--json", env=env)  # nothing more goes out by itself
    assert sorted(statuses(third).values()) == ["already sent"] * (MEMBERS - 1) + ["unconfirmed"]
    assert len(box.messages) == MEMBERS - 1 + sent_before
    forced = remind(db, "--send", "--force", "--member", in_flight[0], "--json", env=env)
    assert forced.returncode == 0, forced.stderr
    assert statuses(forced) == {in_flight[0]: "sent"}
    assert len(box.messages) == MEMBERS + sent_before


def test_a_busy_log_never_stops_the_batch(
    group: CLI, db: str, inbox: tuple[SlowInbox, dict[str, str]], sqlite_only: None
) -> None:
    box, env = inbox
    holding = threading.Event()

    def hold_the_write_lock() -> None:  # another process keeps the lock for 3 s
        def hold() -> None:
            conn = sqlite3.connect(db, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            holding.set()
            time.sleep(3)
            conn.execute("ROLLBACK")
            conn.close()

        threading.Thread(target=hold, daemon=True).start()
        holding.wait(5)

    box.on_first = hold_the_write_lock
    result = remind(db, "--send", "--json", env={**env, "STUDYGROUP_BUSY_TIMEOUT_MS": "300"})
    assert len(box.messages) == MEMBERS  # nobody was left out
    seen = statuses(result)
    assert len(seen) == MEMBERS
    assert set(seen.values()) <= {"sent", "sent, unconfirmed"}
    time.sleep(3)
    rerun = remind(db, "--send", "--json", env=env)
    assert len(box.messages) == MEMBERS  # and the rerun sends none of them again
    assert set(statuses(rerun).values()) <= {"already sent", "unconfirmed"}


def test_outbox_and_smtp_are_logged_apart(
    group: CLI, db: str, tmp_path: Path, inbox: tuple[SlowInbox, dict[str, str]]
) -> None:
    box, env = inbox
    first, second = tmp_path / "out1", tmp_path / "new" / "out2"
    group("remind", "--outbox", str(first), "--member", "Member 00")
    group("remind", "--outbox", str(second), "--member", "Member 00")
    assert [p.name for p in first.iterdir()] == ["session-1-1.eml"]
    assert [p.name for p in second.iterdir()] == ["session-1-1.eml"]
    assert (second.stat().st_mode & 0o777) == 0o700
    assert (second.parent.stat().st_mode & 0o777) == 0o700
    assert ((second / "session-1-1.eml").stat().st_mode & 0o777) == 0o600
    again = group.json("remind", "--outbox", str(first), "--member", "Member 00")
    assert [r["status"] for r in again["reminders"]] == ["already sent"]
    sent = remind(db, "--send", "--member", "Member 00", "--json", env=env)
    assert statuses(sent) == {"Member 00": "sent"}
    assert len(box.messages) == 1


def test_an_archived_member_gets_no_reminder(group: CLI, snapshot: Any) -> None:
    group("member", "archive", "Member 03")
    before = snapshot()
    result = group("remind", "--member", "Member 03", code=1)
    assert result.stderr == (
        "Error: Member 03 is archived and gets no reminders "
        "(restore them with 'studygroup member restore')\n"
    )
    assert snapshot() == before
