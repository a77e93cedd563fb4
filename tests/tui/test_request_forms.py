"""The démarches on the one flow model (issue 18): each form declared once (``tui.flows.request_forms``), its
checks (French, FINESS, fax or e-mail, "62,50", "15/07/2025"), the Idempotency-Key kept for a retry after a
lost answer (never two démarches); linear transcripts where a wrong answer is typed first and only that field
is asked again, the recap with « modifier 2 », the establishment picked from the care finder (issue 21);
Pilot tests at 80×24 (the error under its field, the establishment picked from a list, a démarche with an
attachment seen in « Mes démarches »); snapshots of every form."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import httpx
import pytest
from sqlmodel import select

from models.schemas.requests import HospitalCoverCreate, QuoteCreate, ReimbursementRequestCreate
from models.tables import MemberRequest
from tests.server.issue7_world import PDF
from tests.tui.conftest import SEND, SERVER, ScriptedInput, recap_send, settle
from tests.tui.profile_helpers import until
from tui.api.client import ApiClient
from tui.api.messaging import MessagingApi
from tui.app import EspaceApp
from tui.flows import forms as model
from tui.flows import request_forms as forms
from tui.flows import retry
from tui.linear import LinearClient
from tui.linear.face import LinearFace
from tui.screens.forms import FormScreen, PickScreen
from tui.screens.messaging import RequestsScreen
from tui.screens.request_forms import NewRequestScreen, RequestFormScreen

TODAY = date(2026, 11, 23)
CTX = forms.FormContext("1204587", (forms.Person(1, "Coralie VIDAL"), forms.Person(2, "Hugo VIDAL")), TODAY)
TIMONE = "130990054"  # CENTRE HOSPITALIER DE LA TIMONE (FICTIF), in the FINESS sample of fixtures/data/directory


@pytest.fixture
async def coralie_token(log_in_as, coralie):
    """Coralie logged in through the real routes (shared helper of tests/tui/conftest.py)."""
    return await log_in_as(coralie.member_number)


def problem(action_id: str, values: dict, first: str = "") -> model.Problem | None:
    return model.first_problem(forms.request_form(action_id, CTX, first=first), values)


def test_each_demarche_is_one_form_of_the_flow_model():
    """No second form model: every démarche is a ``forms.Form``, its fields ``forms.Ask``."""
    assert not hasattr(forms, "FormSpec") and not hasattr(forms, "FormState")
    for d in forms.DEMARCHES:
        first = forms.FIRST_CHOICES[d.action_id].choices[0][0] if d.action_id in forms.FIRST_CHOICES else ""
        form = forms.request_form(d.action_id, CTX, first=first)
        assert isinstance(form, model.Form) and form.title == d.title and form.recap
        assert all(isinstance(ask, model.Ask) for ask in form.asks)


def test_reimbursement_answers_are_checked_then_read(tmp_path):
    invoice = tmp_path / "facture.pdf"
    invoice.write_bytes(PDF)
    values = {
        "basis": "paid_invoice",
        "beneficiary": "2",
        "care_date": "15-13-2025",  # wrong first
        "label": "Ostéopathie",
        "amount": "62,505",
        "files": [str(invoice)],
    }
    assert problem("new_reimbursement", values) == model.Problem(
        f"Date des soins : date non valable ({forms.DATE_HINT}).", "care_date"
    )
    values["care_date"] = "24/11/2026"  # a date, but after today
    assert problem("new_reimbursement", values) == model.Problem(
        "Date des soins : la date ne peut pas être après aujourd'hui (23/11/2026).", "care_date"
    )
    values["care_date"] = "15/07/2025"
    assert problem("new_reimbursement", values) == model.Problem(
        "Montant payé : « 62,505 » a plus de deux chiffres après la virgule : écrivez-le au centime, par exemple "
        "60,50.",
        "amount",
    )
    values["amount"] = "62,50"
    assert problem("new_reimbursement", values) is None
    body = forms.build("new_reimbursement", values, CTX)
    assert isinstance(body, ReimbursementRequestCreate)
    assert (body.amount, body.care_date, body.beneficiary_id) == (Decimal("62.50"), date(2025, 7, 15), 2)
    assert body.file.filename == "facture.pdf" and body.other_insurer is None
    # the first mutuelle is asked only for its décompte, and is then required
    other = {**values, "basis": "other_insurer_statement"}
    assert problem("new_reimbursement", other) == model.Problem(
        "Champ obligatoire : Nom de la première mutuelle.", "other_insurer"
    )


def test_hospital_cover_checks_finess_and_needs_fax_or_email():
    values = {
        "member_number": "999",
        "beneficiary": "1",
        "establishment": "CHU Estaing",
        "finess": "750712185",
        "entry_date": "01/12/2026",
        "admission_fax": "",
        "admission_email": "",
    }
    assert problem("new_hospital", values) == model.Problem(
        "N° adhérent : ce n'est pas votre n° adhérent (1204587).", "member_number"
    )
    values["member_number"] = "1204587"
    found = problem("new_hospital", values)
    assert found is not None and found.field == "finess"
    assert found.message.endswith("la clé de contrôle (dernier chiffre) ne correspond pas.")
    values["finess"] = "75 071 218 4"
    # the rule across two fields is the form's: said with the recap, not under one field as one types
    assert problem("new_hospital", values) == model.Problem(forms.FAX_OR_EMAIL)
    form = forms.request_form("new_hospital", CTX)
    assert form.check is not None and form.check(values) is None
    values["admission_email"] = "adm@chu"
    assert problem("new_hospital", values) == model.Problem(
        "E-mail du service d'admission : une adresse e-mail, par exemple admissions@chu.fr.", "admission_email"
    )
    values["admission_email"] = "adm@chu.fr"
    body = forms.build("new_hospital", values, CTX)
    assert isinstance(body, HospitalCoverCreate) and body.finess == "750712184" and body.admission_fax is None


def test_the_category_narrows_the_document_types_and_the_domain_the_acts():
    form = forms.request_form("new_document", CTX, first="adhesion")
    types = next(a for a in form.asks if a.name == "document_type").choices
    assert [v for v, _ in types] == ["proof_of_address", "bank_details"]
    assert "Catégorie : Mon adhésion." in form.intro
    quote = forms.request_form("new_quote", CTX, first="hearing")
    act = next(a for a in quote.asks if a.name == "line1_act")
    assert [v for v, _ in act.choices] == ["AUDIO"] and act.default == "AUDIO"


def test_quote_lines_stop_at_the_first_empty_one():
    values = {
        "beneficiary": "1",
        "provider_name": "Optique Lafayette",
        "line1_act": "MONTURE",
        "line1_amount": "150",
        "line2_act": "VERRE_SIMPLE",
        "line2_amount": "",
        "files": [],
    }
    assert problem("new_quote", values, "optical") == model.Problem(
        "Champ obligatoire : Ligne 2 : montant.", "line2_amount"
    )
    values["line2_amount"] = "80,00"
    values["line3_act"] = ""
    form = forms.request_form("new_quote", CTX, first="optical")
    assert [a.name for a in model.asked(form, values)][-3:] == ["line2_amount", "line3_act", "files"]
    body = forms.build("new_quote", values, CTX, "optical")
    assert isinstance(body, QuoteCreate)
    assert [(line.act, line.charged) for line in body.lines] == [
        ("MONTURE", Decimal("150.00")),
        ("VERRE_SIMPLE", Decimal("80.00")),
    ]


def test_establishment_search_reads_a_name_and_a_town():
    both = forms.establishment_queries("Timone, Marseille")
    assert [(q.q, q.where, q.kind.value) for q in both] == [("Timone", "Marseille", "etablissement")]
    alone = forms.establishment_queries("marseille")
    assert [(q.q, q.where) for q in alone] == [("marseille", ""), ("", "marseille")]


def test_the_idempotency_key_is_kept_for_the_same_form_and_renewed_for_another():
    keys = iter(["k1", "k2", "k3"])
    submission = retry.Submission(make_key=lambda: next(keys))
    values = {
        "member_number": "1204587",
        "beneficiary": "1",
        "establishment": "CHU",
        "entry_date": "01/12/2026",
        "admission_fax": "04 73 75 00 00",
    }
    body = forms.build("new_hospital", values, CTX)
    assert submission.key_for(body) == "k1"
    assert submission.key_for(body) == "k1"  # sent again after a network error: same key
    changed = body.model_copy(update={"establishment": "Clinique"})
    assert submission.key_for(changed) == "k2"  # a different démarche: a new key
    submission.done()
    assert submission.key_for(changed) == "k3"  # a new submission after success


# -- against the real server app ----------------------------------------------------------------------------


class LoseFirstAnswer(httpx.ASGITransport):
    """Forwards every request to the app, but loses the answer of the first POST (the server did create the
    démarche; the client only sees a network error), as a dropped connection would."""

    lost = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.method == "POST" and "/me/requests/" in request.url.path and not self.lost:
            self.lost += 1
            await response.aread()
            raise httpx.ReadError("connection reset", request=request)
        return response


async def test_a_retry_after_a_lost_answer_never_creates_twice(
    demo_app, client_clock, log_in_as, coralie, demo_session, tmp_path
):
    token = await log_in_as(coralie.member_number)
    flaky = LoseFirstAnswer(app=demo_app)
    api = ApiClient(SERVER, transport=flaky, clock=client_clock)
    api.use_token(token)
    stdout, stderr = io.StringIO(), io.StringIO()
    answers = ["", "1", "CHU Estaing", "", "", "01/12/2026", "04 73 75 00 00", "", recap_send(stdout), "1"]
    client = LinearClient(api, stdin=ScriptedInput(answers), stdout=stdout, stderr=stderr)
    detail = await forms.run(api, LinearFace(client), "new_hospital", client_clock.today())
    assert detail is not None and flaky.lost == 1
    assert "votre démarche est gardée, vous pouvez la renvoyer" in stdout.getvalue() + stderr.getvalue()
    created = demo_session.exec(select(MemberRequest).where(MemberRequest.kind == "hospital")).all()
    assert len([r for r in created if (r.details or {}).get("establishment") == "CHU Estaing"]) == 1


async def test_a_field_the_server_refuses_is_asked_again_alone_the_rest_kept(
    api, coralie_token, tmp_path, demo_session
):
    """Issue 18: the server is the authority. A client whose clock runs 7 days ahead accepts a care date the
    server's calendar says is to come: the server's 422 names ``care_date``; only that date is asked again
    (what was typed offered back), the other answers kept and read back, and one démarche is created."""
    invoice = tmp_path / "facture.pdf"
    invoice.write_bytes(PDF)
    api.use_token(coralie_token)
    stdout, stderr = io.StringIO(), io.StringIO()
    answers = ["1", "1", "27/11/2026", "Séance d'ostéopathie", "62,50", str(invoice), recap_send(stdout)]
    answers += ["20/11/2026", recap_send(stdout)]
    client = LinearClient(api, stdin=ScriptedInput(answers), stdout=stdout, stderr=stderr)
    ahead = date(2026, 11, 30)  # the server's day is 23/11/2026
    detail = await forms.run(api, LinearFace(client), "new_reimbursement", ahead)
    out = stdout.getvalue()
    assert detail is not None and detail.reference
    assert stderr.getvalue() == (
        "Erreur : La date des soins ne peut pas être dans le futur. Rien n'a été enregistré.\n"
    )
    first, second, _ = out.split("Récapitulatif avant envoi :")
    assert "Montant payé (en euros, par exemple 62,50) :" in first
    assert second.split("« annuler » :\n", 1)[1] == (  # after the refusal: the date alone, then the recap
        "== Demander un remboursement ==\n"
        "Joignez la facture acquittée, ou le décompte de votre première mutuelle. La demande est suivie dans "
        "« Mes démarches » et « Mes remboursements ».\n"
        "Date des soins (JJ/MM/AAAA, par exemple 15/07/2025) (Entrée : 27/11/2026) :\n"
    )
    assert "3. Date des soins : 20/11/2026\n4. Soin (en clair) : Séance d'ostéopathie\n" in out
    assert "6. Justificatif (fichier) : facture.pdf\n" in out.rsplit("Récapitulatif", 1)[1]  # the file kept
    demo_session.expire_all()
    created = demo_session.exec(select(MemberRequest).where(MemberRequest.kind == "reimbursement")).all()
    assert [r.reference for r in created] == [detail.reference]


def screen_text(app) -> str:
    from textual.widgets import Label, Static

    return "\n".join(str(w.render()) for w in [*app.screen.query(Static), *app.screen.query(Label)])


async def choose(pilot, widget_id: str, downs: int) -> None:
    pilot.app.screen.query_one(f"#{widget_id}").focus()
    await pilot.press("enter", *["down"] * downs, "enter")
    await pilot.pause()


def field_error(app, name: str) -> str:
    return str(app.screen.query_one(f"#error-{name}").render())


async def fill_reimbursement(pilot, care_date: str, amount: str, invoice) -> None:
    """From « Nouvelle démarche »: « Demander un remboursement », a paid invoice for the first person, an
    osteopathy session on ``care_date`` for ``amount``, ``invoice`` attached (not sent)."""
    await pilot.press("enter")  # Demander un remboursement
    await until(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    await choose(pilot, "field-basis", 1)  # facture acquittée
    await choose(pilot, "field-beneficiary", 1)
    pilot.app.screen.query_one("#field-care_date").focus()
    await pilot.press(*care_date, "tab", *"Séance d'ostéopathie", "tab", *amount)
    pilot.app.screen.query_one("#field-files").focus()
    await pilot.press(*str(invoice), "enter")
    await pilot.pause()


async def test_create_a_reimbursement_request_with_an_attachment_and_see_it_in_mes_demarches(
    api, token_store, log_in_as, coralie, tmp_path, demo_session
):
    """A wrong amount first: the error written under the amount, the cursor put there; corrected, sent."""
    invoice = tmp_path / "facture-osteo.pdf"
    invoice.write_bytes(PDF)
    await log_in_as(coralie.member_number)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, RequestsScreen)
        assert "+ Nouvelle démarche" in screen_text(app)
        await pilot.press("plus")
        await pilot.pause()
        assert isinstance(app.screen, NewRequestScreen)
        await fill_reimbursement(pilot, "15/11/2026", "62,505", invoice)
        assert "facture-osteo.pdf" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)  # nothing sent
        assert "plus de deux chiffres après la virgule" in field_error(app, "amount")
        assert app.focused is app.screen.query_one("#field-amount")
        await pilot.press("end", "backspace")  # the cursor is there, the text selected: at its end
        await pilot.pause()
        assert field_error(app, "amount") == ""
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, RequestsScreen))
        await settle(pilot)
        assert "Séance d'ostéopathie" in screen_text(app)
        assert "Statut : Reçue (accusé de réception" in screen_text(app)
    row = demo_session.exec(select(MemberRequest).where(MemberRequest.title.contains("ostéopathie"))).one()
    assert row.kind == "reimbursement" and row.claim_id is not None
    assert row.details["amount"] in ("62.50", "62.5")


async def test_full_screen_a_field_the_server_refuses_is_written_under_it_the_rest_kept(
    api, token_store, log_in_as, coralie, tmp_path, demo_session
):
    """The same refusal in full screen: the form comes back with every answer, the server's sentence under the
    care date and the cursor there; it stays until the date is changed, then the démarche is sent once."""
    from datetime import timedelta

    from tests.conftest import TEST_NOW
    from tui.clock import FrozenClock

    invoice = tmp_path / "facture.pdf"
    invoice.write_bytes(PDF)
    await log_in_as(coralie.member_number)
    app = EspaceApp(api, token_store=token_store, clock=FrozenClock(TEST_NOW + timedelta(days=7)))  # ahead
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("plus")
        await until(pilot, lambda: isinstance(app.screen, NewRequestScreen))
        await fill_reimbursement(pilot, "27/11/2026", "62,50", invoice)
        first = app.screen
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, FormScreen) and app.screen is not first)
        await pilot.pause()
        assert field_error(app, "care_date") == "Erreur : La date des soins ne peut pas être dans le futur."
        assert app.focused is app.screen.query_one("#field-care_date")
        assert app.screen.query_one("#field-label").value == "Séance d'ostéopathie"  # the rest kept
        assert "facture.pdf" in screen_text(app)
        await pilot.press("ctrl+u", *"20/11/2026")
        await pilot.pause()
        assert field_error(app, "care_date") == ""  # changed: the refusal no longer stands
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, RequestsScreen))
    demo_session.expire_all()
    rows = demo_session.exec(select(MemberRequest).where(MemberRequest.kind == "reimbursement")).all()
    assert [r.details["care_date"] for r in rows] == ["2026-11-20"]


async def test_the_hospital_form_picks_its_establishment_from_the_care_finder(
    api, token_store, log_in_as, coralie, demo_session
):
    """A wrong FINESS typed first: said under its field, nothing sent. Then « timone », Entrée: the
    establishments of the directory as a list; the one chosen fills the name and the FINESS number."""
    await log_in_as(coralie.member_number)
    app = EspaceApp(api, token_store=token_store)
    before = len(demo_session.exec(select(MemberRequest)).all())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("H")  # the registry's key for the hospital form, from the tableau de bord
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        assert app.screen.query_one("#field-member_number").value == coralie.member_number
        app.screen.query_one("#field-finess").focus()
        await pilot.press(*"750712185")
        await pilot.pause()
        assert "n° FINESS invalide : la clé de contrôle" in field_error(app, "finess")  # said as typed
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert field_error(app, "beneficiary") == "Erreur : Champ obligatoire : Personne hospitalisée."
        assert app.focused is app.screen.query_one("#field-beneficiary")
        app.screen.query_one("#field-establishment").focus()
        await pilot.press(*"timone", "enter")
        await until(pilot, lambda: isinstance(app.screen, PickScreen))
        assert app.screen.options == [
            "CENTRE HOSPITALIER DE LA TIMONE (FICTIF), 13005 MARSEILLE (FINESS 130990054)",
            "Aucun de ceux-ci : garder « timone »",
        ]
        await pilot.press("enter")  # the first establishment found
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await until(pilot, lambda: app.screen.query_one("#field-finess").value == TIMONE)
        assert app.screen.query_one("#field-establishment").value == "CENTRE HOSPITALIER DE LA TIMONE (FICTIF)"
        assert app.screen.query_one("#field-finess").value == TIMONE
        assert field_error(app, "finess") == ""  # the wrong number replaced: its error gone
        await choose(pilot, "field-beneficiary", 1)
        app.screen.query_one("#field-entry_date").focus()
        await pilot.press(*"01/12/2026")
        app.screen.query_one("#field-admission_email").focus()
        await pilot.press(*"admissions@timone.fr")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FormScreen | RequestFormScreen))  # sent, closed
    demo_session.expire_all()
    rows = demo_session.exec(select(MemberRequest).where(MemberRequest.kind == "hospital")).all()
    assert len(demo_session.exec(select(MemberRequest)).all()) == before + 1
    assert (
        rows[-1].details["finess"] == TIMONE
        and rows[-1].details["establishment"] == "CENTRE HOSPITALIER DE LA TIMONE (FICTIF)"
    )


# -- snapshots at 80×24 -------------------------------------------------------------------------------------


FORMS = ["new_reimbursement", "new_document", "new_accident", "new_hospital", "new_quote"]
KEYS = {"new_reimbursement": "R", "new_document": "D", "new_accident": "A", "new_hospital": "H", "new_quote": "V"}


@pytest.mark.parametrize("action_id", FORMS)
@pytest.mark.parametrize("with_error", [False, True], ids=["empty", "error"])
def test_form_snapshot(snap_compare, api, token_store, coralie_token, action_id, with_error):
    async def open_form(pilot):
        await settle(pilot)
        await pilot.press(KEYS[action_id])
        if action_id in forms.FIRST_CHOICES:  # the category or the domain, chosen first
            await until(pilot, lambda: isinstance(pilot.app.screen, PickScreen))
            await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
        if with_error:
            await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=open_form)


def test_requests_list_snapshot(snap_compare, api, token_store, coralie_token):
    async def open_list(pilot):
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)

    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=open_list)


def test_notifications_snapshot(snap_compare, api, token_store, coralie_token):
    async def open_list(pilot):
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)

    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=open_list)


# -- linear transcripts ------------------------------------------------------------------------------------


async def _linear(api, token_store, coralie_token, answers_after_menu):
    """« Mes démarches », « + Nouvelle démarche », the answers (``SEND``: Entrée at the recap, checked to be
    asked), back, quit; the part of the output from « Mes démarches » and the errors."""
    stdout, stderr = io.StringIO(), io.StringIO()
    client = LinearClient(api, stdin=io.StringIO(""), stdout=stdout, stderr=stderr, token_store=token_store)
    api.use_token(coralie_token)
    menu = [a.id for a in client.menu_actions((await api.dashboard()).areas)]
    listing = await MessagingApi(api).requests()
    new_choice = str(len(listing.items) + 1)
    back_choice = str(len(listing.items) + 3)  # one more démarche in the list afterwards
    answers = [recap_send(stdout) if a == SEND else a for a in answers_after_menu]
    lines = [str(menu.index("requests") + 1), new_choice, *answers, back_choice, str(menu.index("quit") + 1)]
    client.stdin = ScriptedInput(lines)
    assert await client.run() == 0
    out = stdout.getvalue()
    assert "\x1b" not in out
    return out[out.index("== Mes démarches (") :], stderr.getvalue()


def _form_part(transcript: str, title: str) -> str:
    """The form's own lines: from its heading to the list of démarches shown again."""
    return f"== {title} ==" + transcript.split(f"== {title} ==", 1)[1].split("== Mes démarches (", 1)[0]


