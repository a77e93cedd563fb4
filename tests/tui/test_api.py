"""The API client: plain http:// refused except to loopback, typed French errors, real server calls."""

from __future__ import annotations

import httpx
import pytest

from models.schemas.dashboard import Dashboard
from tests.conftest import PASSWORD
from tui.api import errors
from tui.api.client import ApiClient, check_server_url, is_loopback_host
from tui.api.token_store import KeyringTokenStore, MemoryTokenStore, _usable
from tui.clock import FrozenClock

from .conftest import unreachable_api


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8765", "http://127.8.9.10", "http://localhost:8765", "http://[::1]:8765"]
)
def test_plain_http_is_accepted_to_this_machine(url):
    assert str(check_server_url(url)).startswith("http://")


@pytest.mark.parametrize(
    "url", ["http://espace.example.fr", "http://10.0.0.5:8765", "http://localhost.evil.fr", "http://[::2]"]
)
def test_plain_http_elsewhere_is_refused_in_french(url):
    with pytest.raises(errors.InsecureServer) as refused:
        ApiClient(url)
    assert "n'est pas chiffrée" in refused.value.message


def test_https_anywhere_and_the_in_process_transport_are_accepted(demo_app):
    assert ApiClient("https://espace.example.fr").base_url == "https://espace.example.fr"
    assert ApiClient("http://testserver", transport=httpx.ASGITransport(app=demo_app)).base_url == "http://testserver"
    with pytest.raises(errors.InsecureServer):  # any other transport gets no exemption
        ApiClient("http://testserver", transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    with pytest.raises(errors.InsecureServer):
        ApiClient("ftp://espace.example.fr")


def test_loopback_detection():
    assert is_loopback_host("localhost") and is_loopback_host("127.0.0.1") and is_loopback_host("[::1]")
    assert not is_loopback_host("example.fr") and not is_loopback_host("128.0.0.1")


async def test_connection_refused_is_a_network_error_with_what_to_do(client_clock):
    api = unreachable_api(client_clock)
    with pytest.raises(errors.NetworkError) as failed:
        await api.login("1000001", "x")
    assert failed.value.message == (
        "Le serveur ne répond pas. Vérifiez que le service est démarré (espace serve) puis réessayez."
    )
    assert isinstance(failed.value, ApiClient.NetworkError)  # the nested name is the same class


def _answering(status: int, body: object = None, exc: Exception | None = None) -> ApiClient:
    def handler(request: httpx.Request) -> httpx.Response:
        if exc is not None:
            raise exc
        return httpx.Response(status, json=body)

    return ApiClient("https://espace.example.fr", transport=httpx.MockTransport(handler))


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (500, errors.ServerError),
        (503, errors.ServerError),
        (429, errors.Throttled),
        (404, errors.NotFound),
        (403, errors.Forbidden),
        (422, errors.ValidationFailed),
    ],
)
async def test_statuses_map_to_typed_errors(status, expected):
    api = _answering(status, {"code": "x", "message": "Message du serveur.", "details": []})
    api.use_token("t")
    with pytest.raises(expected) as failed:
        await api.dashboard()
    assert failed.value.message == "Message du serveur."
    assert failed.value.status == status


async def test_timeout_and_garbage_have_their_own_messages():
    api = _answering(0, exc=httpx.ReadTimeout("slow"))
    with pytest.raises(errors.TimeoutError, match="trop de temps"):
        await api.health()
    api = _answering(200, {"unexpected": True})
    api.use_token("t")
    with pytest.raises(errors.UnexpectedResponse):
        await api.dashboard()
    api = _answering(502, None)
    with pytest.raises(errors.ServerError) as failed:
        await api.health()
    assert "Réessayez" in failed.value.message  # no server body: the client's own French sentence


async def test_validation_details_are_kept():
    body = {"code": "validation_error", "message": "Données invalides.", "details": [{"field": "a", "message": "m"}]}
    api = _answering(422, body)
    with pytest.raises(errors.ValidationFailed) as failed:
        await api.login("a", "b")
    assert [(d.field, d.message) for d in failed.value.details] == [("a", "m")]


