"""The typed documents every output renders: made in views/ (and a few nouns' reports), taken
by the renderers and printed by --json as they are. Types only, no code.

Keys are the JSON contract: adding one is fine, renaming or removing one breaks scripts.
The small records they are built of (a session, a talk, an item, a lecture) are in
contracts.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import NotRequired, TypedDict

from studygroup.render.contracts import (
    CourseDetailJSON,
    ItemJSON,
    LectureJSON,
    SessionJSON,
    TalkJSON,
)

# -- the agenda of a session (views/agenda.py) -------------------------------------------------


class AgendaEntry(TypedDict):
    position: int
    kind: str  # intro, lecture, talk, actions, wrap_up, ...
    start: str  # HH:MM in the display zone
    minutes: int
    title: str
    lecture: str | None  # its label
    lecture_kind: str | None
    part: str | None  # "2/3": a lecture cut into parts
    optional: bool
    video_minutes: int | None  # of this part
    url: str | None
    presenter: str | None  # every presenter, as members read them
    presenters: list[str]
    talk_id: int | None
    postponed: int
    postponed_from: int | None
    carried: bool
    pinned: bool
    done: bool
    overflow: bool  # ends after the session does


class AgendaView(TypedDict):
    """`agenda show`: the table and --json."""

    session: SessionJSON
    call_url: str | None
    call_note: str | None
    host: str | None
    notes_by: str | None
    display_timezone: str
    entries: list[AgendaEntry]
    total_minutes: int
    over_by_minutes: int
    optional_lectures: list[LectureJSON]
    action_items: list[ItemJSON]
    not_fitting: list[TalkJSON]  # queued talks no session up to this one could take
    waiting: list[TalkJSON]  # due here, but over the talk cap or their presenter is away
    talk_limit: int  # the longest talk a session can give
    turnout: TurnoutJSON | None  # a planned session's answers (rsvp); None: no answers yet
    flags: list[str]  # a presenter, host or note-taker who said no, with what to do


class CourseRef(TypedDict):
    slug: str
    title: str
    url: str | None


class Watch(TypedDict):
    """A lecture to watch before the call."""

    label: str
    title: str
    kind: str
    part: str | None
    video_minutes: int | None
    url: str | None
    optional: bool


class TalkLine(TypedDict):
    talk_id: int
    presenter: str
    presenters: list[str]
    title: str
    url: str | None
    minutes: int
    start: str
    postponed: int
    postponed_from: int | None


class OwnerItems(TypedDict):
    owner: str | None  # None: the group's
    items: list[ItemJSON]


class Previous(TypedDict):
    session: int
    present: int


class NextLecture(TypedDict):
    label: str
    title: str
    kind: str
    part: str | None


class NextSession(TypedDict):
    session: int
    local_start: str
    lectures: list[NextLecture]
    presenters: list[str]


class OpenPoll(TypedDict):
    id: int
    title: str
    options: list[str]
    closes: str | None


class Happened(TypedDict):
    """A held session: what it covered and gave, and who came."""

    covered: list[Watch]
    not_covered: list[Watch]
    talks_given: list[TalkLine]
    present: list[str]
    absent: list[str]
    excused: list[str]


class AgendaDocument(AgendaView):
    """A week as the group receives it: the Markdown agenda, chat posts, reminders."""

    course: CourseRef
    watch: list[Watch]
    talks: list[TalkLine]
    items_by_owner: list[OwnerItems]
    previous: Previous | None
    next: NextSession | None
    poll: OpenPoll | None
    happened: NotRequired[Happened]  # a held session only


# -- the calendar (views/calendar.py) ----------------------------------------------------------


class CalendarCourse(CourseRef):
    timezone: str
    created_at: datetime  # a feed's DTSTAMP when nothing about an event has changed since


class CalendarEvent(TypedDict):
    uid: str
    number: int
    status: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    summary: str
    description: str
    sequence: int  # the session's revision: it only rises
    modified: datetime | None
    call_url: str | None


class CalendarDocument(TypedDict):
    course: CalendarCourse
    events: list[CalendarEvent]


# -- who came (attendance.view), and the recap (views/recap.py) --------------------------------


class AttendanceView(TypedDict):
    session: int
    status: str
    present: list[str]
    absent: list[str]
    excused: list[str]
    counts: dict[str, int]


class MovedTalk(TypedDict):
    id: int
    title: str
    presenter: str
    url: str | None


class CarriedItem(TypedDict):
    id: int
    text: str
    owner: str | None


class ItemCarried(CarriedItem):
    carried: int  # how many times, this carry included


class ClosedTalk(TypedDict):
    id: int
    title: str
    presenter: str  # every presenter, "Sanyam Bhutani & Akash Nain"


class PostponedTalk(ClosedTalk):
    postponed: int  # how many times, this one included


class CloseDocument(TypedDict):
    """What `session close` / `session cancel` did (rollover.CloseSummary.as_dict)."""

    session: int
    next_session: int
    created_next: bool
    covered: list[str]
    carried_lectures: list[str]
    talks_done: list[ClosedTalk]
    talks_postponed: list[PostponedTalk]
    items_carried: list[ItemCarried]
    roles_filled: list[tuple[int, str, str]]  # (session, role, member) the rota filled


class MovedOn(TypedDict):
    """What a close or cancel moved on, from its log (rollover.moved_on)."""

    talks: list[MovedTalk]
    items: list[CarriedItem]


class RecapAttendance(TypedDict):
    present: int
    absent: int
    excused: int
    names: NotRequired[list[str]]  # with --names


class Decision(TypedDict):
    poll: int
    title: str
    course: str | None  # None: a poll for everyone
    winner: str | None


class RecapDocument(TypedDict):
    course: CourseRef
    session: SessionJSON
    closed: bool
    covered: list[Watch]
    moved_on: list[Watch]
    moved_to: int | None
    talks_moved_on: list[MovedTalk]
    items_carried: list[CarriedItem]
    planned: list[Watch]
    talks_given: list[TalkLine]
    talks_planned: list[TalkLine]
    attendance: RecapAttendance
    notes: str | None
    decisions: list[Decision]
    items_new: list[ItemJSON]
    items_finished: list[ItemJSON]


# -- a course's progress (views/progress.py) and `course show` (views/course.py) ---------------


class Counted(TypedDict):
    covered: int
    remaining: int


class LectureCounts(TypedDict):
    required: Counted
    optional: Counted


class Progress(TypedDict):
    lectures: LectureCounts
    remaining_video_minutes: int
    sessions_needed: int
    forecast_end: str | None  # the final session's local date
    with_optional: bool
    skipped: list[str]  # labels


class CourseShow(CourseDetailJSON):
    lectures: list[LectureJSON]
    progress: Progress
    forecast_end: str | None


# -- stats and the attendance matrix (views/stats.py) -------------------------------------------


class MemberStats(TypedDict):
    name: str
    attended: int
    held: int  # held since they joined, excused ones left out
    excused: int
    rate: float | None
    streak: int
    last_seen: str | None
    talks_given: int
    hosted: int
    took_notes: int
    open_items: int
    lapsing: bool


class Turnout(TypedDict):
    number: int
    date: str
    turnout: int


class AnswersKept(TypedDict):
    """How often answers to invitations were right, at the held sessions."""

    said_yes: int
    yes_came: int
    said_no: int
    no_stayed_away: int


class StatsDocument(TypedDict):
    course: str
    members: list[MemberStats]
    sessions: list[Turnout]
    answers: AnswersKept
    sparkline: str
    lapsing: list[str]


class GroupStats(TypedDict):
    """`stats --all-groups`: one course of one group, for the organisation's coordinator."""

    group: str
    course: str
    members: int  # active members of the group
    held: int  # sessions held
    average_turnout: float | None  # present per held session
    last_turnout: int | None
    lapsing: int  # members who missed the last three
    open_items: int


