"""Groups: one database for many study groups.

A group owns its courses (and through them everything a course has), its polls and its
memberships; members are people, and a person may belong to several groups.

Which group a command works on is chosen once per command: `--group SLUG` or
`$STUDYGROUP_GROUP` (the CLI passes it to `choose`), else the group a `--course` slug names
when only one group has such a course, else the only group (every single-group database: no
flag ever needed). On PostgreSQL an organiser sees only the groups they organise
(`store/security.py`), so "the only group" is the only one they organise.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Select, and_, func, insert, select, update

from studygroup import clock
from studygroup.errors import Conflict, Invalid, NotFound, Refused
from studygroup.rules import validate
from studygroup.store import security
from studygroup.store.db import GROUP_CHOSEN, GROUP_CURRENT, GROUP_WRITING, new_id
from studygroup.store.enums import CourseStatus
from studygroup.store.rows import CourseRow, GroupRow, GroupSummary
from studygroup.store.schema import courses, group_members, groups, members

GROUP_ENV_VAR = "STUDYGROUP_GROUP"


def choose(db: Connection, slug: str | None) -> None:
    """Work on the group `slug` (None: the only group) for the rest of this transaction."""
    db.info[GROUP_CHOSEN] = slug or None
    db.info.pop(GROUP_CURRENT, None)


def current(db: Connection, course_slug: str | None = None) -> GroupRow:
    """The group this command works on (see the module's docstring). `course_slug`: a
    course the command names, which settles the group when only one group has it."""
    group: GroupRow | None = db.info.get(GROUP_CURRENT)
    if group is not None:
        return group
    slug = db.info.get(GROUP_CHOSEN)
    group = get(db, slug) if slug else _only(db, course_slug)
    if db.info.get(GROUP_WRITING) and db.dialect.name == "postgresql":
        _require_writable(db, group)
    db.info[GROUP_CURRENT] = group
    return group


def _require_writable(db: Connection, group: GroupRow) -> None:
    """On a secured PostgreSQL database, a read-only organiser's write is refused at once,
    in one line, rather than changing nothing (row-level security hides the rows)."""
    who = security.bound(db)
    if who is None:
        return
    may = db.exec_driver_sql(
        "SELECT %(g)s = ANY (studygroup_groups(true))", {"g": group.id}
    ).scalar()
    if not may:
        raise Refused(f"{who} may read group {group.slug} but not change it (read-only)")


def _only(db: Connection, course_slug: str | None) -> GroupRow:
    live = db.execute(
        select(groups).where(groups.c.archived_at.is_(None)).order_by(groups.c.slug).limit(6)
    ).all()
    if len(live) == 1:
        return live[0]
    if course_slug and len(live) > 1:
        having = db.execute(
            select(groups)
            .join(courses, courses.c.group_id == groups.c.id)
            .where(courses.c.slug == course_slug, groups.c.archived_at.is_(None))
            .limit(2)
        ).all()
        if len(having) == 1:
            return having[0]
    if not live:
        raise NotFound("no group: add one with 'studygroup group add SLUG NAME'")
    names = ", ".join(g.slug for g in live[:5])
    raise Invalid(f"several groups ({names}): choose one with --group SLUG or {GROUP_ENV_VAR}")


def get(db: Connection, slug: str) -> GroupRow:
    row = db.execute(select(groups).where(groups.c.slug == slug)).first()
    if row is None:
        raise NotFound(f"no group {slug!r}; see 'studygroup group list'")
    return row


def member_ids(group_id: int | ColumnElement[int]) -> Select[tuple[int]]:
    """The ids of a group's members, for `members.c.id.in_(...)`."""
    return select(group_members.c.member_id).where(group_members.c.group_id == group_id)


def has_member(group_id: int, member_id: ColumnElement[int]) -> ColumnElement[bool]:
    """`member_id` belongs to the group (a condition for a query's WHERE)."""
    return member_id.in_(member_ids(group_id))


def course_group(course_id: int) -> ColumnElement[int]:
    """The course's group id, as a subquery."""
    return select(courses.c.group_id).where(courses.c.id == course_id).scalar_subquery()


def in_course_group(course_id: int, member_id: ColumnElement[int]) -> ColumnElement[bool]:
    """`member_id` belongs to the group of the course (for a session: its course's)."""
    return member_id.in_(member_ids(course_group(course_id)))


# A member's state in a group is their membership's and the person's: archived in one group,
# they may be active in another; an erased person (or one archived before groups kept their
# own archives) is archived in every group. The two rules below, with the group's
# `group_members` row joined to `members` (`joined_in`), are the only places that say so.


def joined_in(group_id: int | ColumnElement[int]) -> ColumnElement[bool]:
    """The ON clause of `members` JOIN `group_members`, for the membership of that group."""
    return and_(group_members.c.member_id == members.c.id, group_members.c.group_id == group_id)


def active_here() -> ColumnElement[bool]:
    """The member is active in the joined group."""
    return and_(members.c.active.is_(True), group_members.c.archived_at.is_(None))


def archived_here() -> ColumnElement[datetime | None]:
    """When the member was archived in the joined group (None: they are active there)."""
    return func.coalesce(group_members.c.archived_at, members.c.archived_at)


def _active_ids(group_id: int | ColumnElement[int]) -> Select[tuple[int]]:
    # its own FROM, never the outer query's `members` (correlate(None))
    return (
        select(members.c.id)
        .select_from(members.join(group_members, joined_in(group_id)))
        .where(active_here())
        .correlate(None)
    )


def active_in(group_id: int, member_id: ColumnElement[int]) -> ColumnElement[bool]:
    """`member_id` is an active member of the group (`active_here`)."""
    return member_id.in_(_active_ids(group_id))


def active_in_course_group(course_id: int, member_id: ColumnElement[int]) -> ColumnElement[bool]:
    """`member_id` is an active member of the course's group (`active_here`)."""
    return member_id.in_(_active_ids(course_group(course_id)))


def enrol(db: Connection, group_id: int, member_id: int) -> None:
    """A new person joins the group (`join_by_email` for someone who may be there already)."""
    db.execute(insert(group_members).values(group_id=group_id, member_id=member_id))


def join_by_email(
    db: Connection, group_id: int, emails: Collection[str]
) -> dict[str, tuple[int, bool]]:
    """The people these emails name, each in the group now: email -> (their id, whether
    they joined it just now). People are shared, never copied: whoever knows a person's
    email may add them to a group they change. On a secured PostgreSQL database an organiser
    cannot see a person of another group, so `studygroup_join_by_email` (SECURITY DEFINER,
    `store/security.py`) finds and joins them; elsewhere everyone is in sight."""
    wanted = sorted(set(emails))
    if not wanted:
        return {}
    if security.bound(db) is not None:
        rows = db.exec_driver_sql(
            "SELECT address, person, joined FROM studygroup_join_by_email(%(g)s, %(e)s, %(at)s)",
            {"g": group_id, "e": wanted, "at": clock.now()},
        ).all()
        return {str(email): (int(person), bool(joined)) for email, person, joined in rows}
    found: dict[str, int] = {}
    there: set[int] = set()
    for start in range(0, len(wanted), 10_000):  # under SQLite's 32,766 bound variables
        chunk = wanted[start : start + 10_000]
        found.update(
            (str(email), int(person))
            for person, email in db.execute(
                select(members.c.id, members.c.email).where(members.c.email.in_(chunk))
            )
        )
        in_chunk = select(members.c.id).where(members.c.email.in_(chunk))
        query = select(group_members.c.member_id).where(
            group_members.c.group_id == group_id, group_members.c.member_id.in_(in_chunk)
        )
        there.update(db.execute(query).scalars())
    joining = sorted(set(found.values()) - there)
    if joining:
        now = clock.now()
        db.execute(
            insert(group_members),
            [{"group_id": group_id, "member_id": m, "joined_at": now} for m in joining],
        )
    return {email: (person, person not in there) for email, person in found.items()}


def other_groups(db: Connection, group_id: int, member_id: int) -> int:
    """How many groups besides this one the person belongs to, those the organiser cannot see
    included (PostgreSQL's policies hide them: `studygroup_unseen_groups` counts them)."""
    seen = db.scalar(
        select(func.count()).where(
            group_members.c.member_id == member_id, group_members.c.group_id != group_id
        )
    )
    return int(seen or 0) + unseen_groups(db, member_id)


def unseen_groups(db: Connection, member_id: int) -> int:
    """How many of the person's groups the organiser cannot see (0 where everything is in
    sight: SQLite, PostgreSQL's administrator)."""
    if security.bound(db) is None:
        return 0
    return int(
        db.exec_driver_sql("SELECT studygroup_unseen_groups(%(m)s)", {"m": member_id}).scalar_one()
    )


def each_course(
    db: Connection, statuses: tuple[CourseStatus, ...] = (CourseStatus.ACTIVE,)
) -> Iterator[tuple[GroupRow, CourseRow]]:
    """`--all-groups`: each live group's courses of those statuses, in slug order, with the
    group chosen (`choose`) for the rest of the transaction before its courses are yielded.
    Refused when a group was chosen too: every group, or that one? (A `--send` to all of
    them is not a guess to make.)"""
    chosen = db.info.get(GROUP_CHOSEN)
    if chosen:
        raise Invalid(
            f"--all-groups works on every group, but group {chosen!r} was chosen too (--group "
            f"or {GROUP_ENV_VAR}): leave out one of them"
        )
    for group in live(db):
        choose(db, group.slug)
        for course in db.execute(
            select(courses)
            .where(courses.c.group_id == group.id, courses.c.status.in_(statuses))
            .order_by(courses.c.slug)
        ).all():
            yield group, course


# -- the group commands ---------------------------------------------------------------------------


def listed(
    db: Connection, include_archived: bool = False, slug: str | None = None
) -> list[GroupSummary]:
    """`group list` (or the group `slug` alone, archived or not)."""
    course_count = (
        select(func.count())
        .where(courses.c.group_id == groups.c.id)
        .correlate(groups)
        .scalar_subquery()
    )
    member_count = (
        select(func.count())
        .select_from(members.join(group_members, joined_in(groups.c.id)))
        .where(active_here())
        .correlate(groups)
        .scalar_subquery()
    )
    query = select(
        groups.c.slug, groups.c.name, course_count, member_count, groups.c.archived_at
    ).order_by(groups.c.slug)
    if slug is not None:
        query = query.where(groups.c.slug == slug)
    elif not include_archived:
        query = query.where(groups.c.archived_at.is_(None))
    return [
        GroupSummary(slug, name, n_courses, n_members, archived_at is not None)
        for slug, name, n_courses, n_members, archived_at in db.execute(query)
    ]


def summary(db: Connection, slug: str) -> GroupSummary:
    for row in listed(db, slug=slug):
        return row
    raise NotFound(f"no group {slug!r}; see 'studygroup group list'")


def add(db: Connection, slug: str, name: str) -> GroupRow:
    slug = validate.slug(slug, "group")
    name = validate.text(name, "group name", 200)
    if db.execute(select(groups.c.id).where(groups.c.slug == slug)).first() is not None:
        raise Conflict(f"group {slug!r} already exists")
    group_id = new_id(db.execute(insert(groups).values(slug=slug, name=name)))
    return db.execute(select(groups).where(groups.c.id == group_id)).one()


def edit(db: Connection, slug: str, new_slug: str | None, name: str | None) -> GroupRow:
    group = get(db, slug)
    values: dict[str, str] = {}
    if new_slug is not None:
        values["slug"] = validate.slug(new_slug, "group")
        if new_slug != slug and (
            db.execute(select(groups.c.id).where(groups.c.slug == values["slug"])).first()
        ):
            raise Conflict(f"group {new_slug!r} already exists")
    if name is not None:
        values["name"] = validate.text(name, "group name", 200)
    if not values:
        raise Invalid("nothing to change: give --slug or --name")
    db.execute(update(groups).where(groups.c.id == group.id).values(values))
    return db.execute(select(groups).where(groups.c.id == group.id)).one()


def archive(db: Connection, slug: str, restore: bool = False) -> GroupRow:
    """An archived group keeps every row; it is no longer 'the only group', nor served by
    `--all-groups`. `--group` still reaches it (to read it, or restore it)."""
    group = get(db, slug)
    if restore and group.archived_at is None:
        raise Conflict(f"group {slug} is not archived")
    if not restore and group.archived_at is not None:
        raise Conflict(f"group {slug} is already archived")
    db.execute(
        update(groups)
        .where(groups.c.id == group.id)
        .values(archived_at=None if restore else clock.now())
    )
    return get(db, slug)


def live(db: Connection) -> list[GroupRow]:
    """Every group that is not archived (that this organiser may see): `--all-groups`."""
    return list(
        db.execute(select(groups).where(groups.c.archived_at.is_(None)).order_by(groups.c.slug))
    )
