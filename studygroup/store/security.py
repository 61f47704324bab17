"""PostgreSQL: the database itself keeps each organiser to their own groups.

`studygroup db secure` (run by the administrator, a superuser: no policy binds them) sets up:

- `studygroup_owner`, a NOLOGIN role that owns every table, so no organiser can switch the
  policies off (only a table's owner, or a superuser, can);
- `studygroup_keeper`, a NOLOGIN role that owns the SECURITY DEFINER functions below and
  may read only what they read (policies of its own), so they never recurse into the
  policies they serve;
- `studygroup_organiser`, a NOLOGIN role holding the table privileges; `group grant` makes a
  login role a member of it and records the role in `group_organisers`;
- row-level security, enabled and FORCED on every group-owned table, with one policy per
  command (SELECT, INSERT, UPDATE, DELETE). Each is keyed on `session_user` through
  `group_organisers`, read by `studygroup_groups(writing)`, a SECURITY DEFINER function: a
  setting the client sends (`SET app.group`) is never trusted, and `SET ROLE` changes
  `current_user`, not `session_user`. A table's key is its group, or its parent's row
  (`KEYS`), checked through the parent's own policy;
- the journal: `journal_record()` (the triggers) runs as the keeper, and organisers have no
  INSERT on `journal_changes`, so nobody files rows by hand; `journal.db_user` is set by a
  trigger to `session_user`, so no entry claims another author.

Members are people: an organiser sees the members of their groups (and a person in no group
yet, the moment between `member add`'s two inserts). An organiser who knows a person's email
may add them to a group they change: `studygroup_join_by_email` (SECURITY DEFINER) finds the
person in another group and joins them, as they are; nothing else of another group shows.
The names of ignored bots and the Message-IDs of replies already read are the
organisation's, shared. SQLite has no rights.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection

from studygroup.errors import Invalid

OWNER = "studygroup_owner"  # owns the tables: nobody logs in as it
ORGANISER = "studygroup_organiser"  # every organiser's login role is a member
KEEPER = "studygroup_keeper"  # owns the SECURITY DEFINER functions that read who is who

# a group-owned table: (its key column, the table that key points to; None: a group's id)
KEYS: dict[str, tuple[str, str | None]] = {
    "groups": ("id", None),
    "group_members": ("group_id", None),
    "courses": ("group_id", None),
    "polls": ("group_id", None),
    "lectures": ("course_id", "courses"),
    "sessions": ("course_id", "courses"),
    "talks": ("course_id", "courses"),
    "action_items": ("course_id", "courses"),
    "rollovers": ("course_id", "courses"),
    "agenda_entries": ("session_id", "sessions"),
    "attendance": ("session_id", "sessions"),
    "reminders": ("session_id", "sessions"),
    "rsvps": ("session_id", "sessions"),
    "talk_copresenters": ("talk_id", "talks"),
    "rollover_moves": ("rollover_id", "rollovers"),
    "poll_options": ("poll_id", "polls"),
    "poll_ballots": ("poll_id", "polls"),
    "poll_option_lectures": ("option_id", "poll_options"),
    "poll_rankings": ("ballot_id", "poll_ballots"),
    "member_aliases": ("member_id", "members"),
}
SHARED = ("ignored_names", "rsvp_messages")  # the organisation's, not a group's
_ROLE = re.compile(r"[a-z_][a-z0-9_$]{0,62}")

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION studygroup_groups(writing boolean) RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT coalesce(array_agg(group_id), '{{}}') FROM group_organisers
  WHERE role_name = session_user AND (NOT writing OR NOT read_only)
$$;
CREATE OR REPLACE FUNCTION studygroup_people(writing boolean) RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT coalesce(array_agg(DISTINCT member_id), '{{}}') FROM group_members
  WHERE group_id = ANY (studygroup_groups(writing))
$$;
CREATE OR REPLACE FUNCTION studygroup_in_no_group(person integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT NOT EXISTS (SELECT 1 FROM group_members WHERE member_id = person)
$$;
CREATE OR REPLACE FUNCTION studygroup_unseen_groups(person integer) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT count(*)::integer FROM group_members
  WHERE member_id = person AND NOT group_id = ANY (studygroup_groups(false))
    AND person = ANY (studygroup_people(false))  -- only of someone one sees
$$;
CREATE OR REPLACE FUNCTION studygroup_join_by_email(grp integer, addresses text[], at timestamptz)
RETURNS TABLE (address text, person integer, joined boolean)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  WITH people AS (
    SELECT m.id, m.email FROM members m
    WHERE m.email = ANY (addresses) AND grp = ANY (studygroup_groups(true))
  ), added AS (
    INSERT INTO group_members (group_id, member_id, joined_at)
    SELECT grp, p.id, at FROM people p
    ON CONFLICT (group_id, member_id) DO NOTHING
    RETURNING group_members.member_id
  )
  SELECT p.email::text, p.id, EXISTS (SELECT 1 FROM added a WHERE a.member_id = p.id)
  FROM people p
$$;
CREATE OR REPLACE FUNCTION studygroup_later_entries(target integer) RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT DISTINCT later.entry_id
  FROM journal e
  JOIN journal_changes mine ON mine.entry_id = e.id
  JOIN journal_changes later ON later.table_name = mine.table_name
    AND later.row_id = mine.row_id AND later.entry_id > e.id
  JOIN journal l ON l.id = later.entry_id AND l.undone_by IS NULL
  WHERE e.id = target
    AND (e.db_user = session_user OR e.group_id = ANY (studygroup_groups(false)))
    -- an undo of later entries only cancels out with them (journal._later_touching)
    AND NOT (l.undoes IS NOT NULL
             AND EXISTS (SELECT 1 FROM journal u WHERE u.undone_by = l.id)
             AND NOT EXISTS (SELECT 1 FROM journal u WHERE u.undone_by = l.id AND u.id <= e.id))
$$;
CREATE OR REPLACE FUNCTION studygroup_journal_author() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  NEW.db_user := session_user;
  RETURN NEW;
END
$$;
ALTER FUNCTION studygroup_groups(boolean) OWNER TO {KEEPER};
ALTER FUNCTION studygroup_people(boolean) OWNER TO {KEEPER};
ALTER FUNCTION studygroup_in_no_group(integer) OWNER TO {KEEPER};
ALTER FUNCTION studygroup_join_by_email(integer, text[], timestamptz) OWNER TO {KEEPER};
ALTER FUNCTION studygroup_later_entries(integer) OWNER TO {KEEPER};
ALTER FUNCTION studygroup_unseen_groups(integer) OWNER TO {KEEPER};
ALTER FUNCTION studygroup_journal_author() OWNER TO {OWNER};
ALTER FUNCTION journal_record() OWNER TO {KEEPER};
ALTER FUNCTION journal_record() SECURITY DEFINER;
ALTER FUNCTION journal_record() SET search_path = pg_catalog, public;
REVOKE ALL ON FUNCTION studygroup_groups(boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION studygroup_people(boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION studygroup_in_no_group(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION studygroup_join_by_email(integer, text[], timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION studygroup_later_entries(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION studygroup_unseen_groups(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION studygroup_groups(boolean) TO {ORGANISER};
GRANT EXECUTE ON FUNCTION studygroup_people(boolean) TO {ORGANISER};
GRANT EXECUTE ON FUNCTION studygroup_in_no_group(integer) TO {ORGANISER};
GRANT EXECUTE ON FUNCTION studygroup_join_by_email(integer, text[], timestamptz) TO {ORGANISER};
GRANT EXECUTE ON FUNCTION studygroup_later_entries(integer) TO {ORGANISER};
GRANT EXECUTE ON FUNCTION studygroup_unseen_groups(integer) TO {ORGANISER};
GRANT SELECT ON group_organisers, group_members, members TO {KEEPER};
GRANT INSERT ON group_members TO {KEEPER};
GRANT USAGE ON SEQUENCE group_members_id_seq TO {KEEPER};
GRANT SELECT ON journal_open, journal TO {KEEPER};
GRANT SELECT, INSERT ON journal_changes TO {KEEPER};
GRANT USAGE ON SEQUENCE journal_changes_id_seq TO {KEEPER};
"""

