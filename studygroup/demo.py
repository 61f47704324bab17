"""A demo group modelled on Full Stack Deep Learning, built with the ordinary domain functions.

It runs a month of commands in one transaction, so it settles the planned agendas after each
step, where separate commands would each settle before their commit.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import Connection

from studygroup import agenda, attendance, clock, courses, items, members, rollover, sessions, talks
from studygroup.courses import CourseFields, LectureFields
from studygroup.members import MemberFields
from studygroup.rules import weekly
from studygroup.store.enums import AttendanceStatus, ItemStatus, LectureKind
from studygroup.store.rows import CourseRow, SessionRow

LECTURES: list[tuple[str, str, LectureKind, int | None, bool]] = [
    ("1", "When to Use ML and Course Vision", LectureKind.LECTURE, 52, False),
    ("2", "Development Infrastructure & Tooling", LectureKind.LECTURE, 94, False),
    ("lab-1", "Lab: Setup and the text recognizer", LectureKind.LAB, 35, True),
    ("3", "Troubleshooting & Testing", LectureKind.LECTURE, 70, False),
    ("4", "Data Management", LectureKind.LECTURE, 62, False),
    ("lab-2", "Lab: Data annotation", LectureKind.LAB, 40, True),
    ("guest-1", "Guest: Building ML teams at a startup", LectureKind.GUEST, 60, True),
    ("5", "Deployment", LectureKind.LECTURE, 75, False),
    ("6", "Continual Learning", LectureKind.LECTURE, 85, False),
    ("lab-3", "Lab: Model serving", LectureKind.LAB, 45, True),
    ("7", "Foundation Models", LectureKind.LECTURE, 110, False),
    ("8", "ML Teams and Project Management", LectureKind.LECTURE, 60, False),
    ("9", "Ethics", LectureKind.LECTURE, 50, False),
    ("10", "Project Showcase", LectureKind.LECTURE, None, False),
]
SKIPPED = "10"  # the showcase video is not available
MEMBERS = [
    ("Ada Lovelace", "ada", "Europe/London"),
    ("Alan Turing", "alan", "Europe/London"),
    ("Grace Hopper", "grace", "America/New_York"),
    ("Radia Perlman", "radia", "America/New_York"),
    ("Priya Raman", "priya", "Asia/Kolkata"),
    ("Linus Virtanen", "linus", "Europe/Helsinki"),
]


def build_demo(db: Connection, today: date) -> tuple[CourseRow, SessionRow]:
    """Three held sessions (attendance, a postponed talk, homework carried once) and the next
    session planned. Returns the course and its next session."""
    course = courses.add(
        db,
        "fsdl",
        CourseFields(
            title="Full Stack Deep Learning",
            url="https://fullstackdeeplearning.com/course/2022/",
            call_url="https://meet.jit.si/fsdl-study-group-demo",
            call_note="the room opens 10 minutes early",
            timezone="Europe/London",
            weekday=1,
            start_time=time(18, 0),
            session_minutes=90,
            pace_minutes=120,
        ),
    )
    for label, title, kind, minutes, optional in LECTURES:
        courses.add_lecture(
            db,
            course,
            label,
            LectureFields(
                title=title,
                kind=kind,
                video_minutes=minutes,
                optional=optional,
                url=f"https://fullstackdeeplearning.com/course/2022/{label}/",
            ),
        )
    courses.set_skipped(db, course, SKIPPED, True)
    first = weekly.next_weekday(today - timedelta(days=22), course.weekday)
    for name, handle, zone in MEMBERS:
        members.add(
            db,
            name,
            MemberFields(email=f"{handle}@example.org", handle=handle, timezone=zone),
            first - timedelta(7),
        )
    sessions.plan(db, course, 5, first, today)
    agenda.settle(db)
    ada, alan, grace, radia, priya, linus = (members.find(db, h) for _, h, _ in MEMBERS)

    def week(ref: str) -> SessionRow:
        agenda.settle(db)  # what the previous command would have settled
        return sessions.find(db, course, ref)

    # session 1: Grace's talk; everyone but Linus
    s1 = week("1")
    grace_talk = talks.add(
        db, course, grace, "Transformers in twenty minutes", 20, None, s1, first - timedelta(days=5)
    )
    setup = items.add(db, course, "Set up the lab environment", alan, s1, None)
    talks.mark_done(db, course, grace_talk, clock.now())
    items.close(db, course, [setup.id], ItemStatus.DONE)
    attendance.record(
        db,
        s1,
        {
            AttendanceStatus.PRESENT: [ada, alan, grace, radia, priya],
            AttendanceStatus.EXCUSED: [linus],
        },
        now=clock.now(),
        course_zone=course.timezone,
    )
    agenda.settle(db)
    rollover.close_session(db, course, s1, None, [], [], clock.now())

    # session 2: all six
    s2 = week("2")
    attendance.record(
        db,
        s2,
        {AttendanceStatus.PRESENT: [ada, alan, grace, radia, priya, linus]},
        now=clock.now(),
        course_zone=course.timezone,
    )
    rollover.close_session(db, course, s2, None, [], [], clock.now())

    # session 3: Radia's talk runs out of time; Priya's homework is still open
    s3 = week("3")
    talks.add(
        db,
        course,
        radia,
        "Data versioning with DVC",
        25,
        "https://dvc.org/doc",
        s3,
        first + timedelta(days=1),
    )
    items.add(db, course, "Finish labs 1-2", priya, s3, s2)
    items.add(db, course, "Read the ZeRO paper", None, s3, s2)
    attendance.record(
        db,
        s3,
        {
            AttendanceStatus.PRESENT: [ada, grace, radia, priya],
            AttendanceStatus.ABSENT: [alan, linus],
        },
        now=clock.now(),
        course_zone=course.timezone,
    )
    agenda.settle(db)
    rollover.close_session(db, course, s3, None, [], [], clock.now())

    # a talk waiting in the queue, and homework for next week
    talks.add(db, course, linus, "Serving models on a budget", 20, None, None, today)
    following = week("next")
    items.add(db, course, "Watch lecture 5 before the call", None, following, s3)
    return course, following
