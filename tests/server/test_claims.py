"""Mes remboursements, server side: filters (property-based, against a straightforward reference filter
in Python over the same rows), sorting, paging, totals, the détail, ownership, CSV and PDF relevés."""

from __future__ import annotations

import csv
import io
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from models.domain import vocabulary
from models.domain.money import format_eur
from models.schemas.claims import ClaimQuery, ClaimSortKey, SortOrder
from models.schemas.common import ClaimStatus, Payee, PaymentKind, PaymentState, Relationship, Sex
from models.tables import Beneficiary, Claim, ClaimLine, ClaimLineAmc, Payment
from server.services import claims as service
from server.services.viewer import staff
from tests.conftest import TEST_NOW, bearer

TODAY = TEST_NOW.date()
CLAIMS = "/api/v1/me/claims"
LABELS = (
    ("G", "Consultation chez le médecin généraliste"),
    ("PH7", "Médicaments remboursés à 65 %"),
    ("ADE", "Échographie"),
    ("MONTURE", "Monture de lunettes"),
    ("SC", "Soins dentaires"),
)
CATEGORIES = ("soins_courants", "pharmacie", "optique")
STATUS_ORDER = list(ClaimStatus)  # received … rejected: the lifecycle order the service sorts by


@dataclass
class Ref:
    """What the reference filter knows of a claim (built in Python, never read back from the database)."""

    id: int
    reference: str
    care_date: date
    beneficiary_id: int
    beneficiary_first: str
    beneficiary_last: str
    care_category: str
    status: ClaimStatus
    labels: list[tuple[str, str]]
    charged: Decimal
    amo: Decimal
    amc: Decimal
    rac: Decimal
    payees: set[Payee] = field(default_factory=set)
    regularisation: bool = False


def _cents(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high)) / 100


def build_household(make, db_session, *, count: int = 28, seed: int = 6) -> tuple:
    """A member with a child, a contract, ``count`` claims spread over 30 months with every status,
    both payees, régularisations and 1 to 3 lines; and another household whose claims never show."""
    rng = random.Random(seed)
    member = make.member(first_name="Camille", last_name="DURAND")
    account = make.account(member)
    contract = make.contract(member)
    principal = make.principal(member)
    child = Beneficiary(
        member_id=member.id,
        relationship=Relationship.child,
        first_name="Zoé",
        last_name="DURAND",
        birth_date=date(2015, 3, 2),
        sex=Sex.female,
    )
    make._save(child)
    people = [principal, child]
    refs: list[Ref] = []
    for n in range(count):
        person = people[n % 2]
        care_date = TODAY - timedelta(days=rng.randint(0, 900))
        status = STATUS_ORDER[n % len(STATUS_ORDER)]
        category = CATEGORIES[rng.randrange(len(CATEGORIES))]
        claim = Claim(
            reference=f"D{n:05d}",
            member_id=member.id,
            beneficiary_id=person.id,
            care_date=care_date,
            received_date=care_date + timedelta(days=2),
            label="Frais de santé",
            care_category=category,
            status=status,
            rejection_reason="Plafond annuel atteint" if status is ClaimStatus.rejected else None,
            next_step="Écrivez au service adhérent" if status is ClaimStatus.rejected else None,
        )
        make._save(claim)
        ref = Ref(
            claim.id,
            claim.reference,
            care_date,
            person.id,
            person.first_name,
            person.last_name,
            category,
            status,
            [],
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("0.00"),
        )
        for position in range(rng.randint(1, 3) if n % 9 else 0):  # every ninth claim has no line yet
            act, label = LABELS[rng.randrange(len(LABELS))]
            charged = _cents(rng, 500, 40000)
            amo = (charged * Decimal("0.6")).quantize(Decimal("0.01"))
            amc = (charged * Decimal("0.3")).quantize(Decimal("0.01"))
            rac = charged - amo - amc
            line = ClaimLine(
                claim_id=claim.id,
                position=position,
                act=act,
                label=label,
                charged=charged,
                br=charged,
                amo_rate=Decimal("0.60"),
                amo_gross=amo + 1,
                deductions=Decimal("1.00"),
                amo_paid=amo,
                amc_paid=amc,
                out_of_pocket=rac,
                tariff_version="2026-01-01",
                engine_result={
                    "deductions": [{"kind": "participation_forfaitaire", "amount": "1.00"}],
                    "explanation": [f"Base de remboursement : {charged} €", f"Reste à votre charge : {rac} €"],
                },
            )
            make._save(line)
            make._save(ClaimLineAmc(claim_line_id=line.id, contract_id=contract.id, amount=amc))
            ref.labels.append((act, label))
            ref.charged += charged
            ref.amo += amo
            ref.amc += amc
            ref.rac += rac
        if status is ClaimStatus.paid:
            payee = Payee.provider if n % 3 == 0 else Payee.member
            make._save(
                Payment(
                    claim_id=claim.id,
                    payee=payee,
                    payee_label="vous" if payee is Payee.member else "votre pharmacien",
                    amount=ref.amc,
                    state=PaymentState.done,
                    payment_date=care_date + timedelta(days=4),
                    iban_suffix="4321" if payee is Payee.member else None,
                )
            )
            ref.payees.add(payee)
            if n % 4 == 0:
                make._save(
                    Payment(
                        claim_id=claim.id,
                        payee=Payee.member,
                        payee_label="vous",
                        amount=Decimal("-5.00"),
                        kind=PaymentKind.overpayment_recovery,
                        state=PaymentState.done,
                        payment_date=care_date + timedelta(days=30),
                    )
                )
                ref.payees.add(Payee.member)
                ref.regularisation = True
        refs.append(ref)
    other = make.member(first_name="Bruno", last_name="MARTIN")
    other_account = make.account(other)
    other_claim = make.claim(other, care_date=TODAY - timedelta(days=3), label="Échographie")
    db_session.expire_all()
    return member, account, refs, other_account, other_claim


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c)).strip()