class MatrixRow(TypedDict):
    name: str
    marks: dict[str, str]  # session number → P, A or E
    rate: float | None


class AttendanceMatrix(TypedDict):
    course: str
    sessions: list[Turnout]
    members: list[MatrixRow]


# -- a call report's import (attendance_import.ImportReport.as_dict) ---------------------------


class ReportPerson(TypedDict):
    name: str
    email: str | None
    member: str | None
    by: str | None  # the matching step that found them
    minutes: int | None
    status: str  # present | short | unknown | ambiguous | added | ignored
    suggestions: list[str]


class Matched(TypedDict):
    name: str
    member: str
    by: str | None
    minutes: int | None


class TooShort(TypedDict):
    name: str
    member: str | None
    minutes: int | None


class Unknown(TypedDict):
    name: str
    email: str | None
    minutes: int | None
    suggestions: list[str]


class Learned(TypedDict):
    alias: str
    member: str


class Skipped(TypedDict):
    line: int
    name: str
    reason: str


class ImportDocument(TypedDict):
    format: str
    session: int
    chosen_by: str  # ref | date | latest
    report_date: str | None
    date_order: str | None  # ymd, dmy, mdy
    min_minutes: int
    people: list[ReportPerson]
    matched: list[Matched]
    too_short: list[TooShort]
    unknown: list[Unknown]
    added: list[str]
    learned: list[Learned]
    recorded: int
    caution: str | None
    skipped: list[Skipped]
    dry_run: bool