# what the keeper's functions read and write, and nobody else through them
KEEPER_POLICIES = [
    f"CREATE POLICY studygroup_keeper ON group_organisers FOR SELECT TO {KEEPER} USING (true)",
    f"CREATE POLICY studygroup_keeper ON group_members FOR SELECT TO {KEEPER} USING (true)",
    # studygroup_join_by_email: a person one names by email joins a group one may change
    f"CREATE POLICY studygroup_keeper_join ON group_members FOR INSERT TO {KEEPER} "
    "WITH CHECK (group_id = ANY (studygroup_groups(true)))",
    f"CREATE POLICY studygroup_keeper ON members FOR SELECT TO {KEEPER} USING (true)",
    f"CREATE POLICY studygroup_keeper ON journal_open FOR SELECT TO {KEEPER} USING (true)",
    f"CREATE POLICY studygroup_keeper ON journal_changes FOR INSERT TO {KEEPER} WITH CHECK (true)",
    # studygroup_later_entries: which later entries, of any group, changed a row an entry did
    f"CREATE POLICY studygroup_keeper_read ON journal_changes FOR SELECT TO {KEEPER} USING (true)",
    f"CREATE POLICY studygroup_keeper ON journal FOR SELECT TO {KEEPER} USING (true)",
]


def role_name(name: str) -> str:
    """A login role's name as PostgreSQL folds an unquoted one: lower case, 63 bytes."""
    cleaned = name.strip()
    if not _ROLE.fullmatch(cleaned):
        raise Invalid(
            f"{name!r} is not a role name studygroup uses: lower-case letters, digits and _, "
            "starting with a letter or _"
        )
    if cleaned.startswith("pg_") or cleaned in (OWNER, ORGANISER):
        raise Invalid(f"{cleaned!r} is a reserved role")
    return cleaned


