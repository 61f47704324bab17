"""What a close does, as a rule: which lectures on the agenda were covered, which talks were
given and which are postponed, and what a postponement does to a talk. Pure: the session's
agenda and talks in, the outcome out; `rollover.close_session` writes it and logs every move
so that `session reopen` can put it back. `talk postpone` uses the same postponement.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from studygroup.errors import Invalid
from studygroup.store.enums import TalkStatus


class TalkState(NamedTuple):
    """Where a talk stands: its status, its session, how often it was postponed, and the
    session it was first postponed from."""

    status: TalkStatus
    session_id: int | None
    times_postponed: int
    postponed_from_id: int | None


def postponed(state: TalkState, to_session: int) -> TalkState:
    """A talk postponed from its session to `to_session`: one more postponement, and it
    remembers the session it was first postponed from. The one place this change is made."""
    return TalkState(
        TalkStatus.POSTPONED,
        to_session,
        state.times_postponed + 1,
        state.postponed_from_id or state.session_id,
    )


def covered_lectures(
    on_agenda: Sequence[str],
    covered: Iterable[str] | None,
    not_covered: Iterable[str],
    number: int,
) -> dict[str, bool]:
    """Each lecture label on the agenda, and whether the call covered it: with `covered`
    given, only those; else all but `not_covered`. A label that is not on the agenda is an
    error naming the ones that are."""
    covered = list(covered) if covered is not None else None
    not_covered = list(not_covered)
    if covered is not None and not_covered:
        raise Invalid("give --covered or --not-covered, not both")
    labels = set(on_agenda)
    for label in [*(covered or []), *not_covered]:
        if label not in labels:
            shown = ", ".join(sorted(labels)) or "none"
            raise Invalid(
                f"lecture {label!r} is not on session {number}'s agenda (lectures on it: {shown})"
            )
    return {
        label: (label in covered) if covered is not None else (label not in not_covered)
        for label in on_agenda
    }


class TalkOutcome(NamedTuple):
    talk_id: int
    given: bool  # given at this session (now, or marked done before the close)
    state: TalkState | None  # the new state, if the close changes it


def check_done_talks(here: Iterable[int], done_now: Iterable[int], number: int) -> None:
    """A --done-talk must be a talk at the session."""
    at = set(here)
    for talk_id in done_now:
        if talk_id not in at:
            raise Invalid(f"talk {talk_id} is not on session {number}")


def talk_outcomes(
    talks: Sequence[tuple[int, TalkState]], done_now: Iterable[int], session: int, following: int
) -> list[TalkOutcome]:
    """Each talk at `session`, in order: given (marked done before, or with --done-talk now:
    then it is the session's, even one that came from the queue), or postponed to
    `following`."""
    done = set(done_now)
    out = []
    for talk_id, state in talks:
        if state.status is TalkStatus.DONE:
            out.append(TalkOutcome(talk_id, True, None))
        elif talk_id in done:
            given = state._replace(status=TalkStatus.DONE, session_id=session)
            out.append(TalkOutcome(talk_id, True, given))
        else:
            out.append(TalkOutcome(talk_id, False, postponed(state, following)))
    return out