def _created(demo_session, kind: str) -> MemberRequest:
    demo_session.expire_all()
    return demo_session.exec(select(MemberRequest).where(MemberRequest.kind == kind)).one()


CORALIE_FAMILY = "1. Coralie VIDAL\n2. Enzo VIDAL\n3. Lina VIDAL\nVotre choix (1 à 3) :\n"
ACKNOWLEDGED = (
    "statut « Reçue (accusé de réception envoyé par e-mail) ». Un accusé de réception vous est adressé par e-mail ; "
    "suivez-la dans « Mes démarches ».\n"
)


async def test_linear_transcript_of_a_reimbursement_request(api, token_store, coralie_token, tmp_path, demo_session):
    """A wrong date first: said at once, only the date asked again (what was typed offered back); the recap
    read before sending, « modifier 2 » changes the beneficiary alone, then Entrée sends."""
    invoice = tmp_path / "facture.pdf"
    invoice.write_bytes(PDF)
    answers = [
        "1",  # Demander un remboursement
        "1",  # facture acquittée
        "1",  # Coralie (changed at the recap)
        "15-13-2026",  # not a date: asked again at once
        "15/11/2026",
        "Séance d'ostéopathie",
        "62,50",
        str(invoice),
        "modifier 2",
        "2",  # Enzo
        SEND,
    ]
    transcript, errors = await _linear(api, token_store, coralie_token, answers)
    part = _form_part(transcript, "Demander un remboursement").replace(str(tmp_path), "<tmp>")
    date_question = "Date des soins (JJ/MM/AAAA, par exemple 15/07/2025)"
    assert part == (
        "== Demander un remboursement ==\n"
        "Joignez la facture acquittée, ou le décompte de votre première mutuelle. La demande est suivie dans "
        "« Mes démarches » et « Mes remboursements ».\n"
        "== Justificatif ==\n"
        "1. Facture acquittée\n2. Décompte d'une autre mutuelle (première mutuelle)\nVotre choix (1 à 2) :\n"
        "== Bénéficiaire des soins ==\n" + CORALIE_FAMILY + f"{date_question} :\n"
        f"{date_question} (Entrée : 15-13-2026) :\n"
        "Soin (en clair) (par exemple : séance d'ostéopathie) :\n"
        "Montant payé (en euros, par exemple 62,50) :\n"
        "Justificatif (fichier) : chemin du fichier PDF, JPEG ou PNG :\n"
        "Pièce jointe ajoutée : <tmp>/facture.pdf.\n"
        "Récapitulatif avant envoi :\n"
        "1. Justificatif : Facture acquittée\n"
        "2. Bénéficiaire des soins : Coralie VIDAL\n"
        "3. Date des soins : 15/11/2026\n"
        "4. Soin (en clair) : Séance d'ostéopathie\n"
        "5. Montant payé : 62,50\n"
        "6. Justificatif (fichier) : facture.pdf\n"
        "Entrée : envoyer la démarche ; « modifier » et le numéro d'une ligne ; « annuler » :\n"
        "== Bénéficiaire des soins == (3 choix ; « r » : les relire)\n"
        "Votre choix (1 à 3) :\n"
        "Récapitulatif avant envoi :\n"
        "1. Justificatif : Facture acquittée\n"
        "2. Bénéficiaire des soins : Enzo VIDAL\n"
        "3. Date des soins : 15/11/2026\n"
        "4. Soin (en clair) : Séance d'ostéopathie\n"
        "5. Montant payé : 62,50\n"
        "6. Justificatif (fichier) : facture.pdf\n"
        "Entrée : envoyer la démarche ; « modifier » et le numéro d'une ligne ; « annuler » :\n"
        "Démarche envoyée : Remboursement : Séance d'ostéopathie, référence D2026-000001, "
        + ACKNOWLEDGED
        + "Le remboursement apparaît aussi dans « Mes remboursements », au statut « Reçu ».\n"
    )
    assert errors == "Erreur : Date des soins : date non valable (JJ/MM/AAAA, par exemple 15/07/2025).\n"
    # issue 18: the list said in one sentence first, before and after (Coralie had none)
    assert transcript.startswith("== Mes démarches (0) ==\nAucune démarche pour l'instant.\n== Voir le détail")
    again = transcript.split("== Mes démarches (1) ==\n", 1)[1]
    assert again.startswith("1 démarche : 1 reçue\n")
    row = _created(demo_session, "reimbursement")
    assert row.beneficiary_id is not None and row.claim_id is not None


