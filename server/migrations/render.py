"""How autogenerate writes the project's column types: as plain SQLAlchemy types, so migration
scripts never import application code (which will change after they are written)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel.sql.sqltypes import AutoString

from models.tables._types import UTCDateTime


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    if type_ != "type":
        return False
    if isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if isinstance(obj, sa.Enum):  # stored as VARCHAR (native_enum=False, no constraint)
        return f"sa.String(length={obj.length})"
    if isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False
