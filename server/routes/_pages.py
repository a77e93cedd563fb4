"""The HTML pages of the links received by mail (issue 16): opening a link (a GET) shows a page that consumes
nothing and asks to confirm; its plain form (no script) POSTs to ``…/form``, which calls the same service as the
JSON route the terminal uses and answers another page. Pages come from autoescaping templates
(``server.pages``); their headers from ``server.http_headers``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from models.domain.password_policy import RULES_SUMMARY
from server.errors import ApiError
from server.pages import page
from server.routes._body import read_limited
from server.settings import Settings

FORM_LIMIT = 4096  # a token and two passwords
FORM_FIELDS = 10
TOKEN_MAX = 200


async def form_fields(request: Request) -> dict[str, str]:
    """The fields of a page's form (``application/x-www-form-urlencoded``), read within ``FORM_LIMIT`` bytes."""
    settings: Settings = request.app.state.settings
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise ApiError(415, "unsupported_media_type", "Format de demande non pris en charge : envoyez le formulaire.")
    raw = await read_limited(request, FORM_LIMIT, settings)
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=FORM_FIELDS, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "bad_request", "La demande est mal formée.") from None
    return dict(pairs)


FormFields = Annotated[dict[str, str], Depends(form_fields)]


@dataclass(frozen=True)
class LinkPage:
    """One kind of link: its page's words, and the form route it posts to."""

    title: str
    intro: str
    button: str
    action: str
    terminal: str
    with_password: bool = False

    def ask(self, token: str, *, problems: list[str] | None = None, status_code: int = 200) -> HTMLResponse:
        """The page that asks to confirm (again, with ``problems``, after a refused form: the token is kept)."""
        return page(
            "link.html",
            status_code=status_code,
            title=self.title,
            message=None,
            problems=problems or [],
            form=True,
            intro=self.intro,
            action=self.action,
            token=token,
            button=self.button,
            with_password=self.with_password,
            rules=RULES_SUMMARY,
            terminal=self.terminal,
        )

    def said(self, message: str, *, status_code: int = 200) -> HTMLResponse:
        """The outcome, in the service's words."""
        return page("link.html", status_code=status_code, title=self.title, message=message, problems=[], form=False)

    def refused(self, error: ApiError, token: str) -> HTMLResponse:
        """A refusal: a field to correct (422: the password's rules) asks again with the token kept; anything
        else (a used or expired link) is said."""
        if error.status_code == 422:
            return self.ask(token, problems=[error.message], status_code=422)
        return self.said(error.message, status_code=error.status_code)


def token_of(fields: dict[str, str]) -> str | None:
    token = fields.get("token", "").strip()
    return token if token and len(token) <= TOKEN_MAX else None
