"""Console conseiller (issues 9 and 16), the finishing work: accent- and case-insensitive name search on an indexed
folded column (filled on write and by migration 0008), the call's length as a setting (FrozenClock), the carte de
tiers payant emailed to a professional of the network as a PDF attachment (outbox row, then a real SMTP server on
loopback), and the NPAI / tutelle alerts recorded by a conseiller."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from email import message_from_bytes
from email.policy import default as default_policy

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import select

from models.domain.identifiers import fold_name
from models.domain.money import format_eur
from models.schemas.common import Role
from models.tables import (
    AuditEvent,
    Beneficiary,
    Contract,
    GuaranteeLine,
    MailAttachment,
    MailOutbox,
    Member,
    MemberAlert,
    PartnerProfessional,
)
from server.app import create_app
from server.jobs import run_pass
from server.settings import Settings
from tests.conftest import bearer
from tests.server.call_helpers import strong_call, verified_call
from tests.server.test_agent import PHARMACY_FINESS
from tests.server.test_outbox import smtp_sink  # noqa: F401  (the aiosmtpd fixture)


@pytest.fixture
def desk(make, clock):
    long_ago = clock.now() - timedelta(days=400)  # their e-mails have been on file long enough for the strong code
    muller = make.member(
        first_name="Hélène", last_name="MÜLLER", birth_date=date(1961, 3, 9), city="Colmar", created_at=long_ago
    )
    other = make.member(
        first_name="Hélène", last_name="MULLERT", birth_date=date(1990, 1, 2), city="Metz", created_at=long_ago
    )
    make.session.add(
        PartnerProfessional(
            finess=PHARMACY_FINESS, name="Pharmacie du Centre", kind="pharmacie", email="contact@pharmacie-centre.fr"
        )
    )
    contract = make.contract(muller)
    make.claim(muller, contract=contract, care_date=date(2026, 11, 2), amc_paid="9.00")
    make.account(muller)
    agent = make.account(role=Role.agent, display_name="Julien ROCHE")
    return {"member": muller, "other": other, "agent": bearer(make.session_token(agent)), "agent_id": agent.id}


async def open_dossier(client, desk) -> None:
    await verified_call(client, desk["agent"], desk["member"])


def test_fold_name():
    assert fold_name("MÜLLER") == "muller"
    assert fold_name("  Hélène ") == "helene"
    assert fold_name("Œuvray-Lefèvre") == "oeuvray-lefevre"
    assert fold_name("N’Diaye") == "n'diaye"


async def test_name_search_ignores_accents_and_case(client, desk):
    m = desk["member"]
    for q in ("muller", "MULLER", "müller", "Muller helene", "MÜLLER Hélène", "mull hel"):
        hits = (await client.get("/api/v1/agent/members", params={"q": q}, headers=desk["agent"])).json()["hits"]
        assert m.id in [h["id"] for h in hits], q
        assert all(h["matched_on"] == "name" for h in hits)
    only = (await client.get("/api/v1/agent/members", params={"q": "mullert"}, headers=desk["agent"])).json()["hits"]
    assert [h["id"] for h in only] == [desk["other"].id]
    # the hit shows the name as written in the dossier
    hit = next(
        h
        for h in (await client.get("/api/v1/agent/members", params={"q": "muller h"}, headers=desk["agent"])).json()[
            "hits"
        ]
        if h["id"] == m.id
    )
    assert (hit["last_name"], hit["first_name"]) == ("MÜLLER", "Hélène")


async def test_a_compound_surname_is_found_however_it_is_typed(client, make, desk):
    """« le goff », « de la tour », with or without accents or hyphen, « nom prénom » in either order."""
    goff = make.member(first_name="Gaëlle", last_name="LE GOFF", birth_date=date(1990, 5, 2), city="Grenoble")
    tour = make.member(first_name="Jean-Pierre", last_name="DE LA TOUR-D'AUVERGNE", city="Clermont")
    lefevre = make.member(first_name="Goff", last_name="LEFÈVRE", city="Rouen")  # « le » + « goff » elsewhere
    cases = {
        "le goff": {goff.id, lefevre.id},
        "LE GOFF": {goff.id, lefevre.id},
        "le-goff": {goff.id, lefevre.id},
        "le goff gaelle": {goff.id},
        "Le Goff Gaëlle": {goff.id},
        "gaëlle le goff": {goff.id},
        "gaelle le-goff 02/05/1990": {goff.id},
        "de la tour": {tour.id},
        "de la tour-d'auvergne": {tour.id},
        "De-La-Tour jean pierre": {tour.id},
        "jean-pierre de la t": {tour.id},
        "lefevre goff": {lefevre.id},
    }
    for q, expected in cases.items():
        hits = (await client.get("/api/v1/agent/members", params={"q": q}, headers=desk["agent"])).json()["hits"]
        assert {h["id"] for h in hits} == expected, q
    wrong_birth = {"q": "gaelle le goff 03/05/1990"}
    nobody = await client.get("/api/v1/agent/members", params=wrong_birth, headers=desk["agent"])
    assert nobody.json()["hits"] == []


def test_the_search_columns_are_filled_on_write_and_indexed(db_session, make):
    member = make.member(first_name="Éloïse", last_name="DE LA FONTAINE")
    assert (member.search_last_name, member.search_first_name) == ("de la fontaine", "eloise")
    member.last_name = "LEFÈVRE"
    db_session.add(member)
    db_session.commit()
    db_session.refresh(member)
    assert member.search_last_name == "lefevre"
    indexes = {i["name"]: i["column_names"] for i in sa.inspect(db_session.connection()).get_indexes("member")}
    assert indexes["ix_member_search_name"] == ["search_last_name", "search_first_name"]


def test_migration_0008_fills_existing_rows(tmp_path):
    """Rows written before 0008 (no search columns) are folded by the migration itself."""
    from alembic import command

    from server.db import create_db_engine
    from server.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "0007")
    engine = create_db_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO member (member_number, first_name, last_name, birth_date, sex, address_line1, "
                    "postal_code, city, created_at) VALUES ('4242', 'Hélène', 'MÜLLER', '1961-03-09', 'F', '', '', '', "
                    "'2026-01-01 00:00:00')"
                )
            )
        command.upgrade(config, "head")
        with engine.connect() as conn:
            row = conn.execute(sa.text("SELECT search_last_name, search_first_name FROM member")).one()
        assert tuple(row) == ("muller", "helene")
    finally:
        engine.dispose()


async def walk(client, clock, url, headers, total: timedelta) -> None:
    """Move the clock by ``total`` in 10-minute steps, reading the banner at each (the session's idle
    timeout is 15 minutes): the dossier stays open all along."""
    step = timedelta(minutes=10)
    while total > timedelta(0):
        clock.advance(min(step, total))
        total -= step
        assert (await client.get(url, headers=headers)).status_code == 200


async def test_a_call_lasts_at_most_the_setting(settings, clock, session_scope, make, desk):
    short = settings.model_copy(update={"agent_call_limit": timedelta(minutes=30)})
    app = create_app(short, clock=clock, session_scope=session_scope)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        await open_dossier(client, desk)
        url = f"/api/v1/agent/members/{desk['member'].id}/banner"
        await walk(client, clock, url, desk["agent"], timedelta(minutes=29, seconds=59))
        clock.advance(seconds=2)
        closed = await client.get(url, headers=desk["agent"])
        assert closed.status_code == 404 and closed.json()["code"] == "not_found"


def test_the_call_limit_setting_is_read_from_the_environment(monkeypatch):
    assert Settings(demo_mode=True).agent_call_limit == timedelta(hours=2)
    monkeypatch.setenv("ESPACE_AGENT_CALL_LIMIT", "PT45M")
    assert Settings(demo_mode=True).agent_call_limit == timedelta(minutes=45)


async def test_default_call_limit_is_two_hours(client, clock, desk):
    await open_dossier(client, desk)
    url = f"/api/v1/agent/members/{desk['member'].id}/banner"
    await walk(client, clock, url, desk["agent"], timedelta(hours=1, minutes=59, seconds=59))
    clock.advance(seconds=2)
    assert (await client.get(url, headers=desk["agent"])).status_code == 404


async def test_card_to_a_professional_is_an_attachment_audited_and_told(
    client,
    desk,
    db_session,
    clock,
    settings,
    session_scope,
    smtp_sink,
):
    m = desk["member"]
    await strong_call(client, desk["agent"], m, db_session)
    url = f"/api/v1/agent/members/{m.id}/documents"
    bad = await client.post(
        url, json={"reason": "Pharmacie", "document": "card", "finess": "63078098"}, headers=desk["agent"]
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_finess")
    done = await client.post(
        url,
        json={"reason": "Demande de la pharmacie", "ticket": "T-9", "document": "card", "finess": PHARMACY_FINESS},
        headers=desk["agent"],
    )
    assert done.status_code == 200, done.text
    assert done.json()["member_told"] is True and "Pharmacie du Centre" in done.json()["message"]
    db_session.expire_all()
    mail = db_session.exec(select(MailOutbox).where(MailOutbox.to == "contact@pharmacie-centre.fr")).one()
    [attachment] = db_session.exec(select(MailAttachment).where(MailAttachment.mail_id == mail.id)).all()
    assert (attachment.filename, attachment.content_type) == ("carte-tiers-payant.pdf", "application/pdf")
    assert attachment.data.startswith(b"%PDF")
    told = db_session.exec(select(MailOutbox).where(MailOutbox.to == m.email)).all()
    assert any("Pharmacie du Centre" in t.body for t in told)
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "agent_document_sent")).one()
    assert (event.actor_account_id, event.target_id) == (desk["agent_id"], str(m.id))
    assert event.detail["to"] == "contact@pharmacie-centre.fr" and event.detail["ticket"] == "T-9"
    # the sender: a multipart mail with the PDF part, to a real SMTP server on loopback
    sink, port = smtp_sink
    report = run_pass(session_scope, clock, settings.model_copy(update={"smtp_port": port}))
    assert report.sent >= 2
    envelope = next(e for e in sink.envelopes if e.rcpt_tos == ["contact@pharmacie-centre.fr"])
    received = message_from_bytes(envelope.content, policy=default_policy)
    assert received.is_multipart()
    [part] = list(received.iter_attachments())
    assert (part.get_content_type(), part.get_filename()) == ("application/pdf", "carte-tiers-payant.pdf")
    assert part.get_content().startswith(b"%PDF")
    assert "carte de tiers payant" in received.get_body(("plain",)).get_content()
    db_session.expire_all()
    assert db_session.exec(select(MailAttachment)).all() == []  # not kept once sent


async def test_no_card_without_a_contract(client, make, desk, db_session):
    m = desk["other"]
    await strong_call(client, desk["agent"], m, db_session)
    response = await client.post(
        f"/api/v1/agent/members/{m.id}/documents",
        json={"reason": "pharmacie", "document": "card", "finess": PHARMACY_FINESS},
        headers=desk["agent"],
    )
    assert (response.status_code, response.json()["code"]) == (409, "no_card")


async def test_npai_and_tutelle_alerts_feed_the_banner(client, desk, db_session):
    m = desk["member"]
    await open_dossier(client, desk)
    url = f"/api/v1/agent/members/{m.id}/alerts"
    banner_url = f"/api/v1/agent/members/{m.id}/banner"
    assert (await client.get(banner_url, headers=desk["agent"])).json()["alerts"] == []
    npai = await client.post(url, json={"reason": "Courrier du 12/11 revenu", "kind": "npai"}, headers=desk["agent"])
    assert npai.status_code == 200 and npai.json()["member_told"] is True
    tutelle = await client.post(
        url,
        json={"reason": "Jugement reçu", "kind": "guardianship", "note": "curatelle renforcée, UDAF 68"},
        headers=desk["agent"],
    )
    assert tutelle.json()["message"] == "Alerte enregistrée : tutelle ou curatelle (curatelle renforcée, UDAF 68)."
    assert tutelle.json()["member_told"] is False
    alerts = (await client.get(banner_url, headers=desk["agent"])).json()["alerts"]
    assert {a["kind"] for a in alerts} == {"npai", "guardianship"}
    assert any("UDAF 68" in a["text"] for a in alerts)
    again = await client.post(url, json={"reason": "Deuxième retour", "kind": "npai"}, headers=desk["agent"])
    assert again.status_code == 200
    assert len(db_session.exec(select(MemberAlert).where(MemberAlert.member_id == m.id)).all()) == 2  # not doubled
    cleared = await client.post(
        url, json={"reason": "Nouvelle adresse donnée", "kind": "npai", "clear": True}, headers=desk["agent"]
    )
    assert cleared.json()["message"] == "Alerte levée : courrier revenu NPAI."
    alerts = (await client.get(banner_url, headers=desk["agent"])).json()["alerts"]
    assert [a["kind"] for a in alerts] == ["guardianship"]
    nothing = await client.post(url, json={"reason": "Rien", "kind": "npai", "clear": True}, headers=desk["agent"])
    assert nothing.status_code == 409
    # One email, for the first NPAI return only: the tutelle, the second return and the clearing send none.
    told = db_session.exec(select(MailOutbox).where(MailOutbox.to == m.email)).all()
    assert [mail.subject for mail in told] == ["Votre adresse postale est-elle à jour ?"]
    assert "mettez à jour votre adresse postale dans « Mon profil »" in told[0].body
    assert "à votre demande" not in told[0].body  # the mutuelle tells them; they asked nothing
    assert "UDAF" not in told[0].body
    actions = [e.action for e in db_session.exec(select(AuditEvent).where(AuditEvent.target_id == str(m.id))).all()]
    assert actions.count("agent_alert_recorded") == 3 and actions.count("agent_alert_cleared") == 1
    assert db_session.exec(select(Member).where(Member.id == m.id)).one()


async def consultation_covered(client, desk, db_session) -> dict[str, str]:
    """The desk member's contract pays the généraliste (G); the dossier is opened; a 30 € consultation for her."""
    m = desk["member"]
    contract = db_session.exec(select(Contract).where(Contract.member_id == m.id)).one()
    line = GuaranteeLine(
        table_id=contract.guarantee_table_id,
        care_category="consultations",
        act_codes=["G"],
        notation="100% BR",
        label="Généraliste",
    )
    db_session.add(line)
    db_session.commit()
    await open_dossier(client, desk)
    principal = db_session.exec(select(Beneficiary).where(Beneficiary.member_id == m.id)).one()
    return {"act": "G", "charged": "30", "beneficiary_id": str(principal.id)}


