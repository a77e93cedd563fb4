"""A fake of the issue 4 server contract (`models.schemas.auth`), behind `httpx.MockTransport`, so the
client's flows and screens are tested while the real routes are being written. It keeps only the
behaviour the client relies on: the generic 401 with the human-check detail, the pending login and its
6-digit code (readable by the test in `outbox`, as the demo mailbox would show it), trusted devices,
the lockout after 3 failures lifted by a reset, activation by code and its confirmation code, reset
by code, identifier recovery, session extension, devices and sessions, TOTP enrolment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx

from tui.api.client import API_PREFIX, ApiClient
from tui.flows.clock import FrozenClock

GENERIC_401 = (
    "Identifiant ou mot de passe incorrect. Après 3 essais, l'accès est bloqué 15 minutes ; "
    "« Mot de passe oublié » le débloque aussitôt."
)
ACCEPTED = "Demande prise en compte. Si un compte correspond, un e-mail vous a été envoyé."
QUESTION = "Combien font deux plus trois ? Répondez en chiffres."


@dataclass
class Account:
    member_number: str
    email: str | None
    password: str | None
    access_code: str | None = None
    active: bool = True
    failures: int = 0
    password_expired: bool = False


@dataclass
class FakeAuthServer:
    clock: FrozenClock
    accounts: dict[str, Account] = field(default_factory=dict)
    outbox: list[tuple[str, str, str]] = field(default_factory=list)
    """(to, subject, body) of every mail sent."""
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)
    devices: dict[str, dict[str, Any]] = field(default_factory=dict)
    challenges: set[str] = field(default_factory=set)
    needs_challenge: set[str] = field(default_factory=set)
    sessions: dict[str, str] = field(default_factory=dict)
    counter: int = 0
    extended: int = 0

    def __post_init__(self) -> None:
        if not self.accounts:
            self.accounts = {
                "1204587": Account("1204587", "coralie.vidal@example.fr", "Tilleul-Azur-2026!"),
                "1203356": Account("1203356", None, None, access_code="lavandes", active=False),
                "3810688": Account("3810688", "lukas.muller@example.fr", "Tilleul-Azur-2026!",
                                   password_expired=True),
            }

    # -- helpers for tests ------------------------------------------------------------------------------

    def last_code(self) -> str:
        body = self.outbox[-1][2]
        return body.split("code : ")[1].split()[0]

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def api(self) -> ApiClient:
        return ApiClient("http://127.0.0.1:8765", transport=self.transport(), clock=self.clock)

    def _next(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def _find(self, identifier: str) -> Account | None:
        for account in self.accounts.values():
            if identifier in (account.member_number, account.email):
                return account
        return None

    def _mail(self, to: str | None, subject: str, code: str) -> None:
        self.outbox.append((to or "?", subject, f"Bonjour,\nVotre code : {code} (valable 10 minutes).\n"))

    def _session(self, account: Account) -> dict[str, Any]:
        token = self._next("tok")
        self.sessions[token] = account.member_number
        now = self.clock.now()
        return {
            "token": token,
            "role": "member",
            "display_name": "Coralie VIDAL",
            "expires_at": (now + timedelta(hours=12)).isoformat(),
            "idle_expires_at": (now + timedelta(minutes=15)).isoformat(),
            "password_expired": account.password_expired,
        }

    def _pending(self, pending_id: str) -> dict[str, Any]:
        p = self.pending[pending_id]
        return {
            "id": pending_id,
            "methods": ["email", "sms"],
            "method": p["method"],
            "destination": "c****e@example.fr" if p["method"] == "email" else "06 ** ** ** 12",
            "code_expires_at": p["expires"].isoformat(),
            "resends_left": p["resends"],
        }

    # -- the routes -----------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix(API_PREFIX)
        body = json.loads(request.content) if request.content else {}
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        method = request.method
        if path == "/auth/challenge":
            cid = self._next("ch")
            self.challenges.add(cid)
            return httpx.Response(200, json={"id": cid, "question": QUESTION,
                                             "expires_at": (self.clock.now() + timedelta(minutes=5)).isoformat()})
        if path == "/auth/login":
            return self._login(body)
        if path == "/auth/second-factor":
            return self._second_factor(body)
        if path == "/auth/second-factor/resend":
            p = self.pending.get(body["pending_id"])
            if p is None or p["resends"] <= 0:
                return _error(401, "Code expiré : recommencez la connexion.")
            p["resends"] -= 1
            p["method"] = body.get("method") or p["method"]
            p["code"] = f"{int(p['code']) + 1:06d}"
            self._mail(p["to"], "Votre code de connexion", p["code"])
            return httpx.Response(200, json=self._pending(body["pending_id"]))
        if path == "/auth/terms":
            return httpx.Response(200, json={"version": "2026-01", "title": "Conditions générales d'utilisation",
                                             "text": "Vos données de santé sont protégées."})
        if path == "/auth/activation/code":
            if not self._challenge_ok(body):
                return _error(422, "La réponse à la vérification de sécurité est incorrecte.", "challenge")
            account = self.accounts.get(body["member_number"])
            if account and account.access_code == body["access_code"] and not account.active:
                account.email = body["email"]
                account.password = body["password"]
                account.access_code = "CONFIRM:" + "482913"
                self._mail(account.email, "Confirmez votre adresse", "482913")
            return httpx.Response(202, json={"message": ACCEPTED})
        if path == "/auth/confirm-email":
            account = self._find(body.get("identifier") or "")
            if account is None or account.access_code != "CONFIRM:" + (body.get("code") or ""):
                return _error(400, "Code de confirmation invalide ou expiré.", "code")
            account.active = True
            account.access_code = None
            return httpx.Response(200, json={"message": "Adresse confirmée."})
        if path == "/auth/password/forgot":
            if not self._challenge_ok(body):
                return _error(422, "La réponse à la vérification de sécurité est incorrecte.", "challenge")
            account = self._find(body["identifier"])
            if account is not None:
                account.access_code = "RESET:771204"
                self._mail(account.email, "Mot de passe oublié", "771204")
            return httpx.Response(202, json={"message": ACCEPTED})
        if path == "/auth/password/reset":
            account = self._find(body.get("identifier") or "")
            if account is None or account.access_code != "RESET:" + (body.get("code") or ""):
                return _error(400, "Code invalide ou expiré.", "code")
            account.password = body["new_password"]
            account.failures = 0
            account.access_code = None
            self.devices.clear()
            return httpx.Response(200, json={"message": "Mot de passe changé."})
        if path == "/auth/identifier/recover":
            return httpx.Response(202, json={"message": ACCEPTED})
        # -- authenticated --
        member = self.sessions.get(token)
        if member is None:
            return _error(401, "Session expirée.")
        account = self.accounts[member]
        if path == "/auth/password/change":
            if body["current_password"] != account.password:
                return _error(422, "Mot de passe actuel incorrect.", "current_password")
            account.password = body["new_password"]
            account.password_expired = False
            return httpx.Response(204)
        if account.password_expired:
            return _error(403, "Mot de passe expiré.", code="password_expired")
        if path == "/auth/session/extend":
            self.extended += 1
            s = self._session(account)
            return httpx.Response(200, json={"expires_at": s["expires_at"], "idle_expires_at": s["idle_expires_at"]})
        if path == "/me/trusted-devices" and method == "GET":
            now = self.clock.now()
            return httpx.Response(200, json=[
                {"id": d["id"], "name": d["name"], "created_at": now.isoformat(),
                 "expires_at": (now + timedelta(days=90)).isoformat(), "last_used_at": None}
                for d in self.devices.values() if d["member"] == member
            ])
        if path.startswith("/me/trusted-devices/") and method == "DELETE":
            device_id = int(path.rsplit("/", 1)[1])
            for key, d in list(self.devices.items()):
                if d["id"] == device_id:
                    del self.devices[key]
            return httpx.Response(204)
        if path == "/me/sessions":
            now = self.clock.now()
            return httpx.Response(200, json=[
                {"id": i, "created_at": now.isoformat(), "last_seen_at": now.isoformat(),
                 "expires_at": (now + timedelta(hours=12)).isoformat(), "user_agent": "espace-tui/0.1",
                 "ip": "127.0.0.1", "current": t == token}
                for i, (t, m) in enumerate(self.sessions.items(), start=1) if m == member
            ])
        if path == "/me/totp/enroll":
            return httpx.Response(200, json={"secret": "JBSWY3DPEHPK3PXP", "otpauth_uri": "otpauth://totp/x",
                                             "qr_lines": ["█▀▀▀▀▀█ ▄ █▀▀▀▀▀█", "█ ███ █ ▀ █ ███ █",
                                                          "▀▀▀▀▀▀▀ ▀ ▀▀▀▀▀▀▀"]})
        if path == "/me/totp/confirm":
            if body["code"] != "123456":
                return _error(422, "Code incorrect : vérifiez l'heure de votre téléphone.", "code")
            return httpx.Response(200, json={"recovery_codes": [f"ABCD-{i:04d}" for i in range(10)]})
        if path == "/auth/logout":
            self.sessions.pop(token, None)
            return httpx.Response(204)
        return _error(503, "Service indisponible (faux serveur).")

    def _challenge_ok(self, body: dict[str, Any]) -> bool:
        cid = body.get("challenge_id")
        if cid not in self.challenges:
            return False
        self.challenges.discard(cid)
        return (body.get("challenge_answer") or "").strip() == "5"

    def _login(self, body: dict[str, Any]) -> httpx.Response:
        identifier = body["identifier"]
        if identifier in self.needs_challenge and not self._challenge_ok(body):
            return _error(401, GENERIC_401, "challenge")
        account = self._find(identifier)
        if account is None or not account.active:
            self.needs_challenge.add(identifier)
            return _error(401, GENERIC_401, "challenge")
        device = self.devices.get(body.get("trusted_device_token") or "")
        trusted = device is not None and device["member"] == account.member_number
        if not trusted:
            account.failures += 1
            if account.failures > 3 or body["password"] != account.password:
                self.needs_challenge.add(identifier)
                return _error(401, GENERIC_401, "challenge")
            account.failures = 0
        elif body["password"] != account.password:
            return _error(401, GENERIC_401)
        self.needs_challenge.discard(identifier)
        if trusted or account.password_expired:
            return httpx.Response(200, json={"status": "authenticated", "session": self._session(account)})
        pid = self._next("p")
        self.pending[pid] = {"member": account.member_number, "code": "314159", "method": "email",
                             "expires": self.clock.now() + timedelta(minutes=10), "resends": 3, "to": account.email}
        self._mail(account.email, "Votre code de connexion", "314159")
        return httpx.Response(200, json={"status": "second_factor_required", "pending": self._pending(pid)})

    def _second_factor(self, body: dict[str, Any]) -> httpx.Response:
        p = self.pending.get(body["pending_id"])
        if p is None or body["code"] != p["code"]:
            return _error(401, "Code incorrect ou expiré.")
        del self.pending[body["pending_id"]]
        account = self.accounts[p["member"]]
        result: dict[str, Any] = {"session": self._session(account)}
        if body.get("trust_device"):
            dtoken = self._next("dev")
            self.devices[dtoken] = {"id": self.counter, "member": account.member_number,
                                    "name": body.get("device_name") or "Appareil"}
            result["trusted_device_token"] = dtoken
            result["trusted_device_expires_at"] = (self.clock.now() + timedelta(days=90)).isoformat()
        return httpx.Response(200, json=result)


def _error(status: int, message: str, detail_field: str | None = None, code: str = "error") -> httpx.Response:
    details = [{"field": detail_field, "message": message}] if detail_field and status == 401 else []
    if detail_field and status != 401:
        details = [{"field": detail_field, "message": message}]
    return httpx.Response(status, json={"code": code, "message": message, "details": details})