def shown_words(r: Ref) -> str:
    """Issue 19: what the list shows of a claim, folded — its label, acts, person, status word, who was
    paid, and its amounts as the list writes them and as people type them."""
    payee = {Payee.member: "vous", Payee.provider: "votre pharmacien"}
    amounts = [r.charged, r.amo, r.amc, r.rac]
    words = [
        "Frais de santé",
        *(word for pair in r.labels for word in pair),
        f"{r.beneficiary_first} {r.beneficiary_last}",
        vocabulary.claim_status_words(r.status),
        *(payee[p] for p in r.payees),
        *(f"{a:.2f}".replace(".", ",") for a in amounts),
        *(f"{a:.2f}" for a in amounts),
        *(format_eur(a).replace("\u00a0", " ").replace("\u202f", " ") for a in amounts),
    ]
    return " | ".join(fold(w) for w in words)


def reference_filter(refs: list[Ref], q: ClaimQuery) -> list[Ref]:
    """The straightforward filter: one plain condition after another, over Python objects."""
    date_from, date_to = q.date_from, q.date_to
    if date_from is None and date_to is None:
        date_from = service.months_before(TODAY, 24)
    out = []
    for r in refs:
        if date_from is not None and r.care_date < date_from:
            continue
        if date_to is not None and r.care_date > date_to:
            continue
        if q.beneficiary_id is not None and r.beneficiary_id != q.beneficiary_id:
            continue
        if q.care_category is not None and r.care_category != q.care_category:
            continue
        if q.status and r.status not in q.status:
            continue
        if q.regularisation is not None and r.regularisation != q.regularisation:
            continue
        if q.amount_min is not None and r.charged < q.amount_min:
            continue
        if q.amount_max is not None and r.charged > q.amount_max:
            continue
        if q.payee is not None and q.payee not in r.payees:
            continue
        if q.text and q.text.strip() and not all(word in shown_words(r) for word in fold(q.text).split()):
            continue
        out.append(r)
    return out