async def test_linear_transcript_of_a_hospital_cover_with_the_establishment_from_the_care_finder(
    api, token_store, coralie_token, demo_session
):
    """« timone » is searched in the directory and chosen from a numbered list: its name and FINESS fill the
    form (Entrée keeps the FINESS offered); neither fax nor e-mail: said with the recap, « modifier 7 »."""
    answers = [
        "4",  # Prise en charge hospitalière
        "",  # n° adhérent: kept
        "1",  # Coralie
        "timone",
        "1",  # CH LA TIMONE, from the directory
        "",  # its FINESS, kept
        "01/12/2026",
        "",  # no fax
        "",  # no e-mail: the form's rule is said with the recap
        "modifier 7",
        "admissions@timone.fr",
        SEND,
    ]
    transcript, errors = await _linear(api, token_store, coralie_token, answers)
    part = _form_part(transcript, "Prise en charge hospitalière")
    assert (
        "Établissement (son nom, ou « nom, ville » : l'annuaire propose les établissements trouvés) :\n"
        "== Établissement : lequel ? ==\n"
        "1. CENTRE HOSPITALIER DE LA TIMONE (FICTIF), 13005 MARSEILLE (FINESS 130990054)\n"
        "2. Aucun de ceux-ci : garder « timone »\n"
        "Votre choix (1 à 2) :\n"
        "Choisi : CENTRE HOSPITALIER DE LA TIMONE (FICTIF), 13005 MARSEILLE (FINESS 130990054)\n"
        "N° FINESS de l'établissement (9 caractères ; rempli quand l'établissement est choisi dans l'annuaire) "
        "(Entrée : 130990054) :\n"
    ) in part
    assert (
        "3. Établissement : CENTRE HOSPITALIER DE LA TIMONE (FICTIF)\n4. N° FINESS de l'établissement : 130990054\n"
        in part
    )
    assert "7. E-mail du service d'admission : (vide)\n" in part
    assert "7. E-mail du service d'admission : admissions@timone.fr\n" in part
    assert errors == f"Erreur : {forms.FAX_OR_EMAIL}\n"
    assert (
        "Démarche envoyée : Prise en charge : CENTRE HOSPITALIER DE LA TIMONE (FICTIF), référence D2026-000001" in part
    )
    row = _created(demo_session, "hospital")
    assert row.details["finess"] == TIMONE and row.details["admission_email"] == "admissions@timone.fr"