def _key(table: str, alias: str, writing: bool) -> str:
    """The condition a row of `table` (as `alias`) must meet for this session's user."""
    column, parent = KEYS[table]
    flag = "true" if writing else "false"
    if parent is None:
        return f"{alias}.{column} = ANY ((SELECT studygroup_groups({flag}))::integer[])"
    if parent == "members":
        return f"{alias}.{column} = ANY ((SELECT studygroup_people({flag}))::integer[])"
    inner = f"{alias}_"
    return (
        f"{alias}.{column} IN (SELECT {inner}.id FROM {parent} {inner} "
        f"WHERE {_key(parent, inner, writing)})"
    )


def policies(table: str) -> list[str]:
    """The CREATE POLICY statements of a group-owned table."""
    read, write = _key(table, table, False), _key(table, table, True)
    to = f"TO {ORGANISER}"
    if table == "groups":  # made and removed by the administrator only
        return [
            f"CREATE POLICY studygroup_read ON groups FOR SELECT {to} USING ({read})",
            f"CREATE POLICY studygroup_update ON groups FOR UPDATE {to} USING ({write}) "
            f"WITH CHECK ({write})",
        ]
    if table == "group_members":  # only a person one may already see joins one's group
        write = (
            f"{write} AND (member_id = ANY ((SELECT studygroup_people(true))::integer[]) "
            "OR studygroup_in_no_group(member_id))"
        )
    return [
        f"CREATE POLICY studygroup_read ON {table} FOR SELECT {to} USING ({read})",
        f"CREATE POLICY studygroup_insert ON {table} FOR INSERT {to} WITH CHECK ({write})",
        f"CREATE POLICY studygroup_update ON {table} FOR UPDATE {to} USING ({write}) "
        f"WITH CHECK ({write})",
        f"CREATE POLICY studygroup_delete ON {table} FOR DELETE {to} USING ({write})",
    ]


