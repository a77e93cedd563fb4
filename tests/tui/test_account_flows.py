"""The issue 4 flows without Textual, against the REAL server app (demo world, in process): codes are
read from the outbox, the human check is answered as a person would."""

from __future__ import annotations

import mailbox as std_mailbox
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pyotp
import pytest

from tests.conftest import TEST_NOW
from tui.api.token_store import IDENTIFIER, MemoryTokenStore, device_item
from tui.flows import account as flows
from tui.flows import login as login_flow
from tui.flows import mailbox
from tui.flows.actions import DEFAULT_REGISTRY
from tui.flows.login import LoginFlow, Step

from .conftest import solve_challenge

PASSWORD = "Tilleul-Azur-2026!"  # the demo world's password (fixtures.world.DEMO_PASSWORD)
NEW_PASSWORD = "Glycine-Bleue-2027?"
GENERIC_401_START = "Identifiant ou mot de passe incorrect. Après 3 essais, l'accès est bloqué 15 minutes"
SUSPENDED_START = "Après 3 essais, l'accès est suspendu 15 minutes ; si ce compte existe, un e-mail a été envoyé"
CORALIE = "1204587"


@pytest.fixture(autouse=True)
def _demo_password():
    from fixtures.world import DEMO_PASSWORD

    assert DEMO_PASSWORD == PASSWORD


async def _login_with_code(api, read_code, store: MemoryTokenStore, trust: bool) -> login_flow.LoginOutcome:
    flow = LoginFlow(api, store)
    assert flow.answer(CORALIE) is None and flow.answer(PASSWORD) is None
    outcome = await flow.submit()
    assert outcome.pending is not None and flow.step is Step.CODE
    assert outcome.message == "Un code à 6 chiffres a été envoyé par e-mail à c****l@example.fr."
    assert login_flow.code_validity(outcome.pending) == "Code valable jusqu'à 10 h 10."
    assert flow.answer("12") == "Le code reçu compte 6 chiffres."
    assert flow.answer(read_code(CORALIE)) is None and flow.step is Step.SEND_CODE
    accepted = await flow.send_code()  # issue 19: the code is checked first, then the question
    assert accepted.ask_trust and accepted.message == "Code accepté." and flow.step is Step.TRUST
    return await flow.choose_trust(trust)


async def test_login_with_code_then_trusted_device_skips_the_code(api, read_code):
    store = MemoryTokenStore()
    outcome = await _login_with_code(api, read_code, store, trust=True)
    assert outcome.session is not None
    assert outcome.message == (
        "Cet appareil est maintenant un appareil de confiance jusqu'au 21 février 2027. Connexion réussie."
    )
    assert store.get_item(api.base_url, device_item(CORALIE))
    again = LoginFlow(api, store)
    again.fill(CORALIE, PASSWORD)
    second = await again.submit()
    assert second.session is not None and second.pending is None


async def test_non_merci_keeps_asking_the_code(api, read_code):
    store = MemoryTokenStore()
    outcome = await _login_with_code(api, read_code, store, trust=False)
    assert outcome.message.startswith("Cet appareil n'est pas retenu")
    flow = LoginFlow(api, store)
    flow.fill(CORALIE, PASSWORD)
    assert (await flow.submit()).pending is not None


async def test_wrong_code_goes_back_to_the_code_and_resend_counts(api, read_code, clock, client_clock):
    flow = LoginFlow(api, MemoryTokenStore())
    flow.fill(CORALIE, PASSWORD)
    await flow.submit()
    wrong = "000000" if read_code(CORALIE) != "000000" else "111111"
    assert flow.enter_code(wrong) is None and flow.step is Step.SEND_CODE  # no question before the check
    refused = await flow.send_code()
    assert refused.session is None and refused.field == "code" and flow.step is Step.CODE
    assert not refused.ask_trust and refused.message == "Code incorrect ou expiré."
    early = await flow.resend()
    assert early.message == "Patientez 30 secondes avant de demander un nouveau code."
    for moving in (clock, client_clock):
        moving.advance(seconds=30)
    resent = await flow.resend()
    assert resent.message.startswith("Nouveau code envoyé. Un code à 6 chiffres a été envoyé par e-mail")
    assert login_flow.resends_sentence(flow.pending) == "Renvois possibles : 2 renvois restants."
    assert flow.enter_code(read_code(CORALIE)) is None and flow.step is Step.SEND_CODE
    accepted = await flow.send_code()
    assert accepted.session is not None and accepted.ask_trust