async def test_linear_transcript_of_a_hospital_cover_with_a_finess_typed_wrong_first(
    api, token_store, coralie_token, demo_session
):
    """An establishment the directory does not know, kept as typed; a FINESS with a wrong key: said at once,
    only the FINESS asked again; a fax given."""
    answers = [
        "4",
        "",
        "1",
        "CHU Estaing, Clermont-Ferrand",  # not in the sample: kept as typed
        "750712185",  # a wrong key
        "750712184",
        "01/12/2026",
        "04 73 75 00 00",
        "",
        SEND,
    ]
    transcript, errors = await _linear(api, token_store, coralie_token, answers)
    part = _form_part(transcript, "Prise en charge hospitalière")
    assert "Aucun résultat pour « CHU Estaing, Clermont-Ferrand » : gardé tel que saisi.\n" in part
    finess = "N° FINESS de l'établissement (9 caractères ; rempli quand l'établissement est choisi dans l'annuaire)"
    assert f"{finess} :\n{finess} (Entrée : 750712185) :\nDate d'entrée" in part
    assert errors == (
        "Erreur : N° FINESS de l'établissement : n° FINESS invalide : la clé de contrôle (dernier chiffre) ne "
        "correspond pas.\n"
    )
    row = _created(demo_session, "hospital")
    assert row.details["finess"] == "750712184" and row.details["establishment"] == "CHU Estaing, Clermont-Ferrand"


