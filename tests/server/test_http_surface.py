"""Issue 16, what an outside probe of the HTTP API found, each class made impossible: script injection in the
HTML pages (templates with autoescaping, no script at all, a strict CSP, no framing); security headers on every
answer from one middleware; ``/docs``, ``/redoc`` and ``/openapi.json`` off outside demo and development, no CDN
script anywhere; a server error never writes SQL parameters (nor the driver's quoted values) to the log."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import select

from models.schemas.common import AccountState
from models.tables import Account
from server.app import create_app
from server.http_headers import CONTENT_SECURITY_POLICY
from server.services import mail_tokens
from server.settings import Settings
from tests.conftest import PASSWORD, bearer
from tests.server.auth_helpers import espace_logs

PAYLOAD = "</script><script>alert(1)</script>\"'><img src=x onerror=alert(1)><!--"
PAGES = ("/api/v1/auth/confirm-email", "/api/v1/auth/password/reset", "/api/v1/auth/contact-revert")
FORMS = {page: f"{page}/form" for page in PAGES}
TEMPLATES = Path(__file__).parents[2] / "server" / "pages" / "templates"


def html_pages(app) -> list[str]:
    """Every GET operation whose answer is declared as an HTML page (a new page joins the tests by itself)."""
    found = []
    for path, operations in app.openapi()["paths"].items():
        content = operations.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        if "text/html" in content:
            found.append(path)
    return sorted(found)


def assert_page_headers(response: httpx.Response) -> None:
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY and "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def assert_inert(body: str) -> None:
    """The payload is shown as text, never as markup: no script, no image, no way out of the attribute."""
    assert "<script" not in body.lower()
    assert "<img" not in body.lower() and "<!--" not in body
    assert "\"'>" not in body
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_html_pages_of_the_app_are_the_three_links():
    app = create_app(Settings(demo_mode=True, database_url="sqlite://"))
    assert html_pages(app) == sorted(PAGES)


@pytest.mark.parametrize("path", PAGES)
async def test_script_injection_in_every_html_page_is_inert(client, path):
    response = await client.get(path, params={"token": PAYLOAD})
    assert response.status_code == 200
    assert_page_headers(response)
    assert_inert(response.text)
    # the token is carried by a hidden field of a plain form, which posts to this server
    assert re.search(r'<form method="post" action="/api/v1/auth/[a-z/-]+/form">', response.text)
    assert '<input type="hidden" name="token" value="&lt;/script&gt;' in response.text


@pytest.mark.parametrize("path", PAGES)
async def test_script_injection_through_a_pages_form_is_inert(client, path):
    """The form's answer shows the page again (or says the link is not valid): the token it echoes is escaped."""
    body = {"token": PAYLOAD, "new_password": "Un-Mot-De-Passe-Solide-1", "confirmation": "autre"}
    response = await client.post(FORMS[path], data=body)
    assert response.status_code in (400, 422)
    assert_page_headers(response)
    assert "<script" not in response.text.lower() and "<img" not in response.text.lower()


def test_no_template_nor_page_holds_a_script_or_loads_anything_from_elsewhere():
    for template in TEMPLATES.glob("*.html"):
        source = template.read_text(encoding="utf-8").lower()
        assert "<script" not in source and "http://" not in source and "https://" not in source, template.name


async def test_the_confirmation_link_works_from_its_page_without_script(client, make, db_session, clock, settings):
    member = make.member()
    account = make.account(member, state=AccountState.email_unconfirmed)
    token, _code, _ = mail_tokens.issue(db_session, clock, settings, account, mail_tokens.CONFIRMATION)
    db_session.commit()
    page = await client.get(PAGES[0], params={"token": token})
    assert "Confirmer mon adresse" in page.text
    db_session.refresh(account)
    assert account.state == AccountState.email_unconfirmed  # opening the page consumes nothing
    done = await client.post(FORMS[PAGES[0]], data={"token": token})
    assert done.status_code == 200 and "Votre adresse e-mail est confirmée" in done.text
    assert_page_headers(done)
    db_session.refresh(account)
    assert account.state == AccountState.active
    again = await client.post(FORMS[PAGES[0]], data={"token": token})
    assert again.status_code == 400 and "pas valable" in again.text


async def test_the_reset_page_walks_the_mistake_and_keeps_the_token(client, make, db_session, clock, settings):
    account = make.account(make.member())
    token, _code, _ = mail_tokens.issue(db_session, clock, settings, account, mail_tokens.RESET)
    db_session.commit()
    form = FORMS[PAGES[1]]
    mismatch = await client.post(form, data={"token": token, "new_password": "Un-Mot-De-Passe-7!", "confirmation": "x"})
    assert mismatch.status_code == 422 and "ne sont pas identiques" in mismatch.text
    assert f'name="token" value="{token}"' in mismatch.text  # asked again, the link still usable
    weak = await client.post(form, data={"token": token, "new_password": "court", "confirmation": "court"})
    assert weak.status_code == 422 and "ne respecte pas les règles" in weak.text
    good = "Un-Nouveau-Secret-42"
    done = await client.post(form, data={"token": token, "new_password": good, "confirmation": good})
    assert done.status_code == 200 and "Votre mot de passe est changé" in done.text
    login = await client.post("/api/v1/auth/login", json={"identifier": account.login_email, "password": good})
    assert login.status_code == 200