async def test_a_failure_brings_the_human_check_then_lockout_then_reset_unlocks(api, read_code):
    flow = LoginFlow(api)
    flow.fill(CORALIE, "mauvais")
    first = await flow.submit()
    assert first.message.startswith(GENERIC_401_START) and first.challenge is not None
    assert flow.prompt().field == "identifier"
    flow.answer("")
    flow.answer("mauvais")
    assert flow.prompt().label == login_flow.CHALLENGE_LABEL
    assert flow.answer("") == login_flow.CHALLENGE_MISSING
    flow.answer(solve_challenge(flow.challenge.question))
    await flow.submit()
    flow.fill(CORALIE, "mauvais", solve_challenge(flow.challenge.question))
    await flow.submit()
    flow.fill(CORALIE, PASSWORD, solve_challenge(flow.challenge.question))
    locked = await flow.submit()
    # suspended: said in the same words whatever the identifier, even to the right password (issue 19)
    assert locked.session is None and locked.pending is None and locked.message.startswith(SUSPENDED_START)
    reset = flows.ResetFlow(api)
    assert (await reset.load()).ok and reset.challenge is not None
    sent = await reset.request(CORALIE, solve_challenge(reset.challenge.question))
    assert sent.message == flows.FORGOT_SENT and reset.step is flows.ResetStep.CODE
    weak = await reset.reset(read_code(CORALIE), "court", "court")
    assert not weak.ok and "au moins 12 caractères" in weak.text()
    done = await reset.reset(read_code(CORALIE), NEW_PASSWORD, NEW_PASSWORD)
    assert done.message == flows.RESET_DONE
    flow.fill(CORALIE, NEW_PASSWORD, solve_challenge(flow.challenge.question) if flow.challenge else "")
    assert (await flow.submit()).pending is not None


async def test_activation_by_code_then_confirmation(api, read_code):
    flow = flows.ActivationFlow(api, today=TEST_NOW.date())
    assert flow.heading == "Première connexion – étape 1 sur 3 : Mes infos"
    assert (await flow.load()).ok and flow.terms is not None and flow.challenge is not None
    infos = flows.ActivationInfos(
        member_number="12a", access_code="lav4ndes", email="x", password="abc", confirmation="abd"
    )
    problems = {p.field: p.message for p in flow.check(infos)}
    assert problems["member_number"] == "Le n° adhérent ne contient que des chiffres (exemple : 1234567)."
    assert problems["access_code"].startswith("Le code d'accès ne contient que des lettres")
    assert problems["email"].startswith("Indiquez une adresse e-mail valide")
    assert "Ajoutez au moins une lettre majuscule." in problems["password"]
    assert problems["confirmation"] == "Les deux mots de passe ne sont pas identiques."
    assert problems["accept_terms"] == flows.TERMS_MISSING and "challenge" in problems
    good = flows.ActivationInfos(
        member_number="1203356",
        access_code="lavandes",
        email="nathalie.rousseau@example.fr",
        password=NEW_PASSWORD,
        confirmation=NEW_PASSWORD,
        accept_terms=True,
        challenge_answer=solve_challenge(flow.challenge.question),
    )
    sent = await flow.submit(good)
    assert sent.ok and flow.heading == "Première connexion – étape 2 sur 3 : Validation"
    assert sent.message.startswith("Un e-mail de confirmation vous a été envoyé à nathalie.rousseau@example.fr.")
    code = read_code("nathalie.rousseau@example.fr")
    assert not (await flow.confirm("00000000" if code != "00000000" else "11111111")).ok
    welcome = await flow.confirm(code)
    assert welcome.message == flows.WELCOME and flow.heading.endswith("étape 3 sur 3 : Bienvenue")


def test_identity_checks_the_nir_key_locally(api):
    flow = flows.ActivationFlow(api, flows.ActivationMode.IDENTITY, today=TEST_NOW.date())
    infos = flows.ActivationInfos(
        member_number="1207710",
        last_name="MARTIN",
        first_name="Sophie",
        birth_date="31/02/1992",
        nir="2 92 12 75 056 123 00",
    )
    problems = {p.field: p.message for p in flow.check(infos)}
    assert problems["birth_date"].startswith("Indiquez votre date de naissance au format JJ/MM/AAAA")
    assert problems["nir"] == (
        "N° de sécurité sociale : La clé (les deux derniers chiffres) ne correspond pas au numéro de sécurité sociale."
    )
    assert flows.check_nir("1 85 05 78 006 084 91") is None


def test_the_policy_is_checked_with_what_the_client_knows(api):
    flow = flows.ActivationFlow(api, flows.ActivationMode.IDENTITY)
    infos = flows.ActivationInfos(member_number="1207710", last_name="Martin", first_name="Sophie")
    lines = flows.policy_lines(flow.policy_for(infos)("Martin1207710!"))
    assert "À corriger : Le mot de passe ne doit pas contenir votre numéro d'adhérent." in lines
    assert "À corriger : Le mot de passe ne doit pas contenir votre nom ni votre prénom." in lines
    assert flows.policy_lines([]) == ["Le mot de passe respecte toutes les règles."]


async def _session(api, read_code, trust: bool = False):
    flow = LoginFlow(api, MemoryTokenStore())
    flow.fill(CORALIE, PASSWORD)
    await flow.submit()
    flow.enter_code(read_code(CORALIE))
    await flow.send_code()
    return (await flow.choose_trust(trust)).session


