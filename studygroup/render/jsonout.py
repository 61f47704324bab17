"""JSON for scripts: stable keys, ISO-8601 datetimes with offsets."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=_default)