# -- polls (polls.result) ----------------------------------------------------------------------


class RunoffRound(TypedDict):
    round: int
    counts: dict[str, int]
    exhausted: int
    eliminated: str | None
    winner: str | None


class ParallelGroup(TypedDict):
    option: str
    first_preferences: int
    ranked_by: int
    winner: bool


class PollResult(TypedDict):
    poll: int
    title: str
    status: str
    ballots: int
    winner: str | None
    rounds: list[RunoffRound]
    first_preferences: dict[str, int]
    min_members: int
    parallel_groups: list[ParallelGroup]


# -- chat posts (render/chat.py, render/recap.py) ----------------------------------------------

# A webhook's JSON body, exactly as posted: Slack's {"text", "blocks"}, Discord's
# {"content", "allowed_mentions"}, or {"text"} for any other. Its values are JSON.
Payload = dict[str, object]


# -- reminders (reminders.drafts → render/reminder.py) -----------------------------------------


class Told(TypedDict):
    """What a member was last sent about a session on a channel."""

    revision: int
    starts_at: datetime
    kind: str  # reminder, change, cancellation


class OwnItem(TypedDict):
    id: int
    text: str
    carried: int


class Recipient(TypedDict):
    """One member as their reminder needs them."""

    name: str
    greeting: str | None
    timezone: str | None
    told: Told | None  # None: never told of this session
    items: list[OwnItem]


class Sent(TypedDict, total=False):
    """One message of a `remind` run: to a member (member, email, subject or local_start,
    kind) or a webhook post (webhook, chat); and what became of it (status, error)."""

    member: str
    email: str | None
    local_start: str  # a dry run's line: when the call starts for them
    subject: str
    kind: str
    webhook: str  # where it posts, "hooks.slack.com part 2"
    chat: str
    status: str  # sent, would send, failed, ...
    error: str


class RemindReport(TypedDict):
    session: int
    mode: str
    reminders: list[Sent]
    no_email: list[str]


# -- the change journal (journal.py → `log`) ---------------------------------------------------

# A row as the journal's triggers write it: column → JSON value.
RowImage = dict[str, object]


class LogEntry(TypedDict):
    id: int
    at: str
    who: str
    db_user: str | None  # PostgreSQL's login role
    command: str
    course: str | None
    summary: str | None
    undoes: int | None
    undone_by: int | None
    pruned: bool
    rows: dict[str, int]  # rows changed per table


