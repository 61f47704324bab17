"""The pace rule: how a course's lectures are cut into the units a session discusses, and how
many sessions those units fill.

A lecture longer than the course's pace (minutes of video per session) becomes near-equal
parts; a lecture with no video length counts as the pace. Units are packed into sessions in
course order: a session takes units while their video minutes fit the pace, and always takes
at least one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from studygroup.store.rows import LectureRow

UnitKey = tuple[int, int | None]  # (lecture id, part or None)


class Unit(NamedTuple):
    """A lecture, or one part of a lecture longer than the pace."""

    lecture: LectureRow
    part: int | None
    parts: int | None
    minutes: int  # video minutes counted against the pace

    @property
    def key(self) -> UnitKey:
        return (self.lecture.id, self.part)


def part_lengths(video_minutes: int, pace: int) -> list[int]:
    """The video minutes of each part: ceil(minutes / pace) near-equal parts, longest first."""
    parts = max(1, math.ceil(video_minutes / pace))
    base, extra = divmod(video_minutes, parts)
    return [base + (1 if k <= extra else 0) for k in range(1, parts + 1)]


def split(lecture: LectureRow, pace: int) -> list[Unit]:
    """A lecture as the units it is discussed in."""
    if lecture.video_minutes is None:
        return [Unit(lecture, None, None, pace)]
    lengths = part_lengths(lecture.video_minutes, pace)
    if len(lengths) == 1:
        return [Unit(lecture, None, None, lengths[0])]
    return [Unit(lecture, k, len(lengths), minutes) for k, minutes in enumerate(lengths, 1)]


def course_units(course_lectures: Iterable[LectureRow], pace: int) -> list[Unit]:
    """The plannable units in course order: not skipped, not optional."""
    units: list[Unit] = []
    for lecture in course_lectures:
        if lecture.skipped or lecture.optional:
            continue
        units.extend(split(lecture, pace))
    return units


def part_minutes(video_minutes: int | None, part: int | None, pace: int) -> int | None:
    """The video minutes of one part of a lecture (all of it when it is not split)."""
    if video_minutes is None:
        return None
    lengths = part_lengths(video_minutes, pace)
    if part is None or not 1 <= part <= len(lengths):
        return video_minutes
    return lengths[part - 1] if len(lengths) > 1 else video_minutes


def fits(used: int, unit_minutes: int, pace: int, have_one: bool) -> bool:
    """Whether one more unit joins a session that has `used` minutes of video: it fits the
    pace, or the session has no lecture yet (every session takes at least one)."""
    return not have_one or used + unit_minutes <= pace


def sessions_needed(minutes: Iterable[int], pace: int) -> int:
    """How many sessions these units fill, in order, by the packing rule the planner uses."""
    count, used = 0, 0
    for unit in minutes:
        if count == 0 or not fits(used, unit, pace, have_one=True):
            count += 1
            used = 0
        used += unit
    return count


@dataclass
class History:
    """What held sessions did with a course's lecture units."""

    done: set[UnitKey]
    carried: set[UnitKey]  # planned in a held session, not covered, not covered since


def covered_after_each(
    course_lectures: Sequence[LectureRow], pace: int, sessions_done: Iterable[set[UnitKey]]
) -> list[int]:
    """The required lectures covered after each session in turn (`sessions_done`: the units
    each one covered, in time order). A lecture counts once every unit of it is done, as the
    progress counts it; one covered before studygroup counts from the start."""
    units = {
        lecture.id: {unit.key for unit in split(lecture, pace)}
        for lecture in course_lectures
        if not lecture.skipped and not lecture.optional
    }
    done: set[UnitKey] = set()
    for lecture in course_lectures:
        if lecture.covered_before and lecture.id in units:
            done |= units[lecture.id]
    counts = []
    for covered in sessions_done:
        done |= covered
        counts.append(sum(1 for keys in units.values() if keys <= done))
    return counts
