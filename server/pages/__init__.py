"""The few HTML pages of the server, from Jinja2 templates with autoescaping: everything a page shows that
came from a request (the token of a link) or from the database is escaped, so no value can become markup or
script (issue 16: the token of a link used to land inside an inline ``<script>``). The pages carry no script at
all: a plain form POSTs to a route that answers another page. Their security headers (a strict CSP, no
framing, no referrer) are set in one place, ``server.http_headers.SecurityHeaders``."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

ENVIRONMENT = Environment(
    loader=PackageLoader("server.pages", "templates"),
    autoescape=True,  # every template, whatever its name: nothing is inserted unescaped
    undefined=StrictUndefined,  # a name missing from the context is an error, not an empty string
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, **context: Any) -> str:
    return ENVIRONMENT.get_template(template).render(**context)


def page(template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(render(template, **context), status_code=status_code)