class ChangeJSON(TypedDict):
    table: str
    op: str  # insert, update, delete
    row_id: int
    before: RowImage | None
    after: RowImage | None
    changed: dict[str, list[object]] | None  # column → [before, after], for an update


class LogEntryShown(LogEntry):
    """`log show`: an entry and the rows it changed."""

    changes: list[ChangeJSON]


# -- the group's site (views/site.py → render/site.py) -----------------------------------------
# Every member is named as the build's --names says; no email address is in any of these, and
# the call link, attendance and stats only in a --private build.


class SiteTime(TypedDict):
    utc: str  # ISO 8601 with Z: what the page's script shows in the viewer's zone
    local: str  # in the course's zone, "Tue 8 Dec 2026, 18:00"
    utc_text: str  # "13:00 UTC"


class SiteLecture(TypedDict):
    name: str  # "Lecture 10: Deployment"
    part: str | None  # "2/3"
    url: str | None
    optional: bool
    video_minutes: int | None


class SiteTalk(TypedDict):
    id: int
    title: str
    presenters: list[str]
    url: str | None
    minutes: int
    status: str  # queued, scheduled, postponed, done
    session: int | None  # where it is expected (queued: where the plan puts it) or was given
    on_hold: bool
    postponed: int


class SiteEntry(TypedDict):
    start: str  # HH:MM in the course's zone
    start_utc: str  # ISO 8601 with Z: the page's script shows it in the viewer's zone
    minutes: int
    kind: str
    title: str
    url: str | None
    presenters: list[str]
    overflow: bool


class SiteSession(TypedDict):
    number: int
    status: str  # planned, cancelled, held
    starts: SiteTime
    minutes: int
    lectures: list[SiteLecture]
    talks: list[SiteTalk]
    host: str | None
    notes_by: str | None


class NextCall(SiteSession):
    turnout: TurnoutJSON | None  # how many said yes, maybe, no (counts only)
    agenda: list[SiteEntry]
    optional_lectures: list[SiteLecture]
    group_items: list[str]  # open items for everyone (no owner)
    call_url: str | None  # --private only
    call_note: str | None  # --private only


class PastSession(TypedDict):
    number: int
    starts: SiteTime
    covered: list[SiteLecture]
    moved_on: list[SiteLecture]
    moved_to: int | None
    talks_given: list[SiteTalk]
    talks_moved_on: list[SiteTalk]
    notes: str | None  # the organiser's Markdown, made safe when rendered
    decisions: list[Decision]
    attendance: RecapAttendance | None  # --private only


class ProgressPoint(TypedDict):
    number: int
    date: str  # the session's local date
    covered: int  # required lectures covered by its end
    held: bool  # False: the plan


class SiteProgress(TypedDict):
    progress: Progress
    required: int  # required lectures, skipped ones left out
    points: list[ProgressPoint]


class SiteDocument(TypedDict):
    course: CalendarCourse
    private: bool
    names: str  # full, first or handle
    next: NextCall | None
    upcoming: list[SiteSession]  # after the next one, cancelled ones too
    queue: list[SiteTalk]
    on_hold: list[SiteTalk]
    given: list[SiteTalk]
    past: list[PastSession]  # newest first
    progress: SiteProgress
    calendar: CalendarDocument
    stats: StatsDocument | None  # --private only


# -- answers to invitations (rsvps.py → `rsvp list`, the agenda, the site) ---------------------


class AnswerJSON(TypedDict):
    session: int
    member: str
    answer: str  # yes, no, maybe
    source: str  # mail (their calendar's reply) or hand (`rsvp set`)
    answered_at: str
    earlier_time: bool  # it answered an earlier time of the session (it has moved since)


class TurnoutJSON(TypedDict):
    """Who is expected at a session, by their answer."""

    yes: int
    maybe: int
    no: int
    no_answer: int