_SEEN = "(id = ANY ((SELECT studygroup_people({}))::integer[]) OR studygroup_in_no_group(id))"
MEMBERS = [
    # a person in one of one's groups, or in none yet (between `member add`'s two inserts)
    f"CREATE POLICY studygroup_read ON members FOR SELECT TO {ORGANISER} "
    f"USING {_SEEN.format('false')}",
    # a new person: any organiser who may write a group (they join it in the same command)
    f"CREATE POLICY studygroup_insert ON members FOR INSERT TO {ORGANISER} "
    "WITH CHECK (cardinality((SELECT studygroup_groups(true))::integer[]) > 0)",
    f"CREATE POLICY studygroup_update ON members FOR UPDATE TO {ORGANISER} "
    f"USING {_SEEN.format('true')} WITH CHECK {_SEEN.format('true')}",
    f"CREATE POLICY studygroup_delete ON members FOR DELETE TO {ORGANISER} "
    f"USING {_SEEN.format('true')}",
]
JOURNAL = [
    # an entry: its author's, and its group's organisers'
    "CREATE POLICY studygroup_read ON journal FOR SELECT USING (db_user = session_user "
    "OR group_id = ANY ((SELECT studygroup_groups(false))::integer[]))",
    "CREATE POLICY studygroup_insert ON journal FOR INSERT WITH CHECK (db_user = session_user)",
    "CREATE POLICY studygroup_update ON journal FOR UPDATE USING (db_user = session_user "
    "OR group_id = ANY ((SELECT studygroup_groups(true))::integer[])) WITH CHECK (true)",
    "CREATE POLICY studygroup_delete ON journal FOR DELETE USING (db_user = session_user)",
    "CREATE POLICY studygroup_read ON journal_changes FOR SELECT "
    "USING (entry_id IN (SELECT id FROM journal))",
    "CREATE POLICY studygroup_update ON journal_changes FOR UPDATE "
    "USING (entry_id IN (SELECT id FROM journal)) WITH CHECK (true)",
    "CREATE POLICY studygroup_delete ON journal_changes FOR DELETE "
    "USING (entry_id IN (SELECT id FROM journal))",
    # the open entry: only one's own (the triggers file rows under it)
    "CREATE POLICY studygroup_own ON journal_open FOR ALL "
    "USING (entry_id IN (SELECT id FROM journal WHERE db_user = session_user)) "
    "WITH CHECK (entry_id IN (SELECT id FROM journal WHERE db_user = session_user))",
    "CREATE POLICY studygroup_own ON group_organisers FOR SELECT USING (role_name = session_user)",
]


def _tables(db: Connection) -> list[str]:
    return list(
        db.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        ).scalars()
    )


