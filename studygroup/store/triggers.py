"""The triggers that file every row change of a tracked table under the open journal entry.

Generated from the database's own tables, so they match the columns as they are:

- SQLite: three triggers per table, each `INSERT INTO journal_changes ... SELECT ... FROM
  journal_open` with the row as `json_object(...)`;
- PostgreSQL: one function, `journal_record()`, using `to_jsonb(OLD)`, and one row trigger
  per table.

A change stores the row as it was before (an update, a delete) and nothing more: what undo
needs. The row after a change is the row before the next change of it, or the row as it is
now (`journal.changes` derives it), since every change of a tracked row is filed: storing it
again would double the journal's cost for every row a bulk command writes.

No entry open (a migration, the benchmark's generator, a read) means nothing is filed.
The reminder log is not tracked: a reminder sent is a fact, never undone. A migration that
rebuilds a tracked table (SQLite's batch mode drops its triggers) calls `create` again.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect

UNTRACKED = frozenset(
    {"reminders", "journal", "journal_changes", "journal_open", "alembic_version"}
)

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION journal_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO journal_changes (entry_id, table_name, op, row_id, before)
    SELECT entry_id, TG_TABLE_NAME, 'I', NEW.id, NULL FROM journal_open;
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO journal_changes (entry_id, table_name, op, row_id, before)
    SELECT entry_id, TG_TABLE_NAME, 'U', NEW.id, to_jsonb(OLD)::text FROM journal_open;
    RETURN NEW;
  ELSE
    INSERT INTO journal_changes (entry_id, table_name, op, row_id, before)
    SELECT entry_id, TG_TABLE_NAME, 'D', OLD.id, to_jsonb(OLD)::text FROM journal_open;
    RETURN OLD;
  END IF;
END
$$
"""


def tracked(connection: Connection) -> list[str]:
    return sorted(t for t in inspect(connection).get_table_names() if t not in UNTRACKED)


def _sqlite_json(connection: Connection, table: str, row: str) -> str:
    columns = [c["name"] for c in inspect(connection).get_columns(table)]
    pairs = ", ".join(f"'{c}', {row}.\"{c}\"" for c in columns)
    return f"json_object({pairs})"


def create(connection: Connection) -> None:
    """(Re)create the journal triggers on every tracked table."""
    drop(connection)
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(PG_FUNCTION)
        for table in tracked(connection):
            connection.exec_driver_sql(
                f'CREATE TRIGGER "journal_{table}" AFTER INSERT OR UPDATE OR DELETE ON '
                f'"{table}" FOR EACH ROW EXECUTE FUNCTION journal_record()'
            )
        return
    insert = "INSERT INTO journal_changes (entry_id, table_name, op, row_id, before)"
    for table in tracked(connection):
        old = _sqlite_json(connection, table, "OLD")
        for event, values in (
            ("INSERT", "'I', NEW.id, NULL"),
            ("UPDATE", f"'U', NEW.id, {old}"),
            ("DELETE", f"'D', OLD.id, {old}"),
        ):
            connection.exec_driver_sql(
                f'CREATE TRIGGER "journal_{table}_{event.lower()}" AFTER {event} ON "{table}" '
                f"BEGIN {insert} SELECT entry_id, '{table}', {values} FROM journal_open; END"
            )


def drop(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        for table in tracked(connection):
            connection.exec_driver_sql(f'DROP TRIGGER IF EXISTS "journal_{table}" ON "{table}"')
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS journal_record()")
        return
    for (name,) in connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'journal\\_%' "
        "ESCAPE '\\'"
    ).all():
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')


def present(connection: Connection) -> set[str]:
    """The tracked tables that have their journal triggers."""
    if connection.dialect.name == "postgresql":
        names = {
            name
            for (name,) in connection.exec_driver_sql(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
            )
        }
        return {t for t in tracked(connection) if f"journal_{t}" in names}
    names = {
        name
        for (name,) in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        )
    }
    return {
        t
        for t in tracked(connection)
        if all(f"journal_{t}_{e}" in names for e in ("insert", "update", "delete"))
    }
