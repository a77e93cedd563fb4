"""One vocabulary (models.domain.vocabulary): the same claim, rendered through every output of the product —
the member's screens and linear mode (dashboard record, claims list, détail), the console conseiller, the
CSV export, the PDF relevé, the notification, its e-mail and its SMS — says the same words for its status
and its payment (issue 17: the relevé and the screen once worded the same payment differently).

The claim is one the member asks for online, processed through the one state machine (server.services.
lifecycle), against the real server app and the demo world."""

from __future__ import annotations

import base64
import csv
import io
import re
from datetime import date
from decimal import Decimal

from pypdf import PdfReader
from sqlmodel import select

from models.schemas.common import ReimbursementBasis
from models.schemas.messaging import UploadedFile
from models.schemas.requests import ReimbursementRequestCreate
from models.tables import Claim, MailOutbox, Member, MemberPreferences, MemberRequest, Notification, Payment
from server.notify.sms import gsm7
from server.services import lifecycle
from server.services.claims import list_claims
from server.services.requests import price_online_claim
from server.services.viewer import staff
from tests.server.issue7_world import PDF
from tui.api.messaging import MessagingApi
from tui.flows import agent as console
from tui.flows import claims as claims_flow
from tui.flows import dashboard as dashboard_flow

NB = "\u00a0"
TODAY = date(2026, 11, 23)


def _plain(text: str) -> str:
    """Spaces as a reader hears them: no-break spaces and line breaks are spaces (the PDF wraps)."""
    return re.sub(r"\s+", " ", text.replace(NB, " ")).strip()


def _field(record: str, label: str) -> str:
    return next(part.split(" : ", 1)[1] for part in record.split(" ; ") if part.startswith(f"{label} : "))


async def test_the_same_claim_says_the_same_words_everywhere(
    api, log_in_as, coralie, demo_session, settings, clock, client_clock
):
    api.use_token(await log_in_as(coralie.member_number))
    member = demo_session.exec(select(Member).where(Member.member_number == coralie.member_number)).one()
    member.mobile = "0612345678"
    prefs = demo_session.get(MemberPreferences, member.id) or MemberPreferences(
        member_id=member.id, updated_at=clock.now()
    )
    prefs.channels = ["portal", "email", "sms"]
    demo_session.add_all([member, prefs])
    demo_session.commit()
    me = (await api.dashboard()).contracts[0].beneficiaries[0]
    body = ReimbursementRequestCreate(
        basis=ReimbursementBasis.paid_invoice,
        beneficiary_id=me.id,
        care_date=date(2026, 11, 16),
        label="Consultation du Dr Morel",
        amount=Decimal("30"),
        act="G",
        file=UploadedFile(filename="facture.pdf", content_base64=base64.b64encode(PDF).decode()),
    )
    created = await MessagingApi(api).create_request(body, "key-vocabulary")
    claim = demo_session.get(Claim, created.claim_id)
    row = demo_session.get(MemberRequest, created.id)
    lifecycle.start_processing(demo_session, clock, settings, claim)
    price_online_claim(demo_session, clock, claim, row)
    payment = lifecycle.reimburse(demo_session, clock, settings, claim)
    demo_session.commit()
    assert payment is not None

    outputs: dict[str, tuple[str, str]] = {}  # where -> (status words, payment sentence)

    # the member's tableau de bord (screen and linear mode lay out the same record)
    latest = next(c for c in (await api.dashboard()).latest_claims if c.id == claim.id)
    record = dashboard_flow.claim_record(latest).line()
    outputs["tableau de bord"] = (_field(record, "Statut"), _field(record, "Paiement"))
    # « Mes remboursements »: the list's labelled line and the détail
    listed = next(i for i in (await api.claims()).items if i.id == claim.id)
    line = claims_flow.list_record(listed)
    outputs["liste"] = (_field(line, "Statut"), _field(line, "Paiement"))
    detail = claims_flow.detail_text(await api.claim(claim.id))
    status = next(t for t in detail if t.startswith("Statut : ")).split(" ", 3)[3]  # after the icon
    paid = next(t for t in detail if t.startswith("Paiement prévu") or t.startswith("Versé"))
    outputs["détail"] = (status, paid.rsplit(" : ", 1)[0])  # the détail adds the amount
    # the console conseiller renders a member's claims with its own function
    agent_list = list_claims(demo_session, staff(member), claims_flow.ClaimFilterModel(TODAY).query(), TODAY)
    agent_line = next(t for t in console.claims_records(agent_list) if claim.reference in t or "Dr Morel" in t)
    outputs["console"] = (_field(agent_line, "Statut"), _field(agent_line, "Paiement"))
    # the CSV export
    exported = (await api.claims_csv()).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported), delimiter=";"))
    header, mine = rows[0], next(r for r in rows if r[1] == claim.reference)
    outputs["CSV"] = (mine[header.index("Statut")], mine[header.index("Paiement")])
    # the PDF relevé of that payment: its heading names the payment
    pdf = (await api.payment_statement(payment.id)).content
    text = _plain("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    heading = re.search(rf"Dossier {claim.reference} – (.+?) Date des soins", text)
    assert heading, text
    outputs["relevé PDF"] = ("", heading.group(1))
    # the notification, its e-mail and its SMS
    notice = demo_session.exec(
        select(Notification).where(Notification.claim_id == claim.id).order_by(Notification.id.desc())  # type: ignore[attr-defined]
    ).first()
    mails = demo_session.exec(select(MailOutbox).where(MailOutbox.subject.contains(notice.title))).all()  # type: ignore[attr-defined]
    email = next(m for m in mails if m.to == member.email)
    sms = demo_session.exec(select(MailOutbox).where(MailOutbox.to.startswith("sms+"))).all()  # type: ignore[attr-defined]

    words = outputs["liste"]
    for where, (status_words, sentence) in outputs.items():
        if status_words:
            assert status_words == words[0], where
        assert _plain(sentence) == _plain(words[1]), where
    assert words == (
        "Remboursé",
        f"Paiement prévu le {payment.payment_date:%d/%m/%Y}, sur votre compte …{payment.iban_suffix}",
    )
    # a notification is a sentence: the same words, the first letter in lower case inside it
    spoken = words[1][0].lower() + words[1][1:]
    assert spoken in notice.body and spoken in email.body
    assert notice.title == "Nouveau remboursement : Consultation du Dr Morel"
    assert any(gsm7(notice.title) in s.body for s in sms)
    # and the démarche says what its claim says
    assert (await MessagingApi(api).request(created.id)).status.value == "accepted"
    assert demo_session.get(Payment, payment.id).state.value == "planned"
    assert client_clock.today() < payment.payment_date  # never a planned date in the past


def test_a_small_file_is_less_than_1_ko_never_0():
    """Issue 19: one way to say a file's size, in the claims' documents, the messages and the console."""
    from tui.flows.wording import size_words

    assert [size_words(n) for n in (0, 300, 1023, 1024, 1536, 200 * 1024, 3 * 1024 * 1024 // 2)] == [
        "moins de 1 Ko",
        "moins de 1 Ko",
        "moins de 1 Ko",
        "1 Ko",
        "2 Ko",
        "200 Ko",
        "1,5 Mo",
    ]