async def test_linear_transcript_of_a_document_upload(api, token_store, coralie_token, tmp_path, demo_session):
    """Dépôt de documents: the category first narrows the types; the description is several lines ending
    with an empty line; a missing file is said and asked again."""
    rib = tmp_path / "justificatif.pdf"
    rib.write_bytes(PDF)
    answers = [
        "2",  # Dépôt de documents
        "3",  # Mon adhésion
        "1",  # Justificatif de domicile
        "1",  # Coralie
        "",  # no description: required, asked again
        "Nouvelle adresse",
        "depuis le 1er novembre",
        "",  # the empty line ends the description
        str(tmp_path / "absent.pdf"),  # no such file: said, asked again
        str(rib),
        "",
        SEND,
    ]
    transcript, errors = await _linear(api, token_store, coralie_token, answers)
    part = _form_part(transcript, "Dépôt de documents").replace(str(tmp_path), "<tmp>")
    assert part.startswith(
        "== Dépôt de documents ==\n"
        "Un seul type de demande par envoi. Un accusé de réception vous est adressé par e-mail.\n"
        "Catégorie : Mon adhésion.\n"
        "== Type de document ==\n"
        "1. Justificatif de domicile\n2. RIB (relevé d'identité bancaire)\n"
        "Votre choix (1 à 2) :\n"
    )
    lines = "Décrire la demande (plusieurs lignes possibles, une ligne vide pour finir) :\n"
    assert lines + lines + "Ligne suivante (vide pour finir) :\nLigne suivante (vide pour finir) :\n" in part
    assert "3. Décrire la demande : Nouvelle adresse / depuis le 1er novembre\n" in part
    assert errors.replace(str(tmp_path), "<tmp>") == (
        "Erreur : Champ obligatoire : Décrire la demande.\n"
        "Erreur : Fichier introuvable : <tmp>/absent.pdf. Vérifiez le chemin (Tab complète le nom).\n"
    )
    row = _created(demo_session, "document")
    assert row.details == {"document_type": "proof_of_address"}
    assert row.description == "Nouvelle adresse\ndepuis le 1er novembre"