def reference_sort(refs: list[Ref], sort: ClaimSortKey, order: SortOrder) -> list[Ref]:
    key = {
        ClaimSortKey.care_date: lambda r: (r.care_date, r.id),
        ClaimSortKey.charged: lambda r: (r.charged, r.id),
        ClaimSortKey.amc_paid: lambda r: (r.amc, r.id),
        ClaimSortKey.amo_paid: lambda r: (r.amo, r.id),
        ClaimSortKey.out_of_pocket: lambda r: (r.rac, r.id),
        ClaimSortKey.beneficiary: lambda r: (r.beneficiary_first, r.beneficiary_last, r.id),
        ClaimSortKey.status: lambda r: (STATUS_ORDER.index(r.status), r.id),
    }[sort]
    return sorted(refs, key=key, reverse=order is SortOrder.desc)


@pytest.fixture
def household(make, db_session):
    return build_household(make, db_session)


def _dates():
    return st.one_of(st.none(), st.dates(min_value=TODAY - timedelta(days=950), max_value=TODAY + timedelta(days=5)))


def _amounts():
    return st.one_of(st.none(), st.integers(min_value=0, max_value=120000).map(lambda c: Decimal(c) / 100))


@st.composite
def queries(draw, beneficiary_ids: list[int]) -> ClaimQuery:
    return ClaimQuery(
        date_from=draw(_dates()),
        date_to=draw(_dates()),
        beneficiary_id=draw(st.one_of(st.none(), st.sampled_from([*beneficiary_ids, 999_999]))),
        care_category=draw(st.one_of(st.none(), st.sampled_from([*CATEGORIES, "dentaire"]))),
        status=draw(st.lists(st.sampled_from(list(ClaimStatus)), max_size=3, unique=True)),
        regularisation=draw(st.one_of(st.none(), st.booleans())),
        amount_min=draw(_amounts()),
        amount_max=draw(_amounts()),
        payee=draw(st.one_of(st.none(), st.sampled_from(list(Payee)))),
        text=draw(
            st.one_of(
                st.none(),
                st.sampled_from(
                    [
                        *("", "  ", "echo", "ÉCHO", "médicaments", "MEDIC", "consultation", "monture", "ph7", "xyz"),
                        *("65 %", "frais de sant", "FRAIS échographie", "remboursé", "rejete", "zoé", "pharmacien"),
                    ]
                ),
            )
        ),
        sort=draw(st.sampled_from(list(ClaimSortKey))),
        order=draw(st.sampled_from(list(SortOrder))),
        page=draw(st.integers(min_value=1, max_value=4)),
        page_size=draw(st.integers(min_value=1, max_value=12)),
    )


DECIDED = (ClaimStatus.paid, ClaimStatus.rejected)


def assert_totals_of(result, expected: list[Ref]) -> None:
    totals = result.totals
    assert totals.count == len(expected)
    assert totals.charged == sum((r.charged for r in expected), Decimal("0.00"))
    # the shares of a claim not decided yet are « à venir »: the totals count them once decided only
    decided = [r for r in expected if r.status in DECIDED]
    assert totals.amo_paid == sum((r.amo for r in decided), Decimal("0.00"))
    assert totals.amc_paid == sum((r.amc for r in decided), Decimal("0.00"))
    assert totals.out_of_pocket == sum((r.rac for r in decided), Decimal("0.00"))


