"""Every SMS the server sends is written in the GSM 03.38 basic set (one character outside it and the
operator sends the whole SMS in UCS-2, 70 characters a part): one function writes it, one door sends it."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlmodel import col, select

from models.tables import MailOutbox
from server.notify.sms import GSM7_BASIC, gsm7, send_sms
from tests.conftest import PASSWORD
from tests.server.auth_helpers import LOGIN, code_in, last_mail

SERVER = Path(__file__).resolve().parents[2] / "server"


@given(st.text())
@example("Espace Adhérent : valable jusqu’au 24/11/2026 à 1\u00a0h\u00a015 — d’être « remplacé » : 12,50\u00a0€")
def test_gsm7_writes_any_text_in_the_basic_set(text):
    assert set(gsm7(text)) <= GSM7_BASIC


@given(st.text(alphabet=sorted(GSM7_BASIC)))
def test_gsm7_keeps_a_text_already_in_the_basic_set(text):
    assert gsm7(text) == text


def test_gsm7_keeps_the_french_letters_it_can_and_spells_the_others():
    assert gsm7("Espace Adhérent : valable jusqu’au 24/11/2026 à 1\u00a0h\u00a015") == (
        "Espace Adhérent : valable jusqu'au 24/11/2026 à 1 h 15"
    )
    assert gsm7("d’être « remplacé », cœur, reçu : 12,50\u00a0€") == 'd\'etre " remplacé ", coeur, recu : 12,50 EUR'


@hypothesis_settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_every_sms_sent_through_the_server_door_is_gsm7(text, settings, clock, db_session):
    send_sms(db_session, clock, settings, "06 12 34 56 78", text)
    sent = db_session.exec(
        select(MailOutbox)
        .where(MailOutbox.to == f"sms+0612345678@{settings.sms_sink_domain}")
        .order_by(col(MailOutbox.id).desc())
    ).first()
    assert sent is not None and set(sent.body) <= GSM7_BASIC


def test_no_server_code_sends_an_sms_but_through_send_sms():
    """A provider called directly would skip gsm7: only server/notify/sms.py may reach one."""
    callers = [
        str(path.relative_to(SERVER))
        for path in SERVER.rglob("*.py")
        if path.name != "sms.py" and "provider_for" in path.read_text(encoding="utf-8")
    ]
    assert callers == []


async def test_the_login_code_sms_says_the_time_in_gsm7(client, make, db_session, clock):
    member = make.member(member_number="41000031", email="sms7@exemple.fr", mobile="06 98 76 54 31")
    make.account(member)
    first = (await client.post(LOGIN, json={"identifier": "41000031", "password": PASSWORD})).json()
    clock.advance(seconds=30)
    r = await client.post(
        "/api/v1/auth/second-factor/resend", json={"pending_id": first["pending"]["id"], "method": "sms"}
    )
    assert r.status_code == 200, r.text
    sms = last_mail(db_session, "sms+0698765431@sms.demo.invalid")
    code = code_in(sms)
    assert re.fullmatch(
        rf"Espace Adhérent : votre code de connexion est {code} "
        r"\(valable jusqu'au \d\d/\d\d/\d{4} à \d{1,2} h \d\d\)\.",
        sms.body,
    ), sms.body
    assert set(sms.body) <= GSM7_BASIC