def _create_role(db: Connection, role: str) -> None:
    db.exec_driver_sql(
        "DO $$ BEGIN "
        f"CREATE ROLE {role} NOLOGIN; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )


def secure(db: Connection) -> list[str]:
    """Set up (again) the roles, ownership, privileges and policies; what it did."""
    if db.dialect.name != "postgresql":
        raise Invalid("SQLite has no rights: whoever holds the file has everything")
    done: list[str] = []
    for role in (OWNER, ORGANISER, KEEPER):
        _create_role(db, role)
    for role in (OWNER, KEEPER):  # to hand objects over to them
        db.exec_driver_sql(f"GRANT {role} TO current_user")
    tables = _tables(db)
    for table in tables:
        db.exec_driver_sql(f'ALTER TABLE "{table}" OWNER TO {OWNER}')
        db.exec_driver_sql(f'REVOKE ALL ON "{table}" FROM PUBLIC')
    db.exec_driver_sql(FUNCTIONS)
    done.append(f"{len(tables)} tables owned by {OWNER}")
    grants = {
        "alembic_version": "SELECT",
        "group_organisers": "SELECT",
        "journal_changes": "SELECT, UPDATE, DELETE",  # filed by the triggers only
        "journal_open": "SELECT, INSERT, DELETE",
    }
    for table in tables:
        db.exec_driver_sql(
            f'GRANT {grants.get(table, "SELECT, INSERT, UPDATE, DELETE")} ON "{table}" '
            f"TO {ORGANISER}"
        )
    db.exec_driver_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {ORGANISER}")
    db.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {ORGANISER}")
    db.exec_driver_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    statements = [*MEMBERS, *JOURNAL, *KEEPER_POLICIES]
    for table in KEYS:
        if table in tables:
            statements += policies(table)
    secured = [*KEYS, "members", "journal", "journal_open", "group_organisers"]
    for table in [*secured, "journal_changes"]:
        if table not in tables:
            continue
        for (name,) in db.exec_driver_sql(
            "SELECT policyname FROM pg_policies WHERE tablename = %s", (table,)
        ):
            db.exec_driver_sql(f'DROP POLICY "{name}" ON "{table}"')
        db.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        # FORCE: the owner too. The changes' table is only enabled: organisers may not
        # insert there at all, and the keeper files rows through its own policy.
        if table != "journal_changes":
            db.exec_driver_sql(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
    for statement in statements:
        db.exec_driver_sql(statement)
    # studygroup makes no views; any view made beside its tables (a report of the
    # organisation's) reads as the one who queries it, through the policies, never as its owner
    for (view,) in db.exec_driver_sql(
        "SELECT viewname FROM pg_views WHERE schemaname = current_schema()"
    ).all():
        db.exec_driver_sql(f'ALTER VIEW "{view}" SET (security_invoker = true)')
        db.exec_driver_sql(f'ALTER VIEW "{view}" OWNER TO {OWNER}')
        db.exec_driver_sql(f'GRANT SELECT ON "{view}" TO {ORGANISER}')
    db.exec_driver_sql("DROP TRIGGER IF EXISTS studygroup_journal_author ON journal")
    db.exec_driver_sql(
        "CREATE TRIGGER studygroup_journal_author BEFORE INSERT OR UPDATE OF db_user ON journal "
        "FOR EACH ROW EXECUTE FUNCTION studygroup_journal_author()"
    )
    done.append(f"row-level security forced on {len(secured)} tables ({len(statements)} policies)")
    return done


def bound(db: Connection) -> str | None:
    """The login role, when this is a secured PostgreSQL database whose policies bind it
    (not a superuser, who sees everything); None otherwise (SQLite has no rights at all)."""
    if db.dialect.name != "postgresql":
        return None
    who, secured, unbound = db.exec_driver_sql(
        "SELECT session_user, to_regprocedure('studygroup_groups(boolean)') IS NOT NULL, "
        "(SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = session_user)"
    ).one()
    return str(who) if secured and not unbound else None


def is_secured(db: Connection) -> bool:
    owner = db.exec_driver_sql(
        "SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() "
        "AND tablename = 'courses'"
    ).scalar()
    return owner == OWNER


def require_secured(db: Connection) -> None:
    if not is_secured(db):
        raise Invalid("this database is not secured yet: run 'studygroup db secure' first")


def admit(db: Connection, role: str) -> None:
    """Let an existing login role in as an organiser (its rows: `group_organisers`)."""
    found = db.exec_driver_sql(
        "SELECT rolcanlogin, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = %s", (role,)
    ).first()
    if found is None:
        raise Invalid(
            f"no role {role!r}: create it first, e.g. CREATE ROLE {role} LOGIN PASSWORD '...'"
        )
    if not found[0]:
        raise Invalid(f"{role} can't log in: organisers are login roles")
    if found[1]:
        raise Invalid(f"{role} is a superuser or bypasses row-level security: no group holds it")
    db.exec_driver_sql(f"GRANT {ORGANISER} TO {role}")


def dismiss(db: Connection, role: str) -> None:
    """A role that organises no group any more loses the table privileges too."""
    db.exec_driver_sql(f"REVOKE {ORGANISER} FROM {role}")