async def test_a_simulation_for_the_member_emails_them_its_summary(client, desk, db_session):
    m = desk["member"]
    line = await consultation_covered(client, desk, db_session)
    url = f"/api/v1/agent/members/{m.id}/simulations"
    one = await client.post(
        url, json={"reason": "Combien pour une consultation ?", "scenarios": [line]}, headers=desk["agent"]
    )
    assert one.status_code == 200, one.text
    done = one.json()
    assert done["member_told"] is True and "résumé lui est envoyé par e-mail" in done["message"]
    result = done["result"]
    mail = db_session.exec(select(MailOutbox).where(MailOutbox.to == m.email)).one()
    assert mail.subject == "Votre simulation de remboursement"
    assert "Votre conseiller a réalisé une simulation de remboursement pour Hélène MÜLLER" in mail.body
    assert (
        f"- Consultation chez le médecin généraliste, 30,00\u00a0€ facturés : Sécurité sociale "
        f"{format_eur(Decimal(result['amo_paid']))}, mutuelle {format_eur(Decimal(result['amc_paid']))}, "
        f"reste à votre charge {format_eur(Decimal(result['out_of_pocket']))}."
    ) in mail.body
    assert "Julien ROCHE" in mail.body and "Au total" not in mail.body
    assert not re.search(r"\d{13}", mail.body)  # no NIR in an email
    two = await client.post(url, json={"reason": "Deux actes", "scenarios": [line, line]}, headers=desk["agent"])
    assert two.status_code == 200, two.text
    rows = two.json()["result"]
    last = db_session.exec(select(MailOutbox).where(MailOutbox.to == m.email).order_by(MailOutbox.id.desc())).first()  # type: ignore[union-attr]
    total = sum((Decimal(r["out_of_pocket"]) for r in rows), Decimal("0.00"))
    assert last.body.count("- Consultation") == 2
    assert f"reste à votre charge {format_eur(total)}." in last.body.split("Au total : ")[1]
    audit = db_session.exec(select(AuditEvent).where(AuditEvent.action == "agent_simulation")).all()
    assert [e.detail["lines"] for e in audit] == [1, 2]


async def test_a_simulation_for_a_member_without_email_says_nobody_was_told(client, desk, db_session):
    m = db_session.get(Member, desk["member"].id)
    m.email = None
    db_session.add(m)
    line = await consultation_covered(client, desk, db_session)
    response = await client.post(
        f"/api/v1/agent/members/{m.id}/simulations",
        json={"reason": "Combien ?", "scenarios": [line]},
        headers=desk["agent"],
    )
    assert response.json()["member_told"] is False and "résumé non envoyé" in response.json()["message"]
    assert not db_session.exec(
        select(MailOutbox).where(MailOutbox.subject == "Votre simulation de remboursement")
    ).all()