async def test_a_form_takes_only_a_small_urlencoded_form(client):
    as_json = await client.post(FORMS[PAGES[0]], json={"token": "x"})
    assert as_json.status_code == 415
    huge = await client.post(FORMS[PAGES[0]], data={"token": "x" * 10_000})
    assert huge.status_code == 413


# --- headers on every answer ------------------------------------------------------------------------------


async def test_every_json_answer_says_nosniff_and_personal_ones_no_store(client, make):
    account = make.account(make.member())
    headers = bearer(make.session_token(account))
    answers = {
        "profile": await client.get("/api/v1/me/profile", headers=headers),
        "login": await client.post(
            "/api/v1/auth/login", json={"identifier": account.login_email, "password": PASSWORD}
        ),
        "unknown": await client.get("/api/v1/nulle-part"),
        "invalid": await client.get("/api/v1/me/claims", params={"page": "0"}, headers=headers),
        "anonymous": await client.get("/api/v1/me/profile"),
        "health": await client.get("/api/v1/health"),
    }
    for name, response in answers.items():
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        assert response.headers["Cache-Control"] == "no-store", name
    assert answers["login"].status_code == 200 and "pending" in answers["login"].json()
    terms = await client.get("/api/v1/auth/terms")
    assert terms.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in terms.headers.get("Cache-Control", "")  # the one public text, the same for all


async def test_a_pdf_carries_the_headers_too(client, make):
    member = make.member()
    make.contract(member)
    response = await client.get("/api/v1/me/guarantees/pdf", headers=bearer(make.session_token(make.account(member))))
    assert response.status_code == 200
    assert (response.headers["X-Content-Type-Options"], response.headers["Cache-Control"]) == ("nosniff", "no-store")


# --- documentation ---------------------------------------------------------------------------------------


def _production_settings(database_url: str, **extra) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="une-cle-de-production-assez-longue-pour-le-test",
        encryption_key="MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        **extra,
    )


async def _get(app, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        return await c.get(path)


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"])
async def test_the_documentation_is_off_outside_demo_and_development(session_scope, database_url, path):
    app = create_app(_production_settings(database_url), session_scope=session_scope)
    assert (await _get(app, path)).status_code == 404


async def test_the_documentation_in_demo_or_development_loads_nothing_from_elsewhere(session_scope, database_url):
    for app in (
        create_app(Settings(database_url=database_url, demo_mode=True), session_scope=session_scope),
        create_app(_production_settings(database_url, api_docs=True), session_scope=session_scope),
    ):
        docs, document = await _get(app, "/docs"), await _get(app, "/openapi.json")
        assert docs.status_code == 200 and document.status_code == 200
        assert_page_headers(docs)
        assert "<script" not in docs.text.lower() and "cdn" not in docs.text.lower()
        assert "POST /api/v1/auth/login" in docs.text
        assert json.loads(document.text)["info"]["title"] == "Espace Adhérent"
        assert (await _get(app, "/redoc")).status_code == 404


# --- a server error and the log --------------------------------------------------------------------------

SECRET = "valeur-secrete@exemple.fr"


async def test_a_database_error_is_a_500_whose_log_holds_neither_parameters_nor_values(
    client, make, db_session, monkeypatch
):
    """A unique violation whose value is personal data: PostgreSQL's message quotes it (« Key (…)=(…) already
    exists »), SQLAlchemy adds the parameters unless ``hide_parameters``. Neither reaches the log."""
    member = make.member()
    headers = bearer(make.session_token(make.account(member)))

    def failing_profile(session, clock, settings, member):
        insert = text("INSERT INTO login_throttle (key_hash, attempts, window_start) VALUES (:k, 0, :w)")
        session.execute(insert, {"k": SECRET, "w": clock.now()})
        session.execute(insert, {"k": SECRET, "w": clock.now()})

    monkeypatch.setattr("server.services.profile.profile", failing_profile)
    with espace_logs() as lines:
        response = await client.get("/api/v1/me/profile", headers=headers)
    assert response.status_code == 500 and response.json()["code"] == "internal_error"
    assert (response.headers["X-Content-Type-Options"], response.headers["Cache-Control"]) == ("nosniff", "no-store")
    logged = "\n".join(lines)
    assert "DatabaseFailure" in logged and "IntegrityError" in logged and "INSERT INTO login_throttle" in logged
    assert SECRET not in logged and "valeur-secrete" not in logged
    assert db_session.exec(select(Account).where(Account.member_id == member.id)).first() is not None


def test_the_engines_hide_parameters(engine):
    assert engine.hide_parameters is True
