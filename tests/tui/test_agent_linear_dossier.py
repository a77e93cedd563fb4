"""The console conseiller's dossier and actions in the linear mode, against the real server app and the
demo world: Gaëlle LE GOFF found by her compound surname typed « prénom nom », her dossier read section
by section as labelled records (reimbursements with their détail, messages, démarches, profile, access,
calls), then the strong verification and the carte de tiers payant emailed to a pharmacy of the network, a
courrier NPAI alert and a conversation opened for her (at once in her messages); each leaves its audit row and
tells her by email. A simulation of two acts of one care for
her son, asked like her own simulator. Then a whole call ending in the queue: a message answered."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

from sqlmodel import select

from fixtures.world import AGENT_TOTP
from models.domain.money import format_eur
from models.tables import (
    Account,
    AuditEvent,
    Beneficiary,
    MailAttachment,
    MailOutbox,
    Member,
    MemberAlert,
    Message,
    MessageThread,
)
from server.clock import paris_today
from server.services import guarantees
from tui.linear import LinearClient
from tui.linear.face import RECAP

from .conftest import ScriptedInput, code_from_outbox, identity_answers, menu_number, recap_send
from .test_agent_linear import JULIEN, NEW_CALL, answers_of, login, whole_call

SECTIONS = (
    "Dossier : contrats et garanties",
    "Dossier : remboursements et leur détail",
    "Dossier : messages",
    "Dossier : démarches",
    "Dossier : profil et bénéficiaires",
    "Dossier : connexions, blocages, appareils, sessions",
    "Dossier : historique des appels",
)


def gaelle_call(out: io.StringIO, clock, right: dict[str, str]) -> list:
    return [
        *login(out, JULIEN, AGENT_TOTP, clock),
        menu_number(out, NEW_CALL),
        "gaelle le-goff",
        "1",
        menu_number(out, "L'adhérent"),
        *answers_of(right),
        recap_send(out),
    ]


def section(out: io.StringIO, index: int) -> Callable[[], str]:
    return menu_number(out, SECTIONS[index])


async def run(api, token_store, answers: list, errors: str = "") -> str:
    stdout, stderr = answers[0], io.StringIO()
    code = await LinearClient(
        api, stdin=ScriptedInput(answers[1]), stdout=stdout, stderr=stderr, token_store=token_store
    ).run()
    print(stdout.getvalue())
    assert (code, stderr.getvalue()) == (0, errors)
    assert "\x1b" not in stdout.getvalue()
    return stdout.getvalue()


def act(out: io.StringIO, action: str, *fields, reason: str = "Demande de l'adhérente") -> list:
    # the recap is the read-back: Entrée there sends, no « Confirmer … ? » after it (issue 18)
    return [menu_number(out, action), *fields, reason, "", recap_send(out)]


async def test_the_dossier_sections_and_the_actions_for_the_member(api, token_store, demo_session, clock):
    gaelle = demo_session.exec(select(Member).where(Member.member_number == "3810391")).one()
    out = io.StringIO()
    answers = [
        *gaelle_call(out, clock, identity_answers(demo_session, "3810391")),
        *(section(out, i) for i in (0, 4, 5, 6)),
        section(out, 1),
        menu_number(out, "Voir le détail d'un remboursement (par son numéro)"),
        "1",
        "",
        menu_number(out, "Remboursements : page suivante"),  # 58 reimbursements: page 2 holds 51 to 58
        menu_number(out, "Voir le détail d'un remboursement (par son numéro)"),
        "51",
        "",
        menu_number(out, "Retour au dossier"),
        section(out, 2),  # no conversation yet
        section(out, 3),
        menu_number(out, "Vérification forte : un code envoyé à l'adhérent, relu par l'appelant"),
        menu_number(out, "par e-mail (g****f@example.fr)"),
        lambda: code_from_outbox(demo_session, "gaelle.legoff@example.fr"),
        menu_number(out, "Envoyer la carte de tiers payant ou l'attestation (professionnel du réseau ou adhérent)"),
        *(
            menu_number(out, "Carte de tiers payant"),
            menu_number(out, "Un professionnel du réseau (n° FINESS)"),
            "6300001",  # a FINESS number too short: said at once, and only it asked again
            UNKNOWN_FINESS,  # a right number, of no professional of the network: the server says so…
            menu_number(out, "Aucun"),
            "Demande de l'adhérente",
            "",
            recap_send(out),
            "630000149",  # … and only the FINESS number is asked again, the other answers kept
            recap_send(out),
        ),
        *act(
            out,
            "Signaler : courrier revenu NPAI, tutelle ou curatelle",
            menu_number(out, "Courrier revenu NPAI (n'habite pas à l'adresse indiquée)"),
            "",
            reason="Courrier revenu",
        ),
        *act(
            out,
            "Ouvrir une conversation dans la messagerie de l'adhérent",
            "Suite à votre appel",
            "Bonjour, voici le justificatif demandé.",
        ),
        section(out, 2),
        "1",
        "",
        menu_number(out, "Fin de l'appel sans le noter : revenir à l'accueil de la console"),
        menu_number(out, "Quitter"),
    ]
    text = await run(api, token_store, [out, answers], errors=FINESS_TOO_SHORT + FINESS_UNKNOWN)
    assert "== Dossier et actions pour Gaëlle LE GOFF ==\n1. Dossier : contrats et garanties\n" in text
    card = text.split("== Envoyer la carte de tiers payant ou l'attestation ==\n", 1)[1].split(RECAP, 1)[0]
    assert card.count("== Document ==") == 1 and card.count("== À qui ==") == 1  # the choices not asked again
    refused = text.split("== Envoyer la carte de tiers payant ou l'attestation ==\n")[2].split("\n== Dossier et", 1)[0]
    assert "Confirmer :" not in text  # each action read back once: the recap
    assert f"(Entrée : {UNKNOWN_FINESS}) :" in refused and "== Document ==" not in refused
    assert "\n5. Motif (dit par l'appelant) : Demande de l'adhérente\n" in refused  # kept, read back
    assert (
        "N° FINESS du professionnel (9 caractères ; l'adresse est celle que la mutuelle a pour lui) (Entrée : 6300001)"
        in card
    )
    for title in ("Contrats et garanties", "Profil", "Connexions et appareils", "Appels", "Remboursements"):
        assert f"\n== {title} ==\n" in text
    assert "Personnes couvertes : Gaëlle LE GOFF (assuré principal), Nolan LE GOFF (enfant)\n" in text  # of her
    assert "(vous)" not in text and "votre employeur" not in text  # the console speaks of the member
    assert "\nBénéficiaire 2 : Nolan LE GOFF ; Enfant ; né(e) le " in text
    # issue 21: who in the household has an account
    assert "\nComptes du foyer (accès à l'Espace Adhérent) :\nGaëlle LE GOFF (assuré principal) : actif\n" in text
    assert "\nNolan LE GOFF (enfant) : pas de compte\n" in text
    assert "\nConnexions récentes : " in text and "\nAucun appel noté.\n" in text
    claims = text.split("\n== Remboursements ==\n", 1)[1]
    assert claims.startswith("58 remboursements ; Dépensé : ") and claims.splitlines()[0].endswith("; Page 1 sur 2")
    assert "\n1. Date : 8 novembre 2026 ; Pour : Nolan LE GOFF ; Acte : Consultation chez le médecin" in claims
    assert "\n== Pourquoi ce reste à charge ? ==\n" in claims  # the member's détail, as she reads it
    page_two = claims.split("\n58 remboursements ; ", 1)[1]
    assert page_two.splitlines()[0].endswith("; Page 2 sur 2") and "\n51. Date : " in page_two
    assert "\n58. Date : " in page_two and "\n59. " not in page_two
    assert "Numéro pour le détail (51 à 58, Entrée : retour)" in page_two
    assert page_two.count("\n== Pourquoi ce reste à charge ? ==\n") == 1
    assert "== Remboursements, Page 2 sur 2 ==" in page_two and "Remboursements : page précédente" in page_two
    assert "\n== Messages ==\nAucune conversation.\n" in text
    thread = text.rsplit("\n== Messages ==\n", 1)[1]
    assert thread.startswith("1 conversation\n1. Non lu (1) ; Suite à votre appel ; ")  # a summary, then unread
    assert "\nSujet : Suite à votre appel\n" in thread and "\nBonjour, voici le justificatif demandé.\n" in thread
    # the server's side: an audit row each, "done for" Gaëlle, and the emails
    demo_session.expire_all()
    audit = demo_session.exec(select(AuditEvent).where(AuditEvent.target_id == str(gaelle.id))).all()
    actions = {e.action for e in audit}
    assert {"agent_document_sent", "agent_alert_recorded", "agent_thread_opened", "strong_verified"} <= actions
    read = {e.detail.get("section") for e in audit if e.action == "dossier_read"}
    assert {"guarantees", "claims", "claim", "threads", "thread", "requests"} <= read
    card = demo_session.exec(
        select(MailOutbox).where(MailOutbox.to == "contact@pharmacie-du-centre.demo.invalid")
    ).one()
    assert demo_session.exec(select(MailAttachment).where(MailAttachment.mail_id == card.id)).all()
    told = {m.subject for m in demo_session.exec(select(MailOutbox).where(MailOutbox.to == gaelle.email)).all()}
    assert told == {
        "Votre code de vérification pour votre appel",
        "Votre carte de tiers payant a été envoyée",
        "Votre adresse postale est-elle à jour ?",  # the NPAI alert asks her to update it in Mon profil
        "Espace Adhérent : Nouveau message du service adhérent",  # an outgoing message: no accusé de réception
    }
    alert = demo_session.exec(select(MemberAlert).where(MemberAlert.member_id == gaelle.id)).one()
    assert (alert.kind, alert.cleared_at) == ("npai", None)
    opened = demo_session.exec(select(MessageThread).where(MessageThread.member_id == gaelle.id)).one()
    assert opened.subject == "Suite à votre appel"


SIMULATION = "Simuler un remboursement sur le contrat de l'adhérent"
UNKNOWN_FINESS = "630000008"  # its check digit is right; no professional of the network has it
FINESS_UNKNOWN = (
    f"Erreur : N° FINESS {UNKNOWN_FINESS} : ce professionnel n'est pas dans le réseau de tiers payant : nous "
    "n'avons pas d'adresse vérifiée pour lui. L'adhérent peut télécharger le document dans son Espace Adhérent "
    "et le transmettre lui-même.\n"
)
FINESS_TOO_SHORT = (
    "Erreur : N° FINESS : le n° FINESS compte 9 caractères : 9 chiffres (2A ou 2B en tête pour la Corse).\n"
)
WHOLE_CALL_ERRORS = (  # the three mistakes the whole call walks (test_agent_linear.whole_call)
    "Erreur : Numéro invalide : « 9 ». Tapez un nombre de 1 à 2.\n"
    "Erreur : Date de naissance de l'adhérent : écrivez la date sous la forme JJ/MM/AAAA. Rien n'a été compté : "
    "corrigez la réponse, puis validez.\n"
    "Erreur : Motif : 3 caractères au moins (il est écrit au journal, « pour » l'adhérent).\n"
)
GENERALISTE, SPECIALISTE = "Consultation chez le médecin généraliste", "Consultation chez un spécialiste"


async def test_a_simulation_of_several_acts_asked_like_the_members_simulator(api, token_store, demo_session, clock):
    """Two acts of one care for Nolan, asked as Gaëlle's own simulator asks them (for whom by name, poste,
    act found by a few letters, amount, dépassements, OPTAM): « Je ne sais pas » cannot be an act of a care,
    so the question is asked again; the motif is required. One simulation of both acts, read out act by act
    with the amounts the server computes for her contract, then the totals; audited and emailed to her."""
    gaelle = demo_session.exec(select(Member).where(Member.member_number == "3810391")).one()
    nolan = demo_session.exec(
        select(Beneficiary).where(Beneficiary.member_id == gaelle.id, Beneficiary.first_name == "Nolan")
    ).one()
    care = [
        {"beneficiary_id": str(nolan.id), "act": "G", "charged": "30.00", "sector": "1"},
        {"beneficiary_id": str(nolan.id), "act": "CS", "charged": "50.00", "sector": "1"},
    ]
    expected = guarantees.member_simulation(demo_session, gaelle, care, paris_today(clock))
    out = io.StringIO()
    answers = [
        *gaelle_call(out, clock, identity_answers(demo_session, "3810391")),
        menu_number(out, SIMULATION),
        menu_number(out, "Nolan LE GOFF"),
        menu_number(out, "Consultations et soins courants"),
        "generaliste",
        menu_number(out, GENERALISTE),
        "30",
        menu_number(out, "Oui"),  # dépassements: oui
        menu_number(out, "Je ne sais pas"),  # OPTAM: a range, not one act of the care
        menu_number(out, "Non"),  # asked again: no dépassements after all
        menu_number(out, "Oui"),  # Ajouter un autre acte ?
        menu_number(out, "Consultations et soins courants"),
        "specialiste",
        menu_number(out, SPECIALISTE),
        "50",
        menu_number(out, "Non"),
        menu_number(out, "Non"),  # no other act
        "ok",  # a motif too short: said, asked again with it offered back
        "Combien pour Nolan ?",
        "T-7",
        recap_send(out),  # the motif and the ticket read back before the simulation is sent
        menu_number(out, "Fin de l'appel sans le noter : revenir à l'accueil de la console"),
        menu_number(out, "Quitter"),
    ]
    text = await run(
        api,
        token_store,
        [out, answers],
        errors=(
            "Erreur : La simulation d'un conseiller porte sur un cas précis : répondez Oui ou Non à la question "
            "sur les dépassements d'honoraires (et sur l'OPTAM) ; « Je ne sais pas » donnerait une fourchette.\n"
            "Erreur : Motif : 3 caractères au moins (il est écrit au journal, « pour » l'adhérent).\n"
        ),
    )
    asked = text.split(f"\n== {SIMULATION} ==\n", 1)[1]
    assert "(Entrée : ok)" in asked  # the motif typed is offered back, not thrown away
    assert "\n1. Motif (dit par l'appelant) : Combien pour Nolan ?\n2. Référence de ticket : T-7\n" in asked
    assert asked.startswith("== Pour qui ? ==\n1. Gaëlle LE GOFF\n2. Nolan LE GOFF\n")  # names, not numbers
    assert "Code de l'acte" not in text and "\n== Quel poste de soins ? ==\n" in asked
    assert asked.count("Votre médecin pratique-t-il des dépassements d'honoraires ?") == 3  # once asked again
    assert f"\nActes ajoutés (1) : {GENERALISTE}, 30,00\u00a0€\n== Ajouter un autre acte ? ==\n" in asked
    assert f"\nActes ajoutés (2) : {GENERALISTE}, 30,00\u00a0€ ; {SPECIALISTE}, 50,00\u00a0€\n" in asked
    lines = asked.split("\nRésultat de la simulation\n", 1)[1].splitlines()
    assert "son résumé lui est envoyé par e-mail" in asked.split("\nRésultat de la simulation\n", 1)[0]
    for number, (label, figures) in enumerate(zip((GENERALISTE, SPECIALISTE), expected, strict=True), start=1):
        at = lines.index(f"Acte {number} : {label}")
        assert lines[at + 1] == f"  Sécurité sociale : {format_eur(Decimal(figures['amo_paid']))}"
        rest = f"  Reste à charge de l'adhérent : {format_eur(Decimal(figures['out_of_pocket']))}"
        assert rest in lines[at : at + 6]
    totals = {
        key: format_eur(sum(Decimal(f[key]) for f in expected)) for key in ("amo_paid", "amc_paid", "out_of_pocket")
    }
    total = next(line for line in lines if line.startswith("Total : "))
    assert total == (
        f"Total : Sécurité sociale : {totals['amo_paid']} ; Mutuelle : {totals['amc_paid']} ; "
        f"Reste à charge de l'adhérent : {totals['out_of_pocket']}"
    )
    demo_session.expire_all()
    audit = demo_session.exec(select(AuditEvent).where(AuditEvent.action == "agent_simulation")).one()
    assert (audit.target_id, audit.detail["reason"], audit.detail["lines"]) == (
        str(gaelle.id),
        "Combien pour Nolan ?",
        2,
    )
    told = select(MailOutbox).where(
        MailOutbox.to == gaelle.email, MailOutbox.subject == "Votre simulation de remboursement"
    )
    mail = demo_session.exec(told).one()
    assert "pour Nolan LE GOFF" in mail.body
    for label, charged, figures in zip((GENERALISTE, SPECIALISTE), ("30,00", "50,00"), expected, strict=True):
        assert (
            f"- {label}, {charged}\u00a0€ facturés : Sécurité sociale {format_eur(Decimal(figures['amo_paid']))}, "
            in mail.body
        )
    assert f"reste à votre charge {totals['out_of_pocket']}." in mail.body.split("Au total : ")[1]


async def test_a_whole_call_then_a_message_answered_from_the_queue(
    api, token_store, demo_session, clock, tmp_path, monkeypatch
):
    monkeypatch.setenv("ESPACE_DOWNLOAD_DIR", str(tmp_path))
    from server.services.agent.queue import queue

    julien = demo_session.exec(select(Account).where(Account.login_email == JULIEN)).one()
    items = queue(demo_session, clock, julien).items
    index, waiting = next((i, x) for i, x in enumerate(items) if x.kind == "thread" and x.category != "reclamation")
    out = io.StringIO()
    answers = [
        *whole_call(out, clock, identity_answers(demo_session, "3810522"))[:-1],  # a call, logged; then the queue
        menu_number(out, "File d'attente : messages, réclamations, démarches"),
        str(index + 1),
        menu_number(out, "Enregistrer les pièces jointes du message (dossier Téléchargements)"),
        menu_number(out, "Répondre à l'adhérent ou traiter la démarche"),
        "Bonjour, voici la réponse du conseiller.",
        "",  # back from the queue, read again without the message answered
        menu_number(out, "Se déconnecter"),
    ]
    text = await run(api, token_store, [out, answers], errors=WHOLE_CALL_ERRORS)
    assert "Compte débloqué ; appareils de confiance et sessions déconnectés.\n" in text
    assert f"\n{index + 1}. Type : " in text and f"Objet : {waiting.title}" in text
    # Léa's message, as the conseiller reads it: hers (not « Vous »), with the attestation she joined
    assert "\nRIMON Léa : Bonjour, je vous joins mon attestation de droits" in text and "\nVous : " not in text
    assert "\nPièce jointe : attestation-droits-rimon.pdf (" in text
    saved = tmp_path / "attestation-droits-rimon.pdf"  # the member's attachment, opened by the conseiller
    assert f"Fichier joint enregistré : {saved}" in text and saved.read_bytes().startswith(b"%PDF")
    demo_session.expire_all()
    thread = demo_session.get(MessageThread, waiting.id)
    assert thread.status == "answered"
    last = demo_session.exec(
        select(Message).where(Message.thread_id == waiting.id).order_by(Message.id.desc())  # type: ignore[union-attr]
    ).first()
    assert (last.body, last.author_account_id) == ("Bonjour, voici la réponse du conseiller.", julien.id)
    answered = demo_session.exec(select(AuditEvent).where(AuditEvent.action == "thread_answered")).all()
    assert [e.actor_account_id for e in answered] == [julien.id]
