"""The démarche forms: the flow's checks (French, FINESS, fax or email, "62,50", "15/07/2025"), the
Idempotency-Key kept for a retry after a lost answer (never two démarches), Pilot tests at 80×24 creating
a démarche with an attachment and seeing it in « Mes démarches », snapshots of every form (empty and with
a validation error), the list and the notifications, and linear transcripts."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import httpx
import pytest
from sqlmodel import select

from models.schemas.requests import HospitalCoverCreate, ReimbursementRequestCreate
from models.tables import Document, MemberRequest
from tests.server.issue7_world import PDF
from tests.tui.conftest import SERVER, settle
from tui.api.client import ApiClient
from tui.api.messaging import MessagingApi
from tui.app import EspaceApp
from tui.flows import request_forms as forms
from tui.linear import LinearClient
from tui.linear.request_forms import fill_and_send
from tui.screens.messaging import RequestsScreen
from tui.screens.request_forms import NewRequestScreen, RequestFormScreen

TODAY = date(2026, 11, 23)
CTX = forms.FormContext("1204587", (forms.Person(1, "Coralie VIDAL"), forms.Person(2, "Hugo VIDAL")), TODAY)


@pytest.fixture
async def coralie_token(log_in_as, coralie):
    """Coralie logged in through the real routes (shared helper of tests/tui/conftest.py)."""
    return await log_in_as(coralie.member_number)


def state(action_id: str, **values: str) -> forms.FormState:
    s = forms.FormState(forms.form_for(action_id, CTX))
    s.values.update(values)
    return s


def test_reimbursement_form_reads_french_amounts_and_dates(tmp_path):
    invoice = tmp_path / "facture.pdf"
    invoice.write_bytes(PDF)
    s = state(
        "new_reimbursement",
        basis="paid_invoice",
        beneficiary="2",
        care_date="15/07/2025",
        label="Ostéopathie",
        amount="62,50",
    )
    s.files.append(str(invoice))
    body = forms.build(s, CTX)
    assert isinstance(body, ReimbursementRequestCreate)
    assert (body.amount, body.care_date, body.beneficiary_id) == (Decimal("62.50"), date(2025, 7, 15), 2)
    assert body.file.filename == "facture.pdf" and body.other_insurer is None


def test_every_problem_is_named_in_french():
    s = state("new_reimbursement", basis="other_insurer_statement", care_date="2025-07-15", amount="62,505")
    with pytest.raises(forms.FormErrors) as caught:
        forms.build(s, CTX)
    errors = caught.value.errors
    assert caught.value.first == "beneficiary"
    assert errors["care_date"] == (
        "Date des soins : écrivez la date au format JJ/MM/AAAA, par exemple 15/07/2025 (reçu : « 2025-07-15 »)."
    )
    assert errors["amount"] == (
        "Montant payé : « 62,505 » a plus de deux chiffres après la virgule : écrivez-le au centime, par exemple 60,50."
    )
    assert errors["other_insurer"].endswith("indiquez le nom de votre première mutuelle (celle du décompte joint).")
    assert errors["files"] == "Justificatif (fichier) : joignez le fichier (PDF, JPEG ou PNG)."
    future = state("new_reimbursement", care_date="24/11/2026")
    with pytest.raises(forms.FormErrors) as caught:
        forms.build(future, CTX)
    assert "ne peut pas être après aujourd'hui (23/11/2026)" in caught.value.errors["care_date"]


def test_hospital_cover_checks_finess_locally_and_needs_fax_or_email():
    base = {
        "member_number": "1204587",
        "beneficiary": "1",
        "establishment": "CHU Estaing",
        "entry_date": "01/12/2026",
    }
    with pytest.raises(forms.FormErrors) as caught:
        forms.build(state("new_hospital", **base, finess="750712185"), CTX)
    assert caught.value.errors["finess"].endswith("la clé de contrôle (dernier chiffre) ne correspond pas.")
    assert caught.value.errors["admission_fax"].endswith(
        "il est nécessaire de saisir au moins le fax ou l'e-mail du service d'admission."
    )
    body = forms.build(state("new_hospital", **base, finess="75 071 218 4", admission_email="adm@chu.fr"), CTX)
    assert isinstance(body, HospitalCoverCreate) and body.finess == "750712184" and body.admission_fax is None
    with pytest.raises(forms.FormErrors) as caught:
        forms.build(state("new_hospital", **{**base, "member_number": "999"}, admission_fax="0473750000"), CTX)
    assert "ce n'est pas votre n° adhérent (1204587)" in caught.value.errors["member_number"]


def test_documents_one_type_per_upload_within_its_category(tmp_path):
    scan = tmp_path / "rib.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    s = state("new_document", category="adhesion", document_type="prescription", beneficiary="1", description="RIB")
    s.files.append(str(scan))
    with pytest.raises(forms.FormErrors) as caught:
        forms.build(s, CTX)
    assert caught.value.errors == {"document_type": "Type de document : choisissez une des valeurs proposées."}
    s.values["document_type"] = "bank_details"
    assert forms.build(s, CTX).document_type == "bank_details"


def test_quote_lines_and_accident_tiers():
    s = state(
        "new_quote",
        domain="optical",
        beneficiary="1",
        provider_name="Optique Lafayette",
        line1_act="MONTURE",
        line1_amount="150",
        line2_act="VERRE_SIMPLE",
        line2_amount="",
    )
    with pytest.raises(forms.FormErrors) as caught:
        forms.build(s, CTX)
    assert list(caught.value.errors) == ["line2_amount"]
    s.values["line2_amount"] = "80,00"
    body = forms.build(s, CTX)
    assert [(line.act, line.charged) for line in body.lines] == [
        ("MONTURE", Decimal("150.00")),
        ("VERRE_SIMPLE", Decimal("80.00")),
    ]
    accident = state(
        "new_accident",
        beneficiary="1",
        accident_date="20/11/2026",
        place="Rue",
        circumstances="Chute",
        third_party="oui",
    )
    with pytest.raises(forms.FormErrors) as caught:
        forms.build(accident, CTX)
    assert caught.value.errors == {"third_party_details": "Le tiers et son assureur : à remplir."}


def test_the_idempotency_key_is_kept_for_the_same_form_and_renewed_for_another():
    keys = iter(["k1", "k2", "k3"])
    submission = forms.Submission(make_key=lambda: next(keys))
    body = forms.build(
        state(
            "new_hospital",
            member_number="1204587",
            beneficiary="1",
            establishment="CHU",
            entry_date="01/12/2026",
            admission_fax="04 73 75 00 00",
        ),
        CTX,
    )
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
    dashboard = await api.dashboard()
    ctx = forms.FormContext.from_dashboard(dashboard, client_clock.today())
    s = forms.FormState(forms.form_for("new_hospital", ctx))
    stdout, stderr = io.StringIO(), io.StringIO()
    answers = ["", "1", "CHU Estaing", "750712184", "01/12/2026", "04 73 75 00 00", "", "1"]
    client = LinearClient(api, stdin=io.StringIO("\n".join(answers) + "\n"), stdout=stdout, stderr=stderr)
    s.values["member_number"] = ctx.member_number  # « Entrée pour garder »
    assert await fill_and_send(client, MessagingApi(api), s, ctx)
    assert flaky.lost == 1
    assert "Renvoyez le formulaire" in stderr.getvalue() or "renvoyez le formulaire" in stderr.getvalue()
    assert "elle ne sera jamais enregistrée deux fois" in stderr.getvalue()
    assert "Nouvel envoi de la même demande (même numéro unique)." in stdout.getvalue()
    created = demo_session.exec(select(MemberRequest).where(MemberRequest.kind == "hospital")).all()
    assert len([r for r in created if (r.details or {}).get("establishment") == "CHU Estaing"]) == 1


def screen_text(app) -> str:
    from textual.widgets import Label, Static

    return "\n".join(str(w.render()) for w in [*app.screen.query(Static), *app.screen.query(Label)])


async def choose(pilot, widget_id: str, downs: int) -> None:
    pilot.app.screen.query_one(f"#{widget_id}").focus()
    await pilot.press("enter", *["down"] * downs, "enter")
    await pilot.pause()


async def test_create_a_reimbursement_request_with_an_attachment_and_see_it_in_mes_demarches(
    api, token_store, log_in_as, coralie, tmp_path, demo_session
):
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
        await pilot.press("enter")  # Demander un remboursement
        await settle(pilot)
        assert isinstance(app.screen, RequestFormScreen)
        await choose(pilot, "basis", 1)  # facture acquittée
        await choose(pilot, "beneficiary", 1)
        app.screen.query_one("#care_date").focus()
        await pilot.press(*"15/11/2026", "tab", *"Séance d'ostéopathie", "tab", *"62,50", "tab", "tab")
        await pilot.press(*str(invoice), "enter")
        await pilot.pause()
        assert "Pièces jointes : " in screen_text(app) and "facture-osteo.pdf" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RequestsScreen), screen_text(app)
        await settle(pilot)
        assert "Séance d'ostéopathie" in screen_text(app)
        assert "Statut : Reçue (accusé de réception" in screen_text(app)
    row = demo_session.exec(select(MemberRequest).where(MemberRequest.title.contains("ostéopathie"))).one()
    assert row.kind == "reimbursement" and row.claim_id is not None


async def test_a_form_with_errors_says_them_and_sends_nothing(api, token_store, log_in_as, coralie, demo_session):
    await log_in_as(coralie.member_number)
    app = EspaceApp(api, token_store=token_store)
    before = len(demo_session.exec(select(MemberRequest)).all())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("H")  # the registry's key for the hospital form, from the tableau de bord
        await settle(pilot)
        assert isinstance(app.screen, RequestFormScreen)
        assert app.screen.query_one("#member_number").value == coralie.member_number
        app.screen.query_one("#finess").focus()
        await pilot.press(*"750712185")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "Erreur : N° FINESS de l'hôpital ou de la clinique : n° FINESS invalide" in text
        assert "au moins le fax ou l'e-mail du service d'admission" in text
    assert len(demo_session.exec(select(MemberRequest)).all()) == before


# -- snapshots at 80×24 -------------------------------------------------------------------------------------


FORMS = ["new_reimbursement", "new_document", "new_accident", "new_hospital", "new_quote"]
KEYS = {"new_reimbursement": "R", "new_document": "D", "new_accident": "A", "new_hospital": "H", "new_quote": "V"}


@pytest.mark.parametrize("action_id", FORMS)
@pytest.mark.parametrize("with_error", [False, True], ids=["empty", "error"])
def test_form_snapshot(snap_compare, api, token_store, coralie_token, action_id, with_error):
    async def open_form(pilot):
        await settle(pilot)
        await pilot.press(KEYS[action_id])
        await settle(pilot)
        if with_error:
            await pilot.press("ctrl+s")
            await settle(pilot)

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
    stdout, stderr = io.StringIO(), io.StringIO()
    client = LinearClient(api, stdin=io.StringIO(""), stdout=stdout, stderr=stderr, token_store=token_store)
    api.use_token(coralie_token)
    menu = [a.id for a in client.menu_actions((await api.dashboard()).areas)]
    listing = await MessagingApi(api).requests()
    new_choice = str(len(listing.items) + 1)
    back_choice = str(len(listing.items) + 3)  # one more démarche in the list afterwards
    lines = [str(menu.index("requests") + 1), new_choice, *answers_after_menu, back_choice, str(menu.index("quit") + 1)]
    client.stdin = io.StringIO("\n".join(lines) + "\n")
    assert await client.run() == 0
    out = stdout.getvalue()
    return out[out.index("== Mes démarches (") :], stderr.getvalue()


async def test_linear_transcript_of_a_reimbursement_request(api, token_store, coralie_token, tmp_path):
    invoice = tmp_path / "facture.pdf"
    invoice.write_bytes(PDF)
    answers = [
        "1",  # Demander un remboursement
        "1",  # facture acquittée
        "1",  # the first beneficiary
        "15-13-2026",  # not a date: asked again after the form
        "Séance d'ostéopathie",
        "62,50",
        str(invoice),
        "",
        "15/11/2026",  # the corrected date
    ]
    transcript, errors = await _linear(api, token_store, coralie_token, answers)
    print(transcript)
    print(errors)
    assert "== Demander un remboursement ==" in transcript
    assert "Erreur : Date des soins : écrivez la date au format JJ/MM/AAAA" in errors
    assert "Fichier ajouté : " in transcript
    assert "Démarche envoyée : Remboursement : Séance d'ostéopathie, référence D2026-" in transcript
    assert "statut « Reçue (accusé de réception envoyé par e-mail) »" in transcript
    assert "« Mes remboursements », au statut « Reçu »" in transcript
    assert "\x1b" not in transcript


async def test_linear_transcript_of_a_hospital_cover_request(api, token_store, coralie_token):
    answers = [
        "4",  # Prise en charge hospitalière
        "",  # n° adhérent: kept
        "1",
        "CHU Estaing",
        "750712185",  # a wrong key
        "01/12/2026",
        "",
        "",
        "750712184",  # corrected FINESS
        "",  # fax
        "admissions@chu-clermont.fr",
    ]
    transcript, errors = await _linear(api, token_store, coralie_token, answers)
    print(transcript)
    print(errors)
    assert "== Prise en charge hospitalière ==" in transcript
    assert "Erreur : N° FINESS de l'hôpital ou de la clinique : n° FINESS invalide" in errors
    assert "au moins le fax ou l'e-mail du service d'admission" in errors
    assert "Démarche envoyée : Prise en charge" in transcript or "Démarche envoyée : " in transcript


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


async def test_linear_transcript_of_a_document_upload(api, token_store, coralie_token, tmp_path, demo_session):
    """Dépôt de documents: the category narrows the types; a missing file and an empty description are said
    on stderr in words; the description alone is asked again; the document reaches the démarche."""
    rib = tmp_path / "justificatif.pdf"
    rib.write_bytes(PDF)
    answers = [
        "2",  # Dépôt de documents
        "3",  # Mon adhésion
        "1",  # Justificatif de domicile
        "1",  # Coralie
        "",  # no description: asked again after the form
        str(tmp_path / "absent.pdf"),  # no such file: said, asked again
        str(rib),
        "",
        "Nouvelle adresse depuis le 1er novembre",
    ]
    transcript, errors = await _linear(api, token_store, coralie_token, answers)
    files = (
        "Documents, chemin du fichier (1 à 5 fichiers PDF, JPEG ou PNG, 10 Mo au plus chacun ; Entrée : aucun de "
        "plus) :\n"
    )
    assert _form_part(transcript, "Dépôt de documents").replace(str(tmp_path), "<tmp>") == (
        "== Dépôt de documents ==\n"
        "Un seul type de demande par envoi. Un accusé de réception vous est adressé par e-mail.\n"
        "== Catégorie ==\n"
        "1. Remboursement de soins\n2. Assurance Maladie et famille\n3. Mon adhésion\n4. Accident\n5. Autre\n"
        "Votre choix (1 à 5) :\n"
        "== Type de document ==\n"
        "1. Justificatif de domicile\n2. RIB (relevé d'identité bancaire)\n"
        "Votre choix (1 à 2) :\n"
        "== Bénéficiaire concerné ==\n"
        + CORALIE_FAMILY
        + "Décrire la demande :\n"
        + files
        + files
        + "Fichier ajouté : <tmp>/justificatif.pdf\n"
        + files
        + "Corrigez les champs signalés :\n"
        "Décrire la demande :\n"
        "Démarche envoyée : Dépôt : Justificatif de domicile, référence D2026-000001, "
        + ACKNOWLEDGED
        + "Envoyée le 23 novembre 2026.\n"
    )
    assert errors.replace(str(tmp_path), "<tmp>") == (
        "Erreur : Fichier introuvable : <tmp>/absent.pdf. Vérifiez le chemin (Tab complète le nom).\n"
        "Erreur : Décrire la demande : à remplir.\n"
    )
    row = _created(demo_session, "document")
    assert (row.reference, row.status) == ("D2026-000001", "received")
    assert row.details == {"document_type": "proof_of_address"}
    assert row.description == "Nouvelle adresse depuis le 1er novembre"
    stored = demo_session.exec(select(Document).where(Document.request_id == row.id)).one()
    assert (stored.filename, stored.content) == ("proof-of-address-1.pdf", PDF)  # named by the server


async def test_linear_transcript_of_an_accident(api, token_store, coralie_token, demo_session):
    """Déclarer un accident: with a tiers in cause, « Le tiers et son assureur » is asked as required (not
    « facultatif »), said on stderr when left empty, and asked again alone."""
    answers = [
        "3",  # Déclarer un accident
        "1",  # Coralie
        "21/11/2026",
        "Parking du supermarché",
        "Renversée par une voiture en marche arrière",
        "2",  # Oui, un tiers
        "",  # the tiers left empty: asked again after the form
        "",  # no file
        "M. Durand, assuré chez MAIF, contrat 123",
    ]
    transcript, errors = await _linear(api, token_store, coralie_token, answers)
    assert _form_part(transcript, "Déclarer un accident") == (
        "== Déclarer un accident ==\n"
        "Si un tiers est responsable, la mutuelle se fera rembourser par son assureur.\n"
        "== Personne accidentée ==\n" + CORALIE_FAMILY + "Date de l'accident (JJ/MM/AAAA, par exemple 15/07/2025) :\n"
        "Lieu de l'accident :\n"
        "Circonstances :\n"
        "== Un tiers est-il en cause ? ==\n1. Non\n2. Oui\nVotre choix (1 à 2) :\n"
        "Le tiers et son assureur :\n"
        "Pièces (constat, certificat), chemin du fichier (facultatif : jusqu'à 5 fichiers ; Entrée : aucun de "
        "plus) :\n"
        "Corrigez les champs signalés :\n"
        "Le tiers et son assureur :\n"
        "Démarche envoyée : Accident du 21/11/2026, référence D2026-000001, "
        + ACKNOWLEDGED
        + "Envoyée le 23 novembre 2026.\n"
    )
    assert errors == "Erreur : Le tiers et son assureur : à remplir.\n"
    row = _created(demo_session, "accident")
    assert row.description == "Renversée par une voiture en marche arrière"
    assert row.details == {
        "accident_date": "2026-11-21",
        "place": "Parking du supermarché",
        "third_party": True,
        "third_party_details": "M. Durand, assuré chez MAIF, contrat 123",
    }


async def test_linear_transcript_of_a_quote(api, token_store, coralie_token, demo_session):
    """Envoyer un devis: the acts of the domain chosen, no further line after « Aucun », and the estimate
    said at once in euros (Coralie's contract has a 100 % Santé line too: the estimate uses the « libre »
    one, the basket the engine assumes for a quote)."""
    answers = [
        "5",  # Devis
        "3",  # Aides auditives
        "1",  # Coralie
        "Audition Conseil",
        "1",  # Aide auditive
        "1200",
        "2",  # Aucun: lines 3 and 4 are not asked
        "",  # no file
    ]
    transcript, errors = await _linear(api, token_store, coralie_token, answers)
    # amounts are written with no-break spaces (« 1 200,00 € » never split over two lines)
    assert _form_part(transcript, "Devis (demande de prise en charge)").replace("\u00a0", " ") == (
        "== Devis (demande de prise en charge) ==\n"
        "Dentaire, optique ou aides auditives : l'estimation du remboursement s'affiche dès l'envoi ; un conseiller "
        "la confirme ensuite.\n"
        "== Domaine ==\n1. Dentaire\n2. Optique\n3. Aides auditives\nVotre choix (1 à 3) :\n"
        "== Bénéficiaire ==\n" + CORALIE_FAMILY + "Professionnel (dentiste, opticien, audioprothésiste) :\n"
        "== Ligne 1 : acte ==\n1. Aide auditive (une oreille)\nVotre choix (1 à 1) :\n"
        "Ligne 1 : montant (en euros, par exemple 62,50) :\n"
        "== Ligne 2 : acte ==\n1. Aide auditive (une oreille)\n2. Aucun (ligne vide)\nVotre choix (1 à 2) :\n"
        "Le devis (fichier), chemin du fichier (facultatif : un fichier ; Entrée : aucun de plus) :\n"
        "Démarche envoyée : Devis auditif : Audition Conseil, référence D2026-000001, "
        + ACKNOWLEDGED
        + "Estimation immédiate : la mutuelle vous rembourserait 160,00 €, la Sécurité sociale 240,00 € ; il "
        "vous resterait 800,00 € à payer sur 1 200,00 €.\nUn conseiller confirmera ou corrigera ce montant.\n"
        "Aide auditive (une oreille) : 1 200,00 € ; mutuelle 160,00 € ; Sécurité sociale 240,00 € ; reste à "
        "charge 800,00 €\n"
        "Envoyée le 23 novembre 2026.\n"
    )
    assert errors == ""
    row = _created(demo_session, "quote")
    assert row.details["lines"] == [{"act": "AUDIO", "label": "Aide auditive (une oreille)", "charged": "1200.00"}]
    assert (row.estimate["amc_paid"], row.estimate["out_of_pocket"]) == ("160.00", "800.00")


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
