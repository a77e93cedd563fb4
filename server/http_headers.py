"""The security headers of every answer, set in one place (issue 16, security-rules.md « HTTP surface »).

- ``X-Content-Type-Options: nosniff`` on every answer: a browser never guesses HTML or script from a JSON body or
  a document.
- ``Cache-Control: no-store`` on every answer under ``/api/`` but the few that are public and the same for
  everyone (``PUBLIC_CACHEABLE``): the API's answers carry personal data (health data, art. 9 GDPR) or tokens (the
  session token of a login), and a rule « everything but a short list » cannot forget a new route, as a list of
  sensitive routes would. The health checks are not in the list: a monitor must never read a stored answer.
- On HTML pages (the links received by mail, the demo's ``/docs``): a strict Content-Security-Policy (nothing may
  load, no script, no style, forms post only to this server, no framing), ``X-Frame-Options: DENY`` for older
  browsers, ``Referrer-Policy: no-referrer`` (the token of a link must not leave in a Referer).

A plain ASGI middleware, like ``server.app.AccessLog`` (Starlette's BaseHTTPMiddleware adds a task group and a
stream to every request). The 500 of an unexpected error is sent by Starlette's outermost error middleware,
around this one: its handler (``server.errors``) adds the same headers with ``security_headers``.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
PUBLIC_CACHEABLE = frozenset({"/api/v1/auth/terms"})  # the CGU: the same text for everyone, no personal data


def security_headers(path: str, content_type: str) -> dict[str, str]:
    headers = {"X-Content-Type-Options": "nosniff"}
    html = content_type.startswith("text/html")
    if (path.startswith("/api/") and path not in PUBLIC_CACHEABLE) or html:
        headers["Cache-Control"] = "no-store"
    if html:
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "no-referrer"
    return headers


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in security_headers(path, headers.get("content-type", "")).items():
                    headers[name] = value  # replaces what a route may have set: one policy, here
            await send(message)

        await self.app(scope, receive, send_with_headers)