async def test_linear_transcript_of_an_accident(api, token_store, coralie_token, demo_session):
    """Déclarer un accident: a date after today said at once and asked again; with a tiers in cause,
    « Le tiers et son assureur » is asked, required; without, it is not."""
    answers = [
        "3",  # Déclarer un accident
        "1",  # Coralie
        "21/12/2026",  # after today
        "21/11/2026",
        "Parking du supermarché",
        "Renversée par une voiture en marche arrière",
        "",
        "2",  # Oui, un tiers
        "",  # the tiers left empty: asked again at once
        "M. Durand, assuré chez MAIF, contrat 123",
        "",  # no file
        SEND,
    ]
    transcript, errors = await _linear(api, token_store, coralie_token, answers)
    part = _form_part(transcript, "Déclarer un accident")
    tiers = "Le tiers et son assureur (si un tiers est en cause) :\n"
    assert tiers * 2 + "Pièces (constat, certificat) : chemin du fichier PDF, JPEG ou PNG (Entrée : aucun) :\n" in part
    assert errors == (
        "Erreur : Date de l'accident : la date ne peut pas être après aujourd'hui (23/11/2026).\n"
        "Erreur : Champ obligatoire : Le tiers et son assureur.\n"
    )
    row = _created(demo_session, "accident")
    assert row.description == "Renversée par une voiture en marche arrière"
    assert row.details == {
        "accident_date": "2026-11-21",
        "place": "Parking du supermarché",
        "third_party": True,
        "third_party_details": "M. Durand, assuré chez MAIF, contrat 123",
    }


