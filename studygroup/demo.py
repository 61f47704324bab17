"""A demo group modelled on Full Stack Deep Learning, built with the ordinary domain functions."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy.orm import Session

from studygroup import attendance, items, planning, rollover, talks
from studygroup.courses import CourseFields, LectureFields, add_course, add_lecture
from studygroup.members import MemberFields, add_member, find_member
from studygroup.models import AttendanceStatus, Course, ItemStatus, LectureKind, StudySession
from studygroup.rules import weekly

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


def build_demo(session: Session, today: date) -> tuple[Course, StudySession]:
    """Three held sessions (attendance, a postponed talk, homework carried once) and the next
    session planned. Returns the course and its next session."""
    course = add_course(session, "fsdl", CourseFields(
        title="Full Stack Deep Learning", url="https://fullstackdeeplearning.com/course/2022/",
        timezone="Europe/London", weekday=1, start_time=time(18, 0),
        session_minutes=90, pace_minutes=120,
    ))
    for label, title, kind, minutes, optional in LECTURES:
        add_lecture(session, course, label, LectureFields(
            title=title, kind=kind, video_minutes=minutes, optional=optional,
            url=f"https://fullstackdeeplearning.com/course/2022/{label}/"))
    from studygroup.courses import set_skipped

    set_skipped(session, course, SKIPPED, True)
    first = weekly.next_weekday(today - timedelta(days=22), course.weekday)
    for name, handle, zone in MEMBERS:
        add_member(session, name, MemberFields(
            email=f"{handle}@example.org", handle=handle, timezone=zone), first - timedelta(7))
    planning.plan_sessions(session, course, 5, first)
    from studygroup.agenda import replan_course

    replan_course(session, course)
    ada, alan, grace, radia, priya, linus = (find_member(session, h) for _, h, _ in MEMBERS)

    def week(ref: str) -> StudySession:
        return planning.find_session(session, course, ref)

    # session 1: Grace's talk; everyone but Linus
    s1 = week("1")
    grace_talk = talks.add_talk(session, course, grace, "Transformers in twenty minutes", 20,
                                None, s1, first - timedelta(days=5))
    setup = items.add_item(session, course, "Set up the lab environment", alan, s1, None)
    talks.mark_done(session, course, grace_talk)
    items.close_items(session, course, [setup.id], ItemStatus.DONE)
    attendance.record(session, s1, {AttendanceStatus.PRESENT: [ada, alan, grace, radia, priya],
                                    AttendanceStatus.EXCUSED: [linus]})
    rollover.close_session(session, course, s1, None, [], [])

    # session 2: all six
    s2 = week("2")
    attendance.record(session, s2, {AttendanceStatus.PRESENT: [ada, alan, grace, radia, priya,
                                                               linus]})
    rollover.close_session(session, course, s2, None, [], [])

    # session 3: Radia's talk runs out of time; Priya's homework is still open
    s3 = week("3")
    talks.add_talk(session, course, radia, "Data versioning with DVC", 25,
                   "https://dvc.org/doc", s3, first + timedelta(days=1))
    items.add_item(session, course, "Finish labs 1-2", priya, s3, s2)
    items.add_item(session, course, "Read the ZeRO paper", None, s3, s2)
    attendance.record(session, s3, {AttendanceStatus.PRESENT: [ada, grace, radia, priya],
                                    AttendanceStatus.ABSENT: [alan, linus]})
    rollover.close_session(session, course, s3, None, [], [])

    # a talk waiting in the queue, and homework for next week
    talks.add_talk(session, course, linus, "Serving models on a budget", 20, None, None,
                   today)
    following = week("next")
    items.add_item(session, course, "Watch lecture 5 before the call", None, following, s3)
    return course, following
