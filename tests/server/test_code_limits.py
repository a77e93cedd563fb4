"""Issue 16: step-up and contact-confirmation codes are limited like login codes (security-rules.md « Second
facteur »): one code, then at most ``second_factor_max_resends`` more in ``code_request_window``, each at least
``second_factor_resend_interval`` after the previous one; a new code voids the old one; ``second_factor_max_wrong``
wrong codes end it. A retry with the same Idempotency-Key is not a new code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from models.tables import MailOutbox
from tests.conftest import bearer
from tests.server.auth_helpers import code_in

ME = "/api/v1/me"
SMS = "sms+0611223344@sms.demo.invalid"
NEW = "nouvelle@exemple.fr"


@pytest.fixture
def headers(make):
    member = make.member(email="camille@exemple.fr", mobile="0611223344", nir=None)
    return bearer(make.session_token(make.account(member)))


def sent(db, to: str) -> list[MailOutbox]:
    return list(db.exec(select(MailOutbox).where(MailOutbox.to == to).order_by(col(MailOutbox.id))).all())


async def step_up(client, headers, **extra):
    return await client.post(f"{ME}/step-up", headers={**headers, **extra})


async def test_the_fifth_step_up_code_in_a_window_is_refused_with_when_to_try_again(
    client, headers, db_session, clock, settings
):
    assert (await step_up(client, headers)).status_code == 200
    too_soon = await step_up(client, headers)
    assert too_soon.status_code == 429 and too_soon.json()["code"] == "code_too_soon"
    assert "patientez encore 30 secondes" in too_soon.json()["message"]
    assert too_soon.headers["Retry-After"] == "30"
    for _ in range(3):  # three resends, each 30 s after the previous one
        clock.advance(settings.second_factor_resend_interval)
        assert (await step_up(client, headers)).status_code == 200
    clock.advance(settings.second_factor_resend_interval)
    fifth = await step_up(client, headers)
    assert fifth.status_code == 429 and fifth.json()["code"] == "too_many_codes"
    # the first code went at 10 h 00, the window is 15 minutes: the member may ask again from 10 h 15
    assert "à partir de 10 h 15" in fifth.json()["message"]
    assert int(fifth.headers["Retry-After"]) == 15 * 60 - 2 * 60
    assert len(sent(db_session, SMS)) == 4
    clock.advance(timedelta(minutes=13))
    assert (await step_up(client, headers)).status_code == 200


async def test_the_limits_are_settings(client, headers, clock, settings):
    settings.second_factor_max_resends = 1
    settings.second_factor_resend_interval = timedelta(seconds=5)
    settings.code_request_window = timedelta(minutes=2)
    assert (await step_up(client, headers)).status_code == 200
    clock.advance(timedelta(seconds=5))
    assert (await step_up(client, headers)).status_code == 200
    clock.advance(timedelta(seconds=5))
    third = await step_up(client, headers)
    assert (
        third.status_code == 429
        and "vous pourrez en demander un nouveau à partir de 10 h 02" in third.json()["message"]
    )
    clock.advance(timedelta(minutes=2))
    assert (await step_up(client, headers)).status_code == 200


async def test_a_retry_with_the_same_key_is_not_a_new_code(client, headers, db_session):
    keyed = {"Idempotency-Key": "k-1"}
    for _ in range(5):
        assert (await step_up(client, headers, **keyed)).status_code == 200
    assert len(sent(db_session, SMS)) == 1


@pytest.fixture
def codes(monkeypatch):
    """Codes drawn in order, so that a resend's code always differs from the one it voids."""
    drawn = iter(["111111", "222222", "333333", "444444"])
    for module in ("profile", "contacts"):
        monkeypatch.setattr(f"server.services.{module}.new_digits", lambda length=6: next(drawn))


async def test_an_old_step_up_code_fails_after_a_resend(client, headers, db_session, clock, settings, codes):
    await step_up(client, headers)
    first = code_in(sent(db_session, SMS)[-1])
    clock.advance(settings.second_factor_resend_interval)
    await step_up(client, headers)
    second = code_in(sent(db_session, SMS)[-1])
    old = await client.post(f"{ME}/step-up/verify", json={"code": first}, headers=headers)
    assert (first, second, old.status_code) == ("111111", "222222", 422)
    assert (await client.post(f"{ME}/step-up/verify", json={"code": second}, headers=headers)).status_code == 200


async def test_five_wrong_step_up_codes_end_it(client, headers, db_session, settings):
    await step_up(client, headers)
    right = code_in(sent(db_session, SMS)[-1])
    wrong = "000000" if right != "000000" else "111111"  # any code but the right one
    for _ in range(settings.second_factor_max_wrong):
        assert (await client.post(f"{ME}/step-up/verify", json={"code": wrong}, headers=headers)).status_code == 422
    ended = await client.post(f"{ME}/step-up/verify", json={"code": right}, headers=headers)
    assert ended.status_code == 422 and "demandez un code" in ended.json()["message"]


async def _verified(client, headers, db, clock, settings) -> None:
    await step_up(client, headers)
    verified = await client.post(f"{ME}/step-up/verify", json={"code": code_in(sent(db, SMS)[-1])}, headers=headers)
    assert verified.status_code == 200


async def test_the_fifth_contact_code_in_a_window_is_refused(client, headers, db_session, clock, settings):
    settings.step_up_window = timedelta(hours=1)  # one step-up for the whole test
    await _verified(client, headers, db_session, clock, settings)
    for _ in range(4):
        started = await client.post(f"{ME}/profile/email", json={"email": NEW}, headers=headers)
        assert started.status_code == 200, started.text
        clock.advance(settings.second_factor_resend_interval)
    fifth = await client.post(f"{ME}/profile/email", json={"email": NEW}, headers=headers)
    assert fifth.status_code == 429 and "à partir de 10 h 15" in fifth.json()["message"]
    assert len(sent(db_session, NEW)) == 4
    # the mobile is another channel, with its own count
    assert (
        await client.post(f"{ME}/profile/mobile", json={"mobile": "0745678901"}, headers=headers)
    ).status_code == 200


async def test_an_old_contact_code_fails_after_a_resend_and_five_wrong_codes_end_it(
    client, headers, db_session, clock, settings, codes
):
    settings.step_up_window = timedelta(hours=1)
    await _verified(client, headers, db_session, clock, settings)
    await client.post(f"{ME}/profile/email", json={"email": NEW}, headers=headers)
    first = code_in(sent(db_session, NEW)[-1])
    clock.advance(settings.second_factor_resend_interval)
    await client.post(f"{ME}/profile/email", json={"email": NEW}, headers=headers)
    second = code_in(sent(db_session, NEW)[-1])
    old = await client.post(f"{ME}/profile/email/confirm", json={"code": first}, headers=headers)
    assert (first, second, old.status_code) == ("222222", "333333", 422)  # 111111 was the step-up's
    wrong = "000000"
    for attempt in range(2, settings.second_factor_max_wrong + 1):  # the old code was the first wrong one
        refused = await client.post(f"{ME}/profile/email/confirm", json={"code": wrong}, headers=headers)
        assert refused.status_code == 422, attempt
    assert "codes erronés : ce changement est annulé" in refused.json()["message"]
    ended = await client.post(f"{ME}/profile/email/confirm", json={"code": second}, headers=headers)
    assert ended.status_code == 422 and "Aucun changement en attente" in ended.json()["message"]
