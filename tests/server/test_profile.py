"""« Mon profil » over HTTP: the step-up rule of the RIB (FrozenClock), the IBAN encrypted at rest, the
collective-contract rule of the ayants droit, email and mobile changes confirmed by code with a notice at
the old address, contributions, the PDFs' text, Mes données."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from decimal import Decimal

from pypdf import PdfReader
from sqlalchemy import text
from sqlmodel import select

from models.schemas.common import ContractKind, ContractState, NoemieLinkState, Relationship, Sex
from models.schemas.profile import NO_STEP_UP_CODE_PENDING
from models.tables import (
    BankAccount,
    Beneficiary,
    ContractBeneficiary,
    ContributionInstalment,
    ContributionSchedule,
    GuaranteeLine,
    MailOutbox,
)
from server.notify.sms import gsm7
from server.security.crypto import encrypt
from tests.conftest import bearer
from tests.server.auth_helpers import code_in, last_mail
from tests.server.issue7_world import upload

IBAN = "FR7630006000011234567890189"
RIB = {"iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "AGRIFRPP", "holder": "Camille Durand"}
ME = "/api/v1/me"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _member(make, email="camille@exemple.fr", **contract):
    member = make.member(email=email, mobile="0611223344", nir=None)
    account = make.account(member)
    c = make.contract(member, **contract)
    return member, account, c, bearer(make.session_token(account))


async def _step_up(client, db, headers, email="camille@exemple.fr") -> None:
    started = await client.post(f"{ME}/step-up", headers=headers)
    assert started.status_code == 200, started.text
    assert started.json()["method"] == "sms"
    sms = db.exec(select(MailOutbox).where(MailOutbox.to == "sms+0611223344@sms.demo.invalid")).all()[-1]
    verified = await client.post(f"{ME}/step-up/verify", json={"code": code_in(sms)}, headers=headers)
    assert verified.status_code == 200, verified.text


async def test_rib_change_without_a_recent_second_factor_is_refused_in_french(client, make):
    _, _, _, headers = _member(make)
    response = await client.put(f"{ME}/bank-accounts/reimbursement", json=RIB, headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "step_up_required"
    assert "confirmez d'abord que c'est bien vous" in response.json()["message"]


async def test_the_step_up_lasts_five_minutes_exactly(client, make, db_session, clock):
    _, _, _, headers = _member(make)
    await _step_up(client, db_session, headers)
    clock.advance(timedelta(minutes=5))
    ok = await client.put(f"{ME}/bank-accounts/reimbursement", json=RIB, headers=headers)
    assert ok.status_code == 200, ok.text
    assert ok.json()["reimbursement"][0]["iban_masked"] == "FR76 **** **** **** **** ***0 189"
    mail = last_mail(db_session, "camille@exemple.fr")
    assert mail.subject == "Vos coordonnées bancaires ont été modifiées"
    assert "FR76 **** **** **** **** ***0 189" in mail.body and IBAN not in mail.body
    clock.advance(timedelta(seconds=1))
    late = await client.put(f"{ME}/bank-accounts/reimbursement", json=RIB, headers=headers)
    assert late.status_code == 403
    assert late.json()["code"] == "step_up_required"


async def test_a_wrong_step_up_code_is_refused_and_the_rib_stays(client, make):
    _, _, _, headers = _member(make)
    assert (await client.post(f"{ME}/step-up", headers=headers)).status_code == 200
    wrong = await client.post(f"{ME}/step-up/verify", json={"code": "000000"}, headers=headers)
    assert wrong.status_code == 422
    assert "Code incorrect" in wrong.json()["message"]
    assert (await client.put(f"{ME}/bank-accounts/reimbursement", json=RIB, headers=headers)).status_code == 403


async def test_the_iban_is_never_in_clear_in_the_database(client, make, db_session):
    member, _, _, headers = _member(make)
    await _step_up(client, db_session, headers)
    assert (await client.put(f"{ME}/bank-accounts/reimbursement", json=RIB, headers=headers)).status_code == 200
    row = db_session.exec(select(BankAccount).where(BankAccount.member_id == member.id)).one()
    assert row.iban.startswith("v1:")
    raw = db_session.execute(text("SELECT * FROM bank_account WHERE member_id = :m"), {"m": member.id}).one()
    assert not any(IBAN in str(value) or "30006000011234567890189" in str(value) for value in raw)


async def test_a_rib_for_one_beneficiary_and_an_invalid_rib(client, make, db_session):
    member, _, _, headers = _member(make)
    child = Beneficiary(
        member_id=member.id,
        relationship=Relationship.child,
        first_name="Zoé",
        last_name="Durand",
        birth_date=date(2015, 3, 1),
        sex=Sex.female,
    )
    db_session.add(child)
    db_session.commit()
    await _step_up(client, db_session, headers)
    bad = await client.put(
        f"{ME}/bank-accounts/reimbursement", json={**RIB, "iban": "FR76 3000 6000 0112 3456 7890 188"}, headers=headers
    )
    assert bad.status_code == 422
    assert bad.json()["details"][0]["field"] == "iban"
    assert "clé de l'IBAN" in bad.json()["message"]
    ok = await client.put(
        f"{ME}/bank-accounts/reimbursement", json={**RIB, "beneficiary_id": child.id}, headers=headers
    )
    assert ok.status_code == 200
    assert [r["beneficiary_name"] for r in ok.json()["reimbursement"]] == ["Zoé Durand"]


async def test_direct_debit_with_its_sepa_mandate_on_an_individual_contract(client, make, db_session):
    _, _, _, headers = _member(make, kind=ContractKind.individual, employer=None)
    await _step_up(client, db_session, headers)
    response = await client.put(f"{ME}/bank-accounts/direct-debit", json=RIB, headers=headers)
    assert response.status_code == 200, response.text
    debit = response.json()["direct_debit"]
    assert debit["mandate_rum"].startswith("ESP-") and debit["mandate_signed_on"] == "2026-11-23"
    assert response.json()["reimbursement"] == []  # kept apart


async def test_on_a_collective_contract_the_family_goes_through_the_employer(client, make):
    _, _, _, headers = _member(make, employer="Boulangeries Martin")
    family = (await client.get(f"{ME}/family", headers=headers)).json()
    assert family["collective"] is True and family["requests_allowed"] is False
    assert "passe par votre employeur (Boulangeries Martin)" in family["employer_message"]
    body = {
        "relationship": "child",
        "first_name": "Léo",
        "last_name": "Durand",
        "birth_date": "2026-10-01",
        "sex": "M",
        "justificatifs": [{"type": "birth_certificate", "file": upload("acte.pdf")}],
    }
    response = await client.post(f"{ME}/family/additions", json=body, headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "employer_required"


async def test_adding_a_child_over_16_needs_a_school_certificate(client, make, db_session):
    _, _, _, headers = _member(make, kind=ContractKind.individual, employer=None)
    body = {
        "relationship": "child",
        "first_name": "Enzo",
        "last_name": "Durand",
        "birth_date": "2009-01-02",
        "sex": "M",
        "justificatifs": [{"type": "birth_certificate", "file": upload("acte.pdf")}],
    }
    missing = await client.post(f"{ME}/family/additions", json=body, headers=headers)
    assert missing.status_code == 422
    assert "certificat de scolarité" in missing.json()["message"]
    body["justificatifs"].append({"type": "school_certificate", "file": upload("scolarite.pdf")})
    created = await client.post(f"{ME}/family/additions", json=body, headers={**headers, "Idempotency-Key": "k1"})
    assert created.status_code == 201, created.text
    again = await client.post(f"{ME}/family/additions", json=body, headers={**headers, "Idempotency-Key": "k1"})
    assert again.json()["reference"] == created.json()["reference"]
    requests = (await client.get(f"{ME}/requests", headers=headers)).json()["items"]
    assert [r["kind"] for r in requests] == ["family_add"]
    detail = (await client.get(f"{ME}/requests/{requests[0]['id']}", headers=headers)).json()
    assert len(detail["documents"]) == 2


async def test_adding_a_spouse_needs_the_union_and_the_amo_certificate(client, make):
    _, _, _, headers = _member(make, kind=ContractKind.individual, employer=None)
    body = {
        "relationship": "spouse",
        "first_name": "Sam",
        "last_name": "Durand",
        "birth_date": "1980-01-02",
        "sex": "M",
        "union": "pacs",
        "nir": "180017512345600",
        "justificatifs": [{"type": "union_certificate", "file": upload("pacs.pdf")}],
    }
    bad_nir = await client.post(f"{ME}/family/additions", json=body, headers=headers)
    assert bad_nir.status_code == 422 and bad_nir.json()["details"][0]["field"] == "nir"
    body.pop("nir")
    missing = await client.post(f"{ME}/family/additions", json=body, headers=headers)
    assert "attestation de droits" in missing.json()["message"]
    spoof = {
        **body,
        "justificatifs": [
            {"type": "union_certificate", "file": upload("pacs.pdf")},
            {"type": "amo_rights_certificate", "file": upload("a.pdf", b"MZ-not-a-pdf")},
        ],
    }
    assert (await client.post(f"{ME}/family/additions", json=spoof, headers=headers)).status_code == 415


async def test_noemie_activation_moves_the_beneficiary_to_pending(client, make, db_session):
    member, _, _, headers = _member(make)
    principal = make.principal(member)
    body = {"beneficiary_id": principal.id, "attestation": upload("attestation.pdf")}
    created = await client.post(f"{ME}/noemie/activations", json=body, headers=headers)
    assert created.status_code == 201, created.text
    db_session.refresh(principal)
    assert principal.noemie_link == NoemieLinkState.pending
    again = await client.post(f"{ME}/noemie/activations", json=body, headers=headers)
    assert again.status_code == 422 and "déjà demandée" in again.json()["message"]


async def test_email_change_is_confirmed_by_code_and_the_old_address_is_told(client, make, db_session):
    _, account, _, headers = _member(make)
    await _step_up(client, db_session, headers)  # issue 16: a fresh second factor first
    started = await client.post(f"{ME}/profile/email", json={"email": "Camille.Neuve@Exemple.fr"}, headers=headers)
    assert started.status_code == 200, started.text
    old_notice = last_mail(db_session, "camille@exemple.fr")
    assert "c****e@exemple.fr" in old_notice.body
    profile = (await client.get(f"{ME}/profile", headers=headers)).json()
    assert profile["email"] == "camille@exemple.fr"  # not used before confirmation
    assert profile["pending"][0]["destination"] == "camille.neuve@exemple.fr"
    code = code_in(last_mail(db_session, "camille.neuve@exemple.fr"))
    wrong = await client.post(f"{ME}/profile/email/confirm", json={"code": "000000"}, headers=headers)
    assert wrong.status_code == 422
    done = await client.post(f"{ME}/profile/email/confirm", json={"code": code}, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["profile"]["email"] == "camille.neuve@exemple.fr"
    told = last_mail(db_session, "camille@exemple.fr")
    assert told.subject == "Ce changement vient-il de vous ?" and "/api/v1/auth/contact-revert?token=" in told.body
    db_session.refresh(account)
    assert account.login_email == "camille.neuve@exemple.fr"


async def test_mobile_change_is_confirmed_by_sms(client, make, db_session):
    _, _, _, headers = _member(make)
    await _step_up(client, db_session, headers)
    bad = await client.post(f"{ME}/profile/mobile", json={"mobile": "01 23 45 67 89"}, headers=headers)
    assert bad.status_code == 422 and "06 ou 07" in bad.json()["message"]
    assert (
        await client.post(f"{ME}/profile/mobile", json={"mobile": "+33 7 45 67 89 01"}, headers=headers)
    ).status_code == 200
    sms = last_mail(db_session, "sms+0745678901@sms.demo.invalid")
    done = await client.post(f"{ME}/profile/mobile/confirm", json={"code": code_in(sms)}, headers=headers)
    assert done.json()["profile"]["mobile"] == "07 45 67 89 01"
    assert last_mail(db_session, "camille@exemple.fr").subject == "Ce changement vient-il de vous ?"
    assert gsm7("Si ce n'est pas vous") in last_mail(db_session, "sms+0611223344@sms.demo.invalid").body


async def test_a_code_request_sent_again_with_its_key_sends_no_second_code(client, make, db_session, clock, settings):
    """A retry after a lost answer must not send a second code: it would cancel the first one, and the
    member would type the code they received and be refused. Another key is a new request (a new code)."""
    _, _, _, headers = _member(make)
    await _step_up(client, db_session, headers)
    keyed = {**headers, "Idempotency-Key": "k-mobile-1"}
    body = {"mobile": "07 45 67 89 01"}
    first = await client.post(f"{ME}/profile/mobile", json=body, headers=keyed)
    again = await client.post(f"{ME}/profile/mobile", json=body, headers=keyed)
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    sms_to = "sms+0745678901@sms.demo.invalid"
    assert len(db_session.exec(select(MailOutbox).where(MailOutbox.to == sms_to)).all()) == 1
    other = await client.post(f"{ME}/profile/mobile", json={"mobile": "07 45 67 89 02"}, headers=keyed)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    done = await client.post(
        f"{ME}/profile/mobile/confirm", json={"code": code_in(last_mail(db_session, sms_to))}, headers=headers
    )
    assert done.status_code == 200 and done.json()["profile"]["mobile"] == "07 45 67 89 01"
    keyed_email = {**headers, "Idempotency-Key": "k-email-1"}
    for _ in range(2):
        sent = await client.post(f"{ME}/profile/email", json={"email": "neuve@exemple.fr"}, headers=keyed_email)
        assert sent.status_code == 200
    assert len(db_session.exec(select(MailOutbox).where(MailOutbox.to == "neuve@exemple.fr")).all()) == 1
    clock.advance(settings.second_factor_resend_interval)  # a new code, not before 30 s (issue 16)
    await client.post(f"{ME}/profile/email", json={"email": "neuve@exemple.fr"}, headers=headers)  # no key: new
    assert len(db_session.exec(select(MailOutbox).where(MailOutbox.to == "neuve@exemple.fr")).all()) == 2


CAMILLE_SMS = "sms+0611223344@sms.demo.invalid"


def _sent(db, to: str | None = None) -> list[MailOutbox]:
    """The outbox rows (mails and, through the demo sink, SMS) sent to ``to``, or all of them."""
    query = select(MailOutbox) if to is None else select(MailOutbox).where(MailOutbox.to == to)
    return list(db.exec(query.order_by(MailOutbox.id)).all())  # type: ignore[arg-type]


async def test_a_step_up_sent_again_with_its_key_sends_no_second_code(client, make, db_session):
    """The step-up before a RIB change, asked again after a lost answer: the same key gets the same answer
    and nothing is sent again (a second code would cancel the first, the one the member is reading); the
    first code still opens the window."""
    _, _, _, headers = _member(make)
    before = len(_sent(db_session))
    keyed = {**headers, "Idempotency-Key": "k-step-up-1"}
    first = await client.post(f"{ME}/step-up", headers=keyed)
    again = await client.post(f"{ME}/step-up", headers=keyed)
    assert first.status_code == again.status_code == 200, first.text
    assert again.json() == first.json() and first.json()["method"] == "sms"
    assert len(_sent(db_session)) == before + 1  # one SMS, no mail, for the two calls
    verified = await client.post(
        f"{ME}/step-up/verify", json={"code": code_in(_sent(db_session, CAMILLE_SMS)[-1])}, headers=headers
    )
    assert verified.status_code == 200, verified.text
    assert (await client.put(f"{ME}/bank-accounts/reimbursement", json=RIB, headers=headers)).status_code == 200


async def test_a_step_up_with_another_key_sends_a_new_code_and_only_the_latest_works(
    client, make, db_session, clock, settings, monkeypatch
):
    """Another key is another request, as the README says: a new code is sent and the earlier one no longer
    works; once a code has expired, asking again (a new key) sends a code that works."""
    codes = iter(["111111", "222222", "333333"])
    monkeypatch.setattr("server.services.profile.new_digits", lambda length=6: next(codes))
    _, _, _, headers = _member(make)
    for key in ("k-1", "k-2"):
        assert (await client.post(f"{ME}/step-up", headers={**headers, "Idempotency-Key": key})).status_code == 200
        clock.advance(settings.second_factor_resend_interval)  # a new code, not before 30 s (issue 16)
    assert [code_in(m) for m in _sent(db_session, CAMILLE_SMS)] == ["111111", "222222"]
    earlier = await client.post(f"{ME}/step-up/verify", json={"code": "111111"}, headers=headers)
    assert earlier.status_code == 422 and "Code incorrect" in earlier.json()["message"]
    clock.advance(settings.step_up_code_ttl + timedelta(seconds=1))
    expired = await client.post(f"{ME}/step-up/verify", json={"code": "222222"}, headers=headers)
    assert expired.status_code == 422 and "demandez un code" in expired.json()["message"]
    assert (await client.post(f"{ME}/step-up", headers={**headers, "Idempotency-Key": "k-3"})).status_code == 200
    assert code_in(_sent(db_session, CAMILLE_SMS)[-1]) == "333333"
    assert (await client.post(f"{ME}/step-up/verify", json={"code": "333333"}, headers=headers)).status_code == 200


async def test_a_confirmation_sent_again_with_its_key_gets_its_answer_back(client, make, db_session):
    """The code typed by the member, sent again after a lost answer: the first try confirmed the change and
    used the code, so the same key gets that answer back (not « aucun changement en attente ») and the
    member is told once. Without the key, it is a new confirmation, with nothing left to confirm."""
    _, _, _, headers = _member(make)
    await _step_up(client, db_session, headers)
    await client.post(f"{ME}/profile/email", json={"email": "neuve@exemple.fr"}, headers=headers)
    keyed = {**headers, "Idempotency-Key": "k-confirm-email"}
    body = {"code": code_in(last_mail(db_session, "neuve@exemple.fr"))}
    first = await client.post(f"{ME}/profile/email/confirm", json=body, headers=keyed)
    again = await client.post(f"{ME}/profile/email/confirm", json=body, headers=keyed)
    assert first.status_code == again.status_code == 200, first.text
    assert again.json() == first.json() and first.json()["profile"]["email"] == "neuve@exemple.fr"
    told = [m.subject for m in _sent(db_session, "camille@exemple.fr")]
    assert told.count("Ce changement vient-il de vous ?") == 1
    fresh = await client.post(f"{ME}/profile/email/confirm", json=body, headers=headers)
    assert fresh.status_code == 422 and "Aucun changement en attente" in fresh.json()["message"]

    await client.post(f"{ME}/profile/mobile", json={"mobile": "07 45 67 89 01"}, headers=headers)
    code = code_in(last_mail(db_session, "sms+0745678901@sms.demo.invalid"))
    keyed = {**headers, "Idempotency-Key": "k-confirm-mobile"}
    wrong = await client.post(f"{ME}/profile/mobile/confirm", json={"code": "000000"}, headers=keyed)
    assert wrong.status_code == 422  # refused: the key is free again for the code typed next
    for _ in range(2):
        done = await client.post(f"{ME}/profile/mobile/confirm", json={"code": code}, headers=keyed)
        assert done.status_code == 200 and done.json()["profile"]["mobile"] == "07 45 67 89 01"
    replaced = [m for m in _sent(db_session, CAMILLE_SMS) if gsm7("Si ce n'est pas vous") in m.body]
    assert len(replaced) == 1  # the old number is told once


async def test_a_move_needs_a_proof_of_address(client, make):
    _, _, _, headers = _member(make)
    address = {"line1": "3 rue de la Loge", "postal_code": "13002", "city": "Marseille"}
    refused = await client.put(f"{ME}/profile/address", json={"address": address}, headers=headers)
    assert refused.status_code == 422 and "justificatif de domicile" in refused.json()["message"]
    ok = await client.put(f"{ME}/profile/address", json={"address": address, "proof": upload()}, headers=headers)
    assert ok.status_code == 200 and ok.json()["request_reference"].startswith("D2026-")
    assert ok.json()["profile"]["address"]["city"] == "MARSEILLE"


async def test_preferences_and_notification_channels(client, make, db_session):
    member, _, _, headers = _member(make)
    response = await client.put(
        f"{ME}/profile/preferences", json={"statements": "post", "channels": ["sms"]}, headers=headers
    )
    assert response.json()["preferences"] == {"statements": "post", "channels": ["portal", "sms"]}
    from server.services.profile import notification_channels

    assert [c.value for c in notification_channels(db_session, member)] == ["portal", "sms"]


async def test_contributions_individual_and_collective(client, make, db_session):
    _, _, _, headers = _member(make)
    collective = (await client.get(f"{ME}/contributions", headers=headers)).json()
    assert "bulletin de salaire" in collective["message"] and collective["kind"] == "collective"
    _, _, contract, headers = _member(make, "autre@exemple.fr", kind=ContractKind.individual, employer=None)
    schedule = ContributionSchedule(contract_id=contract.id, year=2026)
    db_session.add(schedule)
    db_session.commit()
    for month in range(1, 13):
        paid = make.clock.now() if month < 10 else None
        db_session.add(
            ContributionInstalment(
                schedule_id=schedule.id, due_date=date(2026, month, 5), amount=Decimal("61.20"), paid_at=paid
            )
        )
    db_session.commit()
    body = (await client.get(f"{ME}/contributions", headers=headers)).json()
    assert body["due_this_year"] == "734.40" and body["paid"] == "550.80" and body["unpaid"] == "122.40"
    assert [i["overdue"] for i in body["instalments"]][9:] == [True, True, False]


async def test_card_and_certificate_pdfs(client, make, db_session, settings):
    member, _, contract, headers = _member(make)
    principal = make.principal(member)
    principal.nir = encrypt(settings, "280057512345673")
    db_session.add(principal)
    db_session.add(
        GuaranteeLine(
            table_id=contract.guarantee_table_id,
            care_category="pharmacie",
            act_codes=["PH7"],
            notation="100% BR",
            label="Pharmacie",
        )
    )
    db_session.commit()
    card = (await client.get(f"{ME}/card", headers=headers)).json()
    assert card["available"] and card["beneficiaries"][0]["domains"] == ["PHAR"]
    assert card["valid_from"] == "2026-01-01" and card["valid_to"] == "2026-12-31"
    text_ = pdf_text((await client.get(f"{ME}/card/pdf", headers=headers)).content)
    for expected in (
        "Carte de tiers payant",
        "775 659 923",
        "Viamedis",
        "2 80 05 75 123 456 73",
        "Durand Camille",
        "17/05/1980",
        "PHAR",
        "Valable du 01/01/2026 au 31/12/2026",
    ):
        assert expected in text_, expected
    certificate = pdf_text((await client.get(f"{ME}/certificate/pdf", headers=headers)).content)
    assert "Attestation d'adhésion" in certificate and "atteste que Camille Durand" in certificate
    assert "Santé Socle" in certificate
    reglement = pdf_text((await client.get(f"{ME}/contract-documents/reglement-mutualiste", headers=headers)).content)
    assert "loi Évin" in reglement
    duplicate = await client.post(f"{ME}/card/duplicates", headers=headers)
    assert duplicate.status_code == 201 and "8 jours" in duplicate.json()["message"]


async def test_contract_life_retirement_and_termination(client, make, db_session):
    _, _, contract, headers = _member(make)
    life = (await client.get(f"{ME}/contract-life", headers=headers)).json()["contracts"][0]
    assert any("6 mois" in line for line in life["retirement"]) and not life["termination_allowed"]
    opened = await client.post(
        f"{ME}/contract-life/retirement-questions",
        json={"contract_id": contract.id, "question": "Je pars en juin."},
        headers=headers,
    )
    assert opened.status_code == 201, opened.text
    threads = (await client.get(f"{ME}/threads", headers=headers)).json()
    assert "Futur(e) retraité(e)" in json.dumps(threads, ensure_ascii=False)
    _, _, individual, headers = _member(make, "autre@exemple.fr", kind=ContractKind.individual, employer=None)
    life = (await client.get(f"{ME}/contract-life", headers=headers)).json()["contracts"][0]
    assert life["termination_allowed"]
    done = await client.post(
        f"{ME}/contract-life/terminations",
        json={"contract_id": individual.id, "reason": "Autre mutuelle"},
        headers=headers,
    )
    assert done.status_code == 201 and "23/12/2026" in done.json()["message"]  # one month, day to day


async def test_the_retirement_question_is_only_about_an_active_collective_contract(client, make, db_session):
    _, _, ended, headers = _member(make, state=ContractState.terminated, end_date=date(2026, 6, 30))
    life = (await client.get(f"{ME}/contract-life", headers=headers)).json()["contracts"][0]
    assert life["retirement"] == []
    refused = await client.post(
        f"{ME}/contract-life/retirement-questions",
        json={"contract_id": ended.id, "question": "Je pars en juin."},
        headers=headers,
    )
    assert refused.status_code == 422
    assert refused.json()["message"].startswith("Cette question concerne un contrat collectif d'entreprise en cours")


async def test_portability_end_date(client, make):
    _, _, _, headers = _member(make, state="portability", end_date=date(2027, 3, 1))
    life = (await client.get(f"{ME}/contract-life", headers=headers)).json()["contracts"][0]
    assert life["portability_end"] == "2027-03-01"


async def test_my_data_holds_everything_but_no_secret(client, make, db_session):
    member, _, _, headers = _member(make)
    await _step_up(client, db_session, headers)
    await client.put(f"{ME}/bank-accounts/reimbursement", json=RIB, headers=headers)
    response = await client.get(f"{ME}/data-export", headers=headers)
    assert response.status_code == 200
    assert "mes-donnees-" in response.headers["content-disposition"]
    data = response.json()
    assert data["member"]["member_number"] == member.member_number
    assert data["bank_accounts"][0]["iban"] == IBAN
    dumped = json.dumps(data)
    assert "password_hash" not in dumped and "token_hash" not in dumped and "code_hash" not in dumped
    assert [b["relationship"] for b in data["beneficiaries"]] == ["member"]


async def test_another_members_beneficiary_is_404(client, make):
    other = make.member(first_name="Bruno")
    _, _, _, headers = _member(make, kind=ContractKind.individual, employer=None)
    body = {"beneficiary_id": make.principal(other).id, "reason": "x"}
    assert (await client.post(f"{ME}/family/removals", json=body, headers=headers)).status_code == 404
    rows = (await client.get(f"{ME}/family", headers=headers)).json()["members"]
    assert len(rows) == 1
    assert ContractBeneficiary  # the card lists only the contract's beneficiaries (see the PDF test)


async def test_a_step_up_check_and_a_rib_change_sent_again_with_their_keys_count_once(client, make, db_session):
    """Both answers lost, both sent again with their keys: the check answers as the first time (not « aucun
    code en attente »), and the RIB is changed once — one row, one e-mail saying so."""
    member, _, _, headers = _member(make)
    assert (await client.post(f"{ME}/step-up", headers=headers)).status_code == 200
    code = code_in(_sent(db_session, CAMILLE_SMS)[-1])
    check = {**headers, "Idempotency-Key": "k-verify-1"}
    first = await client.post(f"{ME}/step-up/verify", json={"code": code}, headers=check)
    again = await client.post(f"{ME}/step-up/verify", json={"code": code}, headers=check)
    assert first.status_code == again.status_code == 200, again.text
    assert again.json() == first.json()
    unkeyed = await client.post(f"{ME}/step-up/verify", json={"code": code}, headers=headers)
    assert unkeyed.status_code == 422 and unkeyed.json()["details"][0]["message"] == NO_STEP_UP_CODE_PENDING

    change = {**headers, "Idempotency-Key": "k-rib-1"}
    told = len(_sent(db_session, "camille@exemple.fr"))
    first = await client.put(f"{ME}/bank-accounts/reimbursement", json=RIB, headers=change)
    again = await client.put(f"{ME}/bank-accounts/reimbursement", json=RIB, headers=change)
    assert first.status_code == again.status_code == 200, again.text
    assert again.json() == first.json()
    rows = db_session.exec(select(BankAccount).where(BankAccount.member_id == member.id)).all()
    assert len([r for r in rows if r.replaced_at is None]) == 1 and len(rows) == 1
    assert len(_sent(db_session, "camille@exemple.fr")) == told + 1


async def test_a_wrong_step_up_code_sent_with_a_key_can_be_corrected_with_the_next_one(client, make, db_session):
    _, _, _, headers = _member(make)
    assert (await client.post(f"{ME}/step-up", headers=headers)).status_code == 200
    code = code_in(_sent(db_session, CAMILLE_SMS)[-1])
    wrong = "000000" if code != "000000" else "111111"
    refused = await client.post(
        f"{ME}/step-up/verify", json={"code": wrong}, headers={**headers, "Idempotency-Key": "a"}
    )
    assert refused.status_code == 422 and "Code incorrect" in refused.json()["message"]
    keyed = {**headers, "Idempotency-Key": "b"}
    right = await client.post(f"{ME}/step-up/verify", json={"code": code}, headers=keyed)
    assert right.status_code == 200, right.text
    assert (await client.put(f"{ME}/bank-accounts/reimbursement", json=RIB, headers=headers)).status_code == 200
