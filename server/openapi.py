"""The committed OpenAPI document (server/openapi.json). Regenerate with:

.venv/bin/python -m server.openapi
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OPENAPI_PATH = Path(__file__).parent / "openapi.json"


def current() -> dict[str, Any]:
    from server.app import create_app
    from server.settings import Settings

    return create_app(Settings(demo_mode=True, database_url="sqlite://")).openapi()


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def export(path: Path = OPENAPI_PATH) -> Path:
    path.write_text(render(current()), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"OpenAPI écrit dans {export()}")