async def test_linear_transcript_of_a_quote(api, token_store, coralie_token, demo_session):
    """Envoyer un devis: the domain first, the acts of that domain, no further line after « Aucun », the
    estimate said at once in euros."""
    answers = [
        "5",  # Devis
        "3",  # Aides auditives
        "1",  # Coralie
        "Audition Conseil",
        "1",  # Aide auditive
        "1 200,505",  # wrong first
        "1200",
        "2",  # Aucun: lines 3 and 4 are not asked
        "",  # no file
        SEND,
    ]
    transcript, errors = await _linear(api, token_store, coralie_token, answers)
    part = _form_part(transcript, "Devis (demande de prise en charge)").replace("\u00a0", " ")
    assert "== Ligne 2 : acte ==\n1. Aide auditive (une oreille)\n2. Aucun\nVotre choix (1 à 2) :\n" in part
    assert "== Ligne 3 : acte ==" not in part
    assert (
        "Estimation immédiate : la mutuelle vous rembourserait 160,00 €, la Sécurité sociale 240,00 € ; il "
        "vous resterait 800,00 € à payer sur 1 200,00 €.\n"
    ) in part
    assert "plus de deux chiffres après la virgule" in errors
    row = _created(demo_session, "quote")
    assert row.details["lines"] == [{"act": "AUDIO", "label": "Aide auditive (une oreille)", "charged": "1200.00"}]