async def test_expiry_watch_warns_once_and_extend_pushes_it_back(api, read_code, clock, client_clock):
    session = await _session(api, read_code)
    watch = flows.ExpiryWatch(session.api)
    assert not watch.due()
    for moving in (clock, client_clock):  # the server's and the client's
        moving.advance(minutes=13, seconds=40)  # 80 s left
    assert watch.due() and not watch.due()  # said once
    assert flows.expiry_warning(session.api).startswith("Sans activité, votre session se terminera à 10 h 15.")
    extended = await watch.extend()
    assert extended.message == "Session prolongée jusqu'à 10 h 28, faute d'activité d'ici là."
    assert not watch.due()


async def test_identifier_recovery_always_says_the_same(api):
    flow = flows.RecoverFlow(api, today=TEST_NOW.date())
    bad = await flow.submit("", "Sophie", "18/04/1979", "123")
    assert [p.field for p in bad.problems] == ["last_name", "nir"]
    done = await flow.submit("MARTIN", "Sophie", "18/04/1979", "1 85 05 78 006 084 91")
    assert done.message == flows.RECOVER_SENT


async def test_totp_enrolment_shows_ten_codes_once(api, read_code, client_clock, monkeypatch):
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    monkeypatch.setattr("pyotp.random_base32", lambda *args, **kwargs: secret)  # in the server, in process
    session = await _session(api, read_code, trust=True)
    totp = flows.TotpFlow(session.api)
    assert (await totp.start()).message == flows.TOTP_INTRO
    assert flows.group_secret(totp.enrollment.secret) == "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"
    assert not (await totp.confirm("12")).ok
    code = pyotp.TOTP(secret).at(client_clock.now())
    assert (await totp.confirm(code)).message == flows.TOTP_DONE and len(totp.recovery_codes) == 10
    view = await flows.load_security(session.api)
    assert len(view.devices) == 1 and view.sessions[0].current
    assert flows.device_line(view.devices[0]).startswith("Appareil : Client terminal Espace Adhérent ; Ajouté le")
    revoked = await flows.revoke_device(session.api, view.devices[0])
    assert revoked.message.startswith("Appareil « Client terminal Espace Adhérent » retiré")
    assert (await flows.load_security(session.api)).devices == []


def test_remember_me_keeps_the_identifier_and_says_memory_only_once(api):
    store = MemoryTokenStore()
    store.set_item(api.base_url, IDENTIFIER, CORALIE)
    flow = LoginFlow(api, store)
    assert flow.identifier == CORALIE and flow.remember
    assert flow.memory_only_notice().startswith("Aucun trousseau de mots de passe du système")
    assert flow.memory_only_notice() is None


def _mail(box: std_mailbox.Maildir, subject: str, when: datetime, body: str) -> None:
    message = EmailMessage()
    message["Subject"] = subject
    message["To"] = "coralie.vidal@example.fr"
    message["Date"] = when.strftime("%a, %d %b %Y %H:%M:%S +0000")
    message.set_content(body)
    box.add(message)


def test_demo_mailbox_newest_first(tmp_path: Path):
    box = std_mailbox.Maildir(str(tmp_path / "mail"), create=True)
    _mail(box, "Ancien", datetime(2026, 11, 23, 8, 0, tzinfo=UTC), "vieux")
    _mail(box, "Votre code de connexion", datetime(2026, 11, 23, 9, 5, tzinfo=UTC), "Votre code : 314159")
    mails = mailbox.read_mailbox(tmp_path / "mail")
    assert [m.subject for m in mails] == ["Votre code de connexion", "Ancien"]
    assert mails[0].summary() == (
        "Date : 23 novembre 2026 à 10 h 05 ; À : coralie.vidal@example.fr ; Objet : Votre code de connexion"
    )
    assert mails[0].body == "Votre code : 314159"
    assert mailbox.load(tmp_path / "absent")[1].startswith("La boîte aux lettres de démonstration n'a pas pu")


def test_demo_mailbox_action_only_in_demo_mode(tmp_path: Path):
    assert mailbox.demo_maildir({}) is None
    assert mailbox.demo_maildir({mailbox.MAILDIR_ENV: str(tmp_path)}) == tmp_path
    assert "demo_mailbox" not in {a.id for a in DEFAULT_REGISTRY.actions}
    demo = DEFAULT_REGISTRY.with_demo(True)
    assert demo["demo_mailbox"].keys == ("f9",) and demo.conflicts() == []
    assert DEFAULT_REGISTRY.with_demo(False) is DEFAULT_REGISTRY
    anonymous = {a.id for a in DEFAULT_REGISTRY.available(logged_in=False)}
    assert {"activate", "forgot_password", "forgot_identifier"} <= anonymous
    assert "change_password" not in anonymous
    assert "activate" not in {a.id for a in DEFAULT_REGISTRY.available(logged_in=True)}
