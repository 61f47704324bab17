"""Domain errors. The CLI turns every one of these into `Error: ...` and exit 1, in one place."""


class StudygroupError(Exception):
    """A mistake the user can fix; the message is shown as one line."""


class NotFound(StudygroupError):
    pass


class Invalid(StudygroupError):
    pass


class Conflict(StudygroupError):
    pass


class Refused(StudygroupError):
    """The database would not let this role do it (PostgreSQL's row-level security)."""


class SchemaError(StudygroupError):
    """The database is missing, behind or ahead of this code."""
