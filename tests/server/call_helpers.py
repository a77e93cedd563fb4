"""A conseiller's call in tests: open it, answer the server's questions right (or wrong), reach the strong level
by reading back the code from the outbox — the way a conseiller and a caller do it."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session, col, select

from models.tables import BankAccount, MailOutbox, Member

RIB_MASKED = "FR76 **** **** **** **** ***0 189"


def add_rib(session: Session, member: Member, clock: Any, masked: str = RIB_MASKED) -> None:
    session.add(
        BankAccount(
            member_id=member.id or 0,
            purpose="reimbursement",
            iban="chiffré",
            iban_masked=masked,
            bic="BNPAFRPP",
            holder=f"{member.first_name} {member.last_name}",
            created_at=clock.now(),
        )
    )
    session.commit()


def right_answers(call: dict[str, Any], member: Member, *, amount: str = "9,00", rib: str = "0189") -> dict[str, str]:
    """What the member would answer to the questions this call asks."""
    known = {
        "birth_date": member.birth_date.strftime("%d/%m/%Y"),
        "postal_code": member.postal_code,
        "paid_amount": amount,
        "rib_last4": rib,
    }
    return {q["key"]: known[q["key"]] for q in call["questions"]}


async def open_call(client: Any, headers: dict[str, str], member: Member, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/agent/calls", json={"member_id": member.id, **body}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def answer(client: Any, headers: dict[str, str], call: dict[str, Any], answers: dict[str, str], **extra: Any):
    return await client.post(
        f"/api/v1/agent/calls/{call['id']}/identity-check", json={"answers": answers, **extra}, headers=headers
    )


async def verified_call(client: Any, headers: dict[str, str], member: Member, **right: str) -> dict[str, Any]:
    """A call at the *identity* level."""
    call = await open_call(client, headers, member)
    response = await answer(client, headers, call, right_answers(call, member, **right))
    assert response.status_code == 201 and response.json()["passed"], response.text
    return response.json()["call"]


async def read_only_call(client: Any, headers: dict[str, str], member: Member) -> dict[str, Any]:
    call = await open_call(client, headers, member)
    wrong_of = {"birth_date": "01/01/1900", "postal_code": "00000", "paid_amount": "1", "rib_last4": "1111"}
    wrong = {q["key"]: wrong_of[q["key"]] for q in call["questions"]}
    response = await answer(client, headers, call, wrong, reason="Appel du tuteur, jugement reçu par courrier")
    assert response.status_code == 201 and response.json()["call"]["level"] == "read_only", response.text
    return response.json()["call"]


def last_code(session: Session, to: str) -> str:
    """The code of the newest mail (or SMS through the sink) to ``to``."""
    mail = session.exec(select(MailOutbox).where(MailOutbox.to == to).order_by(col(MailOutbox.id).desc())).first()
    assert mail is not None, f"aucun message pour {to}"
    found = re.search(r"\b(\d{6,8})\b", mail.body)
    assert found, mail.body
    return found.group(1)


async def strong_call(client: Any, headers: dict[str, str], member: Member, session: Session) -> dict[str, Any]:
    """A call at the *strong* level: the code goes to the member's e-mail (on file for long enough) and is read
    back."""
    call = await verified_call(client, headers, member)
    sent = await client.post(f"/api/v1/agent/calls/{call['id']}/code", json={"channel": "email"}, headers=headers)
    assert sent.status_code == 200, sent.text
    session.expire_all()
    code = last_code(session, member.email or "")
    checked = await client.post(f"/api/v1/agent/calls/{call['id']}/code/check", json={"code": code}, headers=headers)
    assert checked.status_code == 200 and checked.json()["level"] == "strong", checked.text
    return checked.json()