async def test_an_authenticated_call_without_login_says_so():
    with pytest.raises(errors.NotAuthenticated):
        await _answering(200, {}).dashboard()


# -- against the real server ----------------------------------------------------------------------


async def test_login_second_factor_dashboard_logout_on_the_real_server(api, coralie, read_code):
    result = await api.login(coralie.member_number, coralie.password)
    assert result.session is None and api.token is None  # the password alone is not enough
    assert result.pending is not None and result.pending.destination == "c****l@example.fr"
    code = read_code(coralie.member_number)  # from the mail in the outbox
    with pytest.raises(errors.InvalidCredentials):
        await api.second_factor(result.pending.id, "000000" if code != "000000" else "111111")
    assert api.token is None
    done = await api.second_factor(result.pending.id, code)
    session = done.session
    assert api.token == session.token and session.display_name.startswith("Coralie")
    assert api.seconds_before_idle_expiry() > 0
    dashboard = await api.dashboard()
    assert isinstance(dashboard, Dashboard)
    assert dashboard.first_name == "Coralie" and len(dashboard.latest_claims) == 3
    token = api.token
    await api.logout()
    assert api.token is None
    api.use_token(token)  # the server ended it: the old token is refused
    with pytest.raises(errors.SessionExpired) as expired:
        await api.dashboard()
    assert expired.value.message == "Votre session a expiré. Reconnectez-vous."
    assert api.token is None


async def test_the_logged_in_api_fixture_went_through_the_routes(logged_in_api):
    assert logged_in_api.session is not None and logged_in_api.session.display_name.startswith("Coralie")
    assert (await logged_in_api.dashboard()).first_name == "Coralie"


async def test_wrong_password_is_invalid_credentials_with_the_servers_words(api, coralie):
    with pytest.raises(errors.InvalidCredentials) as refused:
        await api.login(coralie.member_number, "pas-le-bon")
    assert refused.value.message.startswith("Identifiant ou mot de passe incorrect")
    assert api.token is None


async def test_a_disabled_account_gets_the_same_answer_as_a_wrong_password(api, demo_make):
    from models.schemas.common import AccountState

    member = demo_make.member(member_number="1000099")
    demo_make.account(member, state=AccountState.disabled)
    with pytest.raises(errors.InvalidCredentials) as refused:  # no enumeration by message or status
        await api.login("1000099", PASSWORD)
    assert refused.value.message.startswith("Identifiant ou mot de passe incorrect")
    assert "service adhérent" in refused.value.message.lower()


# -- token store ----------------------------------------------------------------------------------


def test_memory_token_store():
    store = MemoryTokenStore()
    store.set("https://a", "t1")
    assert store.get("https://a") == "t1" and store.get("https://b") is None
    store.delete("https://a")
    assert store.get("https://a") is None and not store.persistent


def test_keyrings_that_keep_nothing_or_write_clear_text_are_refused():
    from keyring.backends import chainer, fail, null

    assert not _usable(fail.Keyring())
    assert not _usable(null.Keyring())

    class PlaintextKeyring:  # what keyrings.alt.file.PlaintextKeyring looks like to the check
        pass

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    assert not _usable(PlaintextKeyring())
    empty_chainer = chainer.ChainerBackend()
    assert _usable(empty_chainer) == bool([b for b in empty_chainer.backends if _usable(b)])


def test_a_failing_keyring_falls_back_to_memory():
    class Broken:
        def get_password(self, *a):
            raise RuntimeError("bus gone")

        def set_password(self, *a):
            raise RuntimeError("bus gone")

        def delete_password(self, *a):
            raise RuntimeError("bus gone")

    store = KeyringTokenStore(Broken())
    store.set("https://a", "t1")
    assert not store.persistent and "mémoire" in store.description
    assert store.get("https://a") == "t1"
    store.delete("https://a")
    assert store.get("https://a") is None


def test_frozen_clock_moves_only_when_told():
    from datetime import UTC, datetime

    clock = FrozenClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    clock.advance(minutes=15)
    assert clock.now() == datetime(2026, 11, 23, 9, 15, tzinfo=UTC)
    assert str(clock.today()) == "2026-11-23"