def test_a_text_search_is_paged_sorted_and_totalled_as_the_list(household, db_session):
    """A search's page is a slice of the claims it found, in the list's order (the database's, names
    included), and every page carries the totals of all of them, undecided shares left out (issue 20: the
    search no longer runs the page's statement again). Every sort, both orders, every page of two."""
    member, _account, refs, _other, _ = household
    undecided = next(r for r in reference_filter(refs, ClaimQuery()) if r.status not in DECIDED and r.amo)
    text = undecided.beneficiary_first  # the person's name is a word the list shows: all their claims
    for sort in ClaimSortKey:
        for order in SortOrder:
            expected = reference_sort(reference_filter(refs, ClaimQuery(text=text)), sort, order)
            assert len(expected) > 4 and undecided in expected
            seen = []
            for page in range(1, -(-len(expected) // 2) + 1):
                query = ClaimQuery(text=text, sort=sort, order=order, page=page, page_size=2)
                result = service.list_claims(db_session, staff(member), query, TODAY)
                assert_totals_of(result, expected)
                assert result.pages == -(-len(expected) // 2)
                seen += [item.id for item in result.items]
            assert seen == [r.id for r in expected], (sort, order)


@settings(
    derandomize=True,
    database=None,
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_filters_sorting_paging_and_totals_match_the_reference(household, db_session, data):
    member, _account, refs, _other, _other_claim = household
    q = data.draw(queries(sorted({r.beneficiary_id for r in refs})))
    result = service.list_claims(db_session, staff(member), q, TODAY)
    expected = reference_sort(reference_filter(refs, q), q.sort, q.order)
    start = (q.page - 1) * q.page_size
    assert [i.id for i in result.items] == [r.id for r in expected[start : start + q.page_size]]
    assert_totals_of(result, expected)
    assert result.pages == max(1, -(-len(expected) // q.page_size))
    for item in result.items:
        ref = next(r for r in refs if r.id == item.id)
        assert (item.charged, item.amo_paid, item.amc_paid, item.out_of_pocket) == (
            ref.charged,
            ref.amo,
            ref.amc,
            ref.rac,
        )
        assert item.regularisation == ref.regularisation


async def test_the_list_defaults_to_24_months_newest_first_with_totals(client, make, household):
    _member, account, refs, _other, other_claim = household
    response = await client.get(CLAIMS, headers=bearer(make.session_token(account)))
    assert response.status_code == 200
    body = response.json()
    window = [r for r in refs if r.care_date >= service.months_before(TODAY, 24)]
    assert body["filters"]["date_from"] == "2024-11-23"
    assert body["totals"]["count"] == len(window)
    assert [i["id"] for i in body["items"]] == [
        r.id for r in reference_sort(window, ClaimSortKey.care_date, SortOrder.desc)
    ]
    assert other_claim.id not in {i["id"] for i in body["items"]}
    assert Decimal(body["totals"]["charged"]) == sum((r.charged for r in window), Decimal("0.00"))


async def test_query_string_of_the_client_is_what_the_server_reads(client, make, household):
    _member, account, refs, _other, _ = household
    query = ClaimQuery(
        status=[ClaimStatus.paid, ClaimStatus.rejected],
        text="écho",
        sort=ClaimSortKey.charged,
        order=SortOrder.asc,
        amount_min=Decimal("10.50"),
        regularisation=False,
        page_size=5,
    )
    response = await client.get(CLAIMS, params=query.params(), headers=bearer(make.session_token(account)))
    assert response.status_code == 200, response.text
    expected = reference_sort(reference_filter(refs, query), ClaimSortKey.charged, SortOrder.asc)
    assert [i["id"] for i in response.json()["items"]] == [r.id for r in expected[:5]]


async def test_invalid_filters_answer_in_french(client, make, household):
    _member, account, *_ = household
    headers = bearer(make.session_token(account))
    response = await client.get(CLAIMS, params={"page_size": 500, "status": "perdu"}, headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request"
    fields = {d["field"]: d["message"] for d in body["details"]}
    assert fields["page_size"] == "doit être inférieur ou égal à 200"
    assert fields["status[0]"].startswith("valeur non autorisée")


async def test_detail_of_a_claim_line_by_line(client, make, db_session, household):
    member, account, refs, _other, _ = household
    ref = next(r for r in refs if r.status is ClaimStatus.paid and r.regularisation and len(r.labels) >= 1)
    make.claim_document(member.id, ref.id, "facture.pdf")
    response = await client.get(f"{CLAIMS}/{ref.id}", headers=bearer(make.session_token(account)))
    assert response.status_code == 200
    body = response.json()
    assert (body["reference"], body["status"], body["regularisation"]) == (ref.reference, "paid", True)
    assert [(line["act"], line["label"]) for line in body["lines"]] == ref.labels
    line = body["lines"][0]
    assert line["deductions"] == [
        {"kind": "participation_forfaitaire", "label": "Participation forfaitaire", "amount": "1.00"}
    ]
    assert line["explanation"][1].startswith("Reste à votre charge")
    assert [share["contract_name"] for share in line["amc"]] == ["Santé Socle"]
    assert line["beneficiary_name"] == f"{ref.beneficiary_first} {ref.beneficiary_last}"
    assert Decimal(body["totals"]["out_of_pocket"]) == ref.rac
    kinds = [(p["kind"], p["amount"]) for p in body["payments"]]
    assert ("overpayment_recovery", "-5.00") in kinds
    assert [d["filename"] for d in body["documents"]] == ["facture.pdf"]


async def test_a_linked_document_downloads_for_its_member_only(client, make, household):
    member, account, refs, other_account, _ = household
    make.claim_document(member.id, refs[0].id, "facture-acquittee-1.pdf", b"%PDF-1.4 facture")
    listed = (await client.get(f"{CLAIMS}/{refs[0].id}", headers=bearer(make.session_token(account)))).json()
    [summary] = listed["documents"]
    url = f"/api/v1/me/documents/{summary['id']}"
    response = await client.get(url, headers=bearer(make.session_token(account)))
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 facture"
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="facture-acquittee-1.pdf"' in response.headers["content-disposition"]
    response = await client.get(url, headers=bearer(make.session_token(other_account)))
    assert response.status_code == 404  # another member's document: not disclosed


async def test_a_rejected_claim_says_why_and_what_next(client, make, household):
    _member, account, refs, *_ = household
    ref = next(r for r in refs if r.status is ClaimStatus.rejected)
    body = (await client.get(f"{CLAIMS}/{ref.id}", headers=bearer(make.session_token(account)))).json()
    assert (body["rejection_reason"], body["next_step"]) == ("Plafond annuel atteint", "Écrivez au service adhérent")


async def test_another_households_claim_and_payment_answer_404(client, make, db_session, household):
    _member, account, refs, other_account, other_claim = household
    headers = bearer(make.session_token(account))
    response = await client.get(f"{CLAIMS}/{other_claim.id}", headers=headers)
    assert response.status_code == 404
    assert response.json()["code"] == "claim_not_found"
    [other_payment] = db_session.exec(
        Payment.__table__.select().where(Payment.claim_id == other_claim.id)  # type: ignore[attr-defined]
    ).all()
    response = await client.get(f"/api/v1/me/payments/{other_payment.id}/statement", headers=headers)
    assert response.status_code == 404
    # and the other member sees none of ours
    mine = refs[0].id
    response = await client.get(f"{CLAIMS}/{mine}", headers=bearer(make.session_token(other_account)))
    assert response.status_code == 404
    listed = (await client.get(CLAIMS, headers=bearer(make.session_token(other_account)))).json()
    assert [i["id"] for i in listed["items"]] == [other_claim.id]


async def test_csv_export_round_trip(client, make, household):
    _member, account, refs, *_ = household
    query = ClaimQuery(date_from=TODAY - timedelta(days=900), sort=ClaimSortKey.care_date, order=SortOrder.asc)
    response = await client.get(f"{CLAIMS}/export", params=query.params(), headers=bearer(make.session_token(account)))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="remboursements-2026-11-23.csv"' in response.headers["content-disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(service.CSV_HEADERS)
    expected = reference_sort(reference_filter(refs, query), ClaimSortKey.care_date, SortOrder.asc)
    assert len(rows) - 1 == len(expected) > 10
    for row, ref in zip(rows[1:], expected, strict=True):
        assert row[0] == ref.care_date.strftime("%d/%m/%Y")
        assert row[1] == ref.reference
        assert row[2] == f"{ref.beneficiary_first} {ref.beneficiary_last}"
        if row[5] in ("Reçu", "En traitement", "En attente de justificatif"):  # shares not decided yet: empty
            assert row[7:10] == ["", "", ""] and Decimal(row[6].replace(",", ".")) == ref.charged
        else:
            amounts = [Decimal(v.replace(",", ".")) for v in row[6:10]]
            assert amounts == [ref.charged, ref.amo, ref.amc, ref.rac]
        assert row[12] == ("Oui" if ref.regularisation else "Non")


def _pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _eur(value: Decimal) -> str:
    from models.domain.money import format_eur

    return format_eur(value)


async def test_relevé_of_one_payment_holds_its_lines_and_totals(client, make, db_session, household):
    _member, account, refs, *_ = household
    ref = next(r for r in refs if r.status is ClaimStatus.paid and r.labels and Payee.member in r.payees)
    payment = next(
        p
        for p in db_session.exec(Payment.__table__.select().where(Payment.claim_id == ref.id)).all()  # type: ignore[attr-defined]
        if p.kind == PaymentKind.payment
    )
    response = await client.get(
        f"/api/v1/me/payments/{payment.id}/statement", headers=bearer(make.session_token(account))
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Relevé de prestations" in text
    assert "Camille DURAND" in text
    assert f"Dossier {ref.reference}" in text
    for _act, label in ref.labels:
        assert label in text
    assert f"Total des dépenses {_eur(ref.charged)}" in text
    assert f"Remboursé par la Sécurité sociale {_eur(ref.amo)}" in text
    assert f"Remboursé par votre mutuelle {_eur(ref.amc)}" in text
    assert f"Reste à votre charge {_eur(ref.rac)}" in text
    assert "€" in text


async def test_relevé_of_a_period_is_one_file_with_every_payment(client, make, household):
    _member, account, refs, *_ = household
    start, end = TODAY - timedelta(days=400), TODAY
    response = await client.get(
        "/api/v1/me/statements/period",
        params={"date_from": start.isoformat(), "date_to": end.isoformat()},
        headers=bearer(make.session_token(account)),
    )
    assert response.status_code == 200
    text = _pdf_text(response.content)
    assert f"Paiements du {start:%d/%m/%Y} au {end:%d/%m/%Y}" in text
    paid = [r for r in refs if r.status is ClaimStatus.paid and start <= r.care_date + timedelta(days=4) <= end]
    for ref in paid:
        assert f"Dossier {ref.reference}" in text
    assert "Totaux de la période" in text
    response = await client.get(
        "/api/v1/me/statements/period",
        params={"date_from": end.isoformat(), "date_to": start.isoformat()},
        headers=bearer(make.session_token(account)),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_period"


async def test_relevé_annuel_of_the_last_seven_years(client, make, household):
    _member, account, refs, *_ = household
    headers = bearer(make.session_token(account))
    year = TODAY.year - 1
    response = await client.get(f"/api/v1/me/statements/annual/{year}", headers=headers)
    assert response.status_code == 200
    text = _pdf_text(response.content)
    assert f"Relevé annuel des prestations {year}" in text
    paid = [r for r in refs if r.status is ClaimStatus.paid and (r.care_date + timedelta(days=4)).year == year]
    assert paid
    for ref in paid:
        for _act, label in ref.labels:
            assert label in text
    assert f"Total des dépenses {_eur(sum((r.charged for r in paid), Decimal('0.00')))}" in text
    assert f"Remboursé par votre mutuelle {_eur(sum((r.amc for r in paid), Decimal('0.00')))}" in text
    too_old = await client.get(f"/api/v1/me/statements/annual/{TODAY.year - 7}", headers=headers)
    assert too_old.status_code == 404
    assert too_old.json()["code"] == "statement_not_available"


async def test_options_offer_the_household_and_seven_years(client, make, household):
    _member, account, refs, *_ = household
    body = (await client.get(f"{CLAIMS}/options", headers=bearer(make.session_token(account)))).json()
    assert [b["name"] for b in body["beneficiaries"]] == ["Camille DURAND", "Zoé DURAND"]
    assert {c["code"] for c in body["care_categories"]} == {r.care_category for r in refs}
    assert body["statement_years"] == [2026, 2025, 2024, 2023, 2022, 2021, 2020]
    assert body["default_date_from"] == "2024-11-23"


def test_months_before_keeps_the_day_or_the_month_end():
    assert service.months_before(date(2026, 11, 23), 24) == date(2024, 11, 23)
    assert service.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert service.months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_csv_amounts_use_the_decimal_comma():
    assert service.csv_amount(Decimal("1234.5")) == "1234,50"
    assert service.csv_amount(Decimal("-5")) == "-5,00"