def test_a_devis_line_without_an_automatic_figure_is_said_so_and_kept_out_of_the_totals():
    from models.schemas.common import RequestStatus
    from models.schemas.requests import QuoteEstimate, QuoteEstimateLine, RequestDetail

    unpriced = QuoteEstimateLine(
        act="SC", label="Soins", charged=Decimal("80"), estimated=False, reason="base de remboursement à connaître"
    )
    crown = QuoteEstimateLine(
        act="PROTHESE",
        label="Couronne",
        charged=Decimal("500"),
        amo_paid=Decimal("75.25"),
        amc_paid=Decimal("200"),
        out_of_pocket=Decimal("224.75"),
    )
    estimate = QuoteEstimate(
        lines=[unpriced, crown],
        charged=Decimal("500"),  # over the estimated line only
        quote_total=Decimal("580"),
        amo_paid=Decimal("75.25"),
        amc_paid=Decimal("200"),
        out_of_pocket=Decimal("224.75"),
    )
    detail = RequestDetail.model_construct(
        title="Devis", reference="D-1", status=RequestStatus.received, estimate=estimate, claim_id=None
    )
    lines = forms.created_lines(detail)
    euros = [line.replace("\u00a0", " ").replace("\u202f", " ") for line in lines]  # spaces as typed here
    # the totals are over the estimated line only, never « sur 580,00 € » mixing the other
    assert euros[1] == (
        "Estimation immédiate (sur 1 ligne estimée) : la mutuelle vous rembourserait 200,00 €, la Sécurité sociale "
        "75,25 € ; il vous resterait 224,75 € à payer sur 500,00 €."
    )
    assert euros[3] == "Soins : 80,00 € ; pas d'estimation : base de remboursement à connaître."
    assert euros[4] == "Couronne : 500,00 € ; mutuelle 200,00 € ; Sécurité sociale 75,25 € ; reste à charge 224,75 €"
