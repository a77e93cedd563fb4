"""THE action registry: every action of the client is declared here once, with its id, its keys and its
French description. It feeds the Textual bindings, the footer, the help screen, the command palette and
the linear mode's menus. Keys are remappable by id from the config file (see `tui.flows.config`).

Keys use Textual's key names ("ctrl+q", "f1", "question_mark"), which are plain strings: no Textual here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

# Where an action is available.
EVERYWHERE = "app"  # any screen, logged in or not
SESSION = "session"  # once logged in, on the main screens
ANONYMOUS = "anonymous"  # before logging in, on the login screen
AGENT = "agent"  # the console conseiller only (staff sessions), never in the member space
SCREEN = "screen"  # issue 10: one screen's own keys (``Action.screen`` names it; the id is "screen.name")


@dataclass(frozen=True)
class Action:
    id: str
    keys: tuple[str, ...]
    description: str
    """French, imperative or noun phrase, shown in the footer, the help and the palette."""
    context: str = EVERYWHERE
    area: str | None = None
    """The portal area this action opens; shown only when the server lists it in `Dashboard.areas`."""
    footer: bool = True
    linear: bool = True
    """Offered in the linear mode's numbered menu."""
    short: str | None = None
    """A shorter label for the footer, when the description is long."""
    screen: str | None = None
    """For console actions: the console screen that binds it (None: the console itself; "queue": the file)."""
    supervisor: bool = False
    """A supervisor's action (audit, flagged checks, conseiller accounts): hidden from other conseillers."""
    section: str | None = None
    """For a screen whose keys depend on the section shown (the profile): the one section where the key is
    live, so that the same key may serve two sections."""
    call: str | None = None
    """The Textual action the binding runs when it is not the id's last part ("answer(True)", "app.pop_screen")."""
    spoken: str | None = None
    """The entry's words in the linear mode's menus, when the description speaks of keys (which do nothing there)."""

    priority: bool = False
    """Live on every screen, modal ones included, before the focused field sees the key: Textual's priority
    bindings walk the whole chain, where a modal screen hides the app's ordinary ones (issue 19: a demo
    helper must reach the code screen and the forms that wait for a code)."""

    @property
    def menu_label(self) -> str:
        return self.spoken or self.description

    @property
    def footer_label(self) -> str:
        return self.short or self.description

    @property
    def method(self) -> str:
        """The Textual action a binding runs: a screen action's id without its screen ("claims.sort" ->
        "sort"), on the screen that binds it, unless ``call`` names another ("answer(True)", "app.pop_screen")."""
        if self.call is not None:
            return self.call
        return self.id.split(".", 1)[1] if self.context == SCREEN else self.id


ACTIONS: tuple[Action, ...] = (
    # issue 19: the footer fits 80 columns with F1 and the palette's key; what it leaves out is in the help (F1)
    Action("dashboard", ("t",), "Tableau de bord", context=SESSION, area="dashboard", footer=False),
    Action("claims", ("r",), "Mes remboursements", context=SESSION, area="claims", short="Remboursements"),
    Action("guarantees", ("g",), "Mes garanties", context=SESSION, area="guarantees", short="Garanties"),
    Action("simulator", ("s",), "Simuler un remboursement", context=SESSION, area="simulator", short="Simulateur"),
    Action(
        "guarantees_pdf",
        ("G",),
        "Télécharger mon tableau de garanties (PDF)",
        context=SESSION,
        area="guarantees",
        short="Tableau PDF",
        footer=False,
    ),
    Action(
        "saved_simulations",
        ("S",),
        "Mes simulations enregistrées",
        context=SESSION,
        area="simulator",
        short="Mes simulations",
        footer=False,
    ),
    # issue 7
    Action(
        "messaging",
        ("m",),
        "Messagerie : mes messages au service adhérent",
        context=SESSION,
        area="messaging",
        short="Messagerie",
    ),
    Action(
        "requests",
        ("d",),
        "Mes démarches : chaque demande et son statut",
        context=SESSION,
        area="requests",
        short="Démarches",
        footer=False,
    ),
    Action(
        "notifications",
        ("n",),
        "Mes notifications",
        context=SESSION,
        area="notifications",
        short="Notifications",
        footer=False,
    ),
    # issue 21: the care finder
    Action(
        "directory",
        ("a",),
        "Trouver un professionnel de santé (annuaire)",
        context=SESSION,
        area="directory",
        short="Annuaire",
        footer=False,
    ),
    Action(
        "new_request",
        ("plus",),
        "Nouvelle démarche (choisir le formulaire)",
        context=SESSION,
        area="requests",
        short="Nouvelle démarche",
        footer=False,
        linear=False,
    ),
    Action(
        "new_reimbursement",
        ("R",),
        "Demander un remboursement (facture acquittée, décompte d'une autre mutuelle)",
        context=SESSION,
        area="requests",
        footer=False,
        linear=False,
    ),
    Action("new_document", ("D",), "Dépôt de documents", context=SESSION, area="requests", footer=False, linear=False),
    Action(
        "new_accident", ("A",), "Déclarer un accident", context=SESSION, area="requests", footer=False, linear=False
    ),
    Action(
        "new_hospital",
        ("H",),
        "Prise en charge hospitalière",
        context=SESSION,
        area="requests",
        footer=False,
        linear=False,
    ),
    Action(
        "new_quote",
        ("V",),
        "Envoyer un devis (estimation du remboursement)",
        context=SESSION,
        area="requests",
        footer=False,
        linear=False,
    ),
    # issue 8
    Action(
        "profile",
        ("p",),
        "Mon profil : coordonnées, RIB, famille, carte, documents, mes données",
        context=SESSION,
        area="profile",
        short="Profil",
        footer=False,
    ),
    # issue 21: an ayant droit's own access reaches this instead of « Mon profil »
    Action(
        "access",
        ("c",),
        "Mon accès : ma carte et la confidentialité de mes soins",
        context=SESSION,
        area="access",
        short="Mon accès",
        footer=False,  # in the help, the palette and the reduced menu: the footer fits 80 columns
    ),
    # issue 19: one key on every screen that shows data (each implements ``refresh_data``), modal ones included
    Action(
        "refresh",
        ("ctrl+r", "f5"),
        "Actualiser l'écran",
        context=SESSION,
        short="Actualiser",
        footer=False,
        priority=True,
    ),
    Action("logout", ("ctrl+l",), "Se déconnecter", context=SESSION, short="Déconnexion", footer=False),
    Action(
        "help",
        ("f1", "question_mark"),
        "Aide : liste des touches",
        short="Aide",
        spoken="Aide : comment répondre, et ce menu",
    ),
    Action(
        "command_palette",
        ("ctrl+p",),
        "Palette de commandes : chercher une action par son nom",
        short="Commandes",
        footer=False,  # Textual's footer shows the palette's key on its right already
        linear=False,
    ),
    Action(
        "theme",
        ("f2",),
        "Changer de thème (couleurs du terminal, clair, contrasté)",
        short="Thème",
        footer=False,
        linear=False,
    ),
    Action("quit", ("q", "ctrl+q"), "Quitter", short="Quitter", footer=False),  # asks first (QUIT_QUESTION)
    # issue 4: the account (keys that work while typing in a field: F-keys)
    Action("activate", ("f3",), "Première connexion : activer mon compte", context=ANONYMOUS, short="1re connexion"),
    Action("forgot_password", ("f4",), "Mot de passe oublié ?", context=ANONYMOUS, short="Mot de passe oublié"),
    Action("forgot_identifier", ("f6",), "Identifiant oublié ?", context=ANONYMOUS, short="Identifiant oublié"),
    Action(
        "resend_confirmation",
        ("f5",),
        "Renvoyer l'e-mail de confirmation",
        context=ANONYMOUS,
        short="E-mail de confirmation",
    ),
    # issue 16: the link of « Ce changement vient-il de vous ? », for a member reading the mail in a terminal
    Action(
        "not_me",
        ("f12",),
        "Ce n'est pas moi : annuler un changement d'e-mail ou de mobile",
        context=ANONYMOUS,
        short="Ce n'est pas moi",
        footer=False,
    ),
    # issue 21: the diagnostic table of the seed portals, before login (tui.flows.login_help)
    Action(
        "login_help",
        ("f10",),
        "Aide à la connexion : code non reçu, compte bloqué, identifiant refusé…",
        context=ANONYMOUS,
        short="Aide à la connexion",
    ),
    Action("change_password", ("f7",), "Changer mon mot de passe", context=SESSION, short="Mot de passe", footer=False),
    Action(
        "security",
        ("f8",),
        "Mes appareils de confiance et mes sessions ouvertes",
        context=SESSION,
        short="Appareils",
        footer=False,
    ),
    Action(
        "totp_enroll",
        ("ctrl+t",),
        "Activer une application d'authentification",
        context=SESSION,
        short="Appli d'authentification",
        footer=False,
    ),
)

# issue 9: the console conseiller (context AGENT: only in a staff session; the keys are the console's own).
AGENT_ACTIONS: tuple[Action, ...] = (
    Action(
        "agent_search", ("ctrl+f",), "Nouvel appel : qui appelle ? (recherche)", context=AGENT, short="Nouvel appel"
    ),
    Action("agent_unlock", ("u",), "Débloquer l'accès de l'adhérent", context=AGENT, short="Débloquer", footer=False),
    Action(
        "agent_reset_link",
        ("l",),
        "Envoyer un lien de réinitialisation du mot de passe",
        context=AGENT,
        short="Lien mdp",
        footer=False,
    ),
    Action(
        "agent_activation",
        ("a",),
        "Renvoyer l'activation (e-mail, ou code d'accès par courrier)",
        context=AGENT,
        short="Activation",
        footer=False,
    ),
    Action(
        "agent_revoke",
        ("x",),
        "Déconnecter appareils de confiance et sessions",
        context=AGENT,
        short="Déconnecter",
        footer=False,
    ),
    Action(
        "agent_contact",
        ("c",),
        "Changer l'e-mail ou le mobile de l'adhérent",
        context=AGENT,
        short="Coordonnées",
        footer=False,
    ),
    Action(
        "agent_send_document",
        ("e",),
        "Envoyer la carte de tiers payant ou l'attestation (professionnel du réseau ou adhérent)",
        context=AGENT,
        short="Document",
        footer=False,
    ),
    Action(
        "agent_strong",
        ("v",),
        "Vérification forte : un code envoyé à l'adhérent, relu par l'appelant",
        context=AGENT,
        short="Vérif. forte",
    ),
    Action(
        "agent_alert",
        ("n",),
        "Signaler : courrier revenu NPAI, tutelle ou curatelle",
        context=AGENT,
        short="NPAI/tutelle",
        footer=False,
    ),
    Action(
        "agent_simulation",
        ("s",),
        "Simuler un remboursement sur le contrat de l'adhérent",
        context=AGENT,
        short="Simulation",
        footer=False,
    ),
    Action(
        "agent_directory",
        ("y",),
        "Trouver un professionnel de santé ou un établissement (annuaire)",
        context=AGENT,
        short="Annuaire",
        footer=False,
    ),
    Action(
        "agent_thread",
        ("m",),
        "Ouvrir une conversation dans la messagerie de l'adhérent",
        context=AGENT,
        short="Message",
        footer=False,
    ),
    Action(
        "agent_call_log",
        ("j",),
        "Noter l'appel (motif, issue, note) et le terminer",
        context=AGENT,
        short="Noter l'appel",
    ),
    Action("agent_queue", ("f",), "File d'attente : messages, réclamations, démarches", context=AGENT, short="File"),
    Action(
        "agent_take",
        ("p",),
        "Prendre l'élément de la file (l'attribuer à moi)",
        context=AGENT,
        screen="queue",
        short="Prendre",
    ),
    Action(
        "agent_answer",
        ("r",),
        "Répondre à l'adhérent ou traiter la démarche",
        context=AGENT,
        screen="queue",
        short="Répondre",
    ),
    Action(
        "agent_attachments",
        ("o",),
        "Enregistrer les pièces jointes du message (dossier Téléchargements)",
        context=AGENT,
        screen="queue",
        short="Pièces jointes",
        footer=False,
    ),
    Action(
        "agent_note",
        ("i",),
        "Écrire une note interne (hors de sa messagerie ; communiquée s'il demande ses données)",
        context=AGENT,
        screen="queue",
        short="Note interne",
    ),
    # the dossier's sections (what the member sees, then the account's security and the calls): one key each
    *(
        Action(f"agent_section_{section}", (key,), f"Dossier : {words}", context=AGENT, short=words, footer=False)
        for section, key, words in (
            ("contracts", "1", "contrats et garanties"),
            ("claims", "2", "remboursements et leur détail"),
            ("threads", "3", "messages"),
            ("requests", "4", "démarches"),
            ("profile", "5", "profil et bénéficiaires"),
            ("security", "6", "connexions, blocages, appareils, sessions"),
            ("calls", "7", "historique des appels"),
        )
    ),
    Action(
        "agent_open_item",
        ("enter",),
        "Dossier : voir le détail de la ligne choisie",
        context=AGENT,
        short="Détail",
        footer=False,
        linear=False,
    ),
    # the remboursements section shows 50 per page, as « Mes remboursements » (same + / − keys)
    Action(
        "agent_claims_next_page",
        ("plus",),
        "Remboursements : page suivante",
        context=AGENT,
        short="Page +",
        footer=False,
    ),
    Action(
        "agent_claims_previous_page",
        ("minus",),
        "Remboursements : page précédente",
        context=AGENT,
        short="Page −",
        footer=False,
    ),
    Action(
        "agent_audit",
        ("J",),
        "Journal d'audit filtré (superviseur)",
        context=AGENT,
        short="Audit",
        supervisor=True,
        footer=False,
    ),
    Action(
        "agent_flagged",
        ("V",),
        "Dossiers ouverts sur motif et canaux téléphoniques fermés (superviseur)",
        context=AGENT,
        short="Signalements",
        supervisor=True,
        footer=False,
    ),
    Action(
        "agent_staff",
        ("C",),
        "Comptes conseillers : créer, désactiver (superviseur)",
        context=AGENT,
        short="Conseillers",
        supervisor=True,
        footer=False,
    ),
)

# issue 10: the keys of one screen, in the same registry (bindings, footer, help, palette, remapping by id:
# ``[keys] "claims.sort" = "t"``). A screen names itself by ``ACTION_SCREEN`` and binds its keys with
# ``tui.bindings.screen_bindings``; the id is "screen.method" (the Textual action the binding runs, unless
# ``call`` is given). Entrée on the claims table opens the row (DataTable.RowSelected).


def _on(screen: str, *rows: tuple, **common: object) -> tuple[Action, ...]:
    """One screen's actions: (method, keys, description, short, footer[, call[, section]]) per row."""
    actions = []
    for method, keys, description, short, footer, *rest in rows:
        call = rest[0] if rest else None
        section = rest[1] if len(rest) > 1 else None
        actions.append(
            Action(
                f"{screen}.{method}",
                keys,
                description,
                context=SCREEN,
                screen=screen,
                short=short,
                footer=footer,
                call=call,
                section=section,
                **common,
            )  # type: ignore[arg-type]
        )
    return tuple(actions)


_TO_DASHBOARD = ("back", ("escape",), "Revenir au tableau de bord", "Retour", True, "app.pop_screen")
_BACK = ("back", ("escape",), "Revenir à l'écran précédent", "Retour", True)

# Mon profil: each section's actions (the same key may serve two sections, only one is shown at a time).
_PROFILE_ACTIONS = (
    ("email", "contact", "e", "Changer mon adresse e-mail"),
    ("mobile", "contact", "m", "Changer mon numéro de mobile"),
    ("address", "contact", "a", "Changer mon adresse postale"),
    ("preferences", "preferences", "c", "Choisir mes décomptes et mes notifications"),
    ("rib_reimbursement", "bank", "r", "Changer le RIB de remboursement"),
    ("rib_direct_debit", "bank", "l", "Changer le RIB de prélèvement"),
    ("family_add", "family", "j", "Ajouter un conjoint ou un enfant"),
    ("family_remove", "family", "x", "Retirer un ayant droit"),
    ("noemie", "family", "n", "Demander la télétransmission (NOEMIE)"),
    ("family_access_open", "family", "o", "Ouvrir l'accès personnel d'un ayant droit majeur"),
    ("family_access_close", "family", "w", "Fermer l'accès personnel d'un ayant droit"),
    ("care_privacy", "access", "v", "Masquer ou montrer mes soins à l'assuré principal"),
    ("card_pdf", "card", "k", "Enregistrer la carte en PDF"),
    ("card_duplicate", "card", "u", "Demander un duplicata de la carte"),
    ("certificate_pdf", "documents", "k", "Enregistrer l'attestation d'adhésion (PDF)"),
    ("reglement_pdf", "documents", "b", "Enregistrer le règlement mutualiste (PDF)"),
    ("retirement", "contract", "f", "Futur(e) retraité(e) : poser ma question à un conseiller"),
    ("termination", "contract", "z", "Résilier mon contrat en ligne"),
    ("data_export", "data", "k", "Enregistrer mes données (JSON)"),
)

# Said in the help and the palette only: the family section's footer fits 80 columns without it.
_PROFILE_HELP_ONLY = frozenset({"family_access_close"})

# Their footer words (issue 19: a section's keys fit 80 columns beside Retour and F1); the help says them whole.
_PROFILE_SHORT = {
    "email": "E-mail",
    "mobile": "Mobile",
    "address": "Adresse",
    "preferences": "Préférences",
    "rib_reimbursement": "RIB remboursement",
    "rib_direct_debit": "RIB prélèvement",
    "family_add": "Ajout",  # a noun, as « Statut », « Tri »: the footer fits 80 columns
    "family_remove": "Retirer",
    "noemie": "Télétransmission",
    "family_access_open": "Accès",
    "care_privacy": "Confidentialité",
    "card_pdf": "Carte PDF",
    "card_duplicate": "Duplicata",
    "certificate_pdf": "Attestation PDF",
    "reglement_pdf": "Règlement PDF",
    "retirement": "Retraite",
    "termination": "Résilier",
    "data_export": "Mes données",
}


def _spoken(
    actions: tuple[Action, ...], words: Mapping[str, str], hidden: frozenset[str] = frozenset()
) -> tuple[Action, ...]:
    """A screen's actions with their linear-mode words (``Action.spoken``, by method), and those the linear
    mode does not offer (``hidden``: a key that has no meaning without a screen)."""
    return tuple(
        replace(a, spoken=words.get(_name(a), a.spoken), linear=a.linear and _name(a) not in hidden) for a in actions
    )


def _name(action: Action) -> str:
    return action.id.split(".", 1)[1]


def _dispatched(actions: tuple[Action, ...], on_screen: frozenset[str]) -> tuple[Action, ...]:
    """Keys that run the flow's one dispatch (``flow('claims.status')`` on the screen, ``tui.flows.claims.run``),
    the same one the linear mode's menu runs; ``on_screen``: those the screen answers itself (Échap, Entrée on
    a row, the cursor put on the table, the détail loaded again)."""
    return tuple(a if _name(a) in on_screen else replace(a, call=f"flow('{a.id}')") for a in actions)


# Mes remboursements in the linear mode (issue 18): the same actions, said without keys nor a cursor.
_CLAIMS_SPOKEN = {
    "read": "Lire la page : une ligne par remboursement",
    "open": "Détail d'un remboursement (son numéro)",
    "back": "Revenir au menu principal",
}
_CLAIM_SPOKEN = {
    "payment_statement": "Enregistrer le relevé de prestations du paiement (PDF)",
    "documents": "Enregistrer les documents joints",
    "back": "Revenir à la liste des remboursements",
}

SCREEN_ACTIONS: tuple[Action, ...] = (
    *_spoken(
        _dispatched(
            _on(
                "claims",
                ("open", ("enter",), "Voir le détail du remboursement", "Détail", False),
                ("read", ("L",), "Lire la liste : une ligne par remboursement", "Liste", False, "focus_table"),
                ("search", ("slash",), "Chercher (acte, personne, statut, professionnel, montant)", "Chercher", True),
                ("status", ("s",), "Filtrer par statut", "Statut", True),
                ("person", ("f",), "Filtrer par bénéficiaire", "Pour", False),
                ("category", ("c",), "Filtrer par poste de soins", "Poste", False),
                ("period", ("p",), "Changer la période", "Période", True),
                ("dates", ("d",), "Choisir les dates : du … au …", "Dates", False),
                ("payee", ("v",), "Filtrer par destinataire du paiement (versé à)", "Versé à", False),
                ("regularisation", ("g",), "Filtrer les régularisations (trop-perçus)", "Régul.", False),
                ("amount", ("a",), "Filtrer par montant dépensé (de … à …)", "Montant", False),
                ("sort", ("o",), "Changer le tri", "Tri", True),
                ("reverse", ("i",), "Inverser l'ordre du tri", "Inverser", False),
                ("clear", ("x",), "Effacer les filtres", "Effacer", True),
                ("next_page", ("plus", "pagedown"), "Page suivante", "Page +", False),
                ("previous_page", ("minus", "pageup"), "Page précédente", "Page −", False),
                ("export_csv", ("e",), "Exporter la liste en CSV (tableur)", "CSV", False),
                ("period_statement", ("l",), "Relevé de prestations de la période (PDF)", "Relevé", False),
                ("annual_statement", ("y",), "Relevé annuel des prestations (PDF)", "Annuel", False),
                ("back", ("escape",), "Revenir au tableau de bord", "Retour", True),
            ),
            frozenset({"read", "open", "back"}),
        ),
        _CLAIMS_SPOKEN,
    ),
    *_spoken(
        _dispatched(
            _on(
                "claim",
                ("back", ("escape",), "Revenir à la liste des remboursements", "Retour", True),
                ("payment_statement", ("d",), "Relevé de prestations du paiement (PDF)", "Relevé PDF", True),
                ("documents", ("j",), "Enregistrer les documents joints à ce remboursement", "Documents joints", True),
            ),
            frozenset({"back"}),
        ),
        _CLAIM_SPOKEN,
    ),
    *_on(
        "dashboard",
        ("latest1", ("1",), "Voir le détail du dernier remboursement", "Remboursement 1", False, "open_latest(0)"),
        (
            "latest2",
            ("2",),
            "Voir le détail de l'avant-dernier remboursement",
            "Remboursement 2",
            False,
            "open_latest(1)",
        ),
        (
            "latest3",
            ("3",),
            "Voir le détail du 3e remboursement le plus récent",
            "Remboursement 3",
            False,
            "open_latest(2)",
        ),
    ),
    *_on(
        "guarantees",
        _TO_DASHBOARD,
        ("download_pdf", ("G",), "Télécharger mon tableau de garanties (PDF)", "Tableau PDF", True),
    ),
    *_on("simulator", _TO_DASHBOARD),
    *_on("directory", ("back", ("escape",), "Fermer l'annuaire", "Retour", True, "app.pop_screen")),  # issue 21
    *_on("saved_simulations", (*_TO_DASHBOARD[:3], "Retour", True, "app.pop_screen")),
    *_on(
        "profile",
        _TO_DASHBOARD,
        *(
            (
                id_,
                (key,),
                label,
                _PROFILE_SHORT.get(id_),
                id_ not in _PROFILE_HELP_ONLY,
                f"profile_action('{id_}')",
                section,
            )
            for id_, section, key, label in _PROFILE_ACTIONS
        ),
    ),
    *_on(
        "form",
        ("submit", ("ctrl+s",), "Envoyer le formulaire", "Envoyer", True),
        ("cancel", ("escape",), "Annuler : rien n'est envoyé", "Annuler", True),
    ),
    *_on(
        "confirm",
        ("yes", ("o",), "Répondre oui", "Oui", True, "answer(True)"),
        ("no", ("n", "escape"), "Répondre non", "Non", True, "answer(False)"),
    ),
    *_on("pick", ("back", ("escape",), "Revenir sans rien choisir", "Retour", True, "dismiss_none")),
    *_on(
        "messaging",
        _BACK,
        ("write", ("e",), "Écrire un message", None, True),
    ),
    *_on("thread", _BACK, ("reply", ("e",), "Répondre dans cette conversation", "Répondre", True, "write")),
    *_on(
        "composer",
        ("back", ("escape",), "Revenir (le brouillon est gardé)", "Retour", True),
        ("send", ("ctrl+s",), "Envoyer le message", "Envoyer", True),
        ("attach", ("ctrl+j",), "Joindre le fichier indiqué", "Joindre", True),
        ("drop_attachment", ("ctrl+d",), "Retirer la dernière pièce jointe", "Retirer", True),
    ),
    *_on("requests", _BACK, ("new_request", ("plus",), "Nouvelle démarche", None, True)),
    *_on("notifications", _BACK),
    *_on("new_request", _BACK),
    *_on(
        "request_form",
        _BACK,  # the démarche's own keys are the form's (Ctrl+S sends, Échap cancels): tui.screens.forms
    ),
    *_on("file_picker", ("cancel", ("escape",), "Annuler le choix du fichier", "Annuler", True, "dismiss_none")),
    *_on("account", ("close", ("escape",), "Revenir à l'écran précédent", "Retour", True)),
    *_on(
        "trust",
        ("yes", ("o",), "Oui, se fier à cet appareil", "Oui", True, "answer(True)"),
        ("no", ("n", "escape"), "Non merci, ne pas se fier à cet appareil", "Non merci", True, "answer(False)"),
    ),
    *_on(
        "mailbox",
        ("close", ("escape",), "Revenir à l'écran précédent", "Retour", True),
        ("reload", ("f5",), "Actualiser la boîte aux lettres", "Actualiser", True),
    ),
    *_on(
        "login_help",
        ("close", ("escape",), "Revenir à l'écran de connexion", "Retour", True),
        ("questions", ("ctrl+b",), "Revenir à la liste des questions", "Questions", True, "focus_questions"),
    ),
    *_on("help", ("close", ("escape", "f1", "question_mark", "q"), "Fermer l'aide", None, True)),
    # the console conseiller's own screens (its actions on the member are the AGENT ones above)
    *_on("agent_text", ("close", ("escape",), "Fermer et revenir à la console", "Fermer", True)),
    *_on("agent_simulator", ("back", ("escape",), "Revenir à la console", "Retour", True, "app.pop_screen")),
    *_on("agent_queue", ("back", ("escape",), "Revenir à la console", "Retour", True)),
)

QUIT_QUESTION = "Quitter ? Ce que vous avez saisi sera perdu."
"""Asked by « Quitter » when a field on screen holds something not sent (issue 19); otherwise it quits at once."""

DEMO_ACTIONS: tuple[Action, ...] = (
    Action("demo_mailbox", ("f9",), "Boîte aux lettres de démonstration", short="Courriels démo", priority=True),
)
"""Registered only in demo mode (the demo launcher sets ESPACE_DEMO_MAILDIR)."""

ACTIONS = ACTIONS + AGENT_ACTIONS + SCREEN_ACTIONS

BY_ID: dict[str, Action] = {action.id: action for action in ACTIONS}

# Characters a user may write in the config file, and Textual's names for them.
_CHARACTER_KEYS = {
    "?": "question_mark",
    "!": "exclamation_mark",
    "/": "slash",
    "+": "plus",
    "-": "minus",
    ":": "colon",
    ";": "semicolon",
    ",": "comma",
    ".": "full_stop",
    " ": "space",
}
_KEY_RE = re.compile(r"^((ctrl|shift|alt|super|meta)\+)*([a-z0-9_]+|[A-Z])$")

# How keys are written for people (help screen, palette, linear mode).
_KEY_WORDS = {
    "question_mark": "?",
    "exclamation_mark": "!",
    "slash": "/",
    "plus": "+",
    "minus": "-",
    "colon": ":",
    "semicolon": ";",
    "comma": ",",
    "full_stop": ".",
    "space": "Espace",
    "escape": "Échap",
    "enter": "Entrée",
    "tab": "Tab",
    "delete": "Suppr",
    "backspace": "Retour arrière",
    "up": "Haut",
    "down": "Bas",
    "left": "Gauche",
    "right": "Droite",
    "home": "Début",
    "end": "Fin",
    "pageup": "Page préc.",
    "pagedown": "Page suiv.",
}
_MODIFIER_WORDS = {"ctrl": "Ctrl", "shift": "Maj", "alt": "Alt", "super": "Super", "meta": "Méta"}


class InvalidKey(ValueError):
    """A key name that cannot be used; the message is French."""


def normalize_key(key: str) -> str:
    """Turn what a person writes ("Ctrl+D", "?", "F1") into Textual's key name ("ctrl+d", ...)."""
    raw = key.strip()
    if raw in _CHARACTER_KEYS:
        return _CHARACTER_KEYS[raw]
    if not raw:
        raise InvalidKey("touche vide")
    *modifiers, last = raw.split("+") if raw != "+" else ["+"]
    # A lone letter keeps its case ("D" is shift+d); after a modifier, Textual names it in lower case.
    last = _CHARACTER_KEYS.get(last, last if len(last) == 1 and not modifiers else last.lower())
    name = "+".join([m.lower() for m in modifiers] + [last])
    if not _KEY_RE.match(name):
        raise InvalidKey(f"touche inconnue : « {key} »")
    return name


def key_label(key: str) -> str:
    """A key as people read it: "ctrl+q" -> "Ctrl+Q", "question_mark" -> "?", "f1" -> "F1"."""
    *modifiers, last = key.split("+")
    if last in _KEY_WORDS:
        word = _KEY_WORDS[last]
    elif re.fullmatch(r"f\d{1,2}", last):
        word = last.upper()
    elif len(last) == 1:
        word = last.upper() if modifiers else last
    else:
        word = last.replace("_", " ")
    return "+".join([_MODIFIER_WORDS.get(m, m) for m in modifiers] + [word])


_FOOTER_WORDS = {"pageup": "PgPréc", "pagedown": "PgSuiv"}
"""Shorter than the help's words: the footer has 80 columns for a screen's keys."""


def footer_key_label(key: str) -> str:
    """A key as the footer writes it: the help's words (« Échap », « Entrée », « F1 », « Maj+Tab »), Ctrl
    as a caret as terminals write it (« ^S ») and two page keys shortened, so that a footer fits 80 columns."""
    *modifiers, last = key.split("+")
    if last in _FOOTER_WORDS and not modifiers:
        return _FOOTER_WORDS[last]
    if modifiers == ["ctrl"]:
        return "^" + key_label(last).upper()
    return key_label(key)


def keys_label(keys: Iterable[str]) -> str:
    """All the keys of an action: "F1 ou ?"."""
    return " ou ".join(key_label(k) for k in keys)


def live_contexts(action: Action) -> set[str]:
    """Where the action's keys are live: two actions clash only when they share one of these."""
    if action.context == EVERYWHERE:
        return {EVERYWHERE, SESSION, ANONYMOUS, AGENT}
    if action.context == SCREEN:  # bound on its own screen; a sectioned screen's keys in their section only
        return {f"{SCREEN}:{action.screen}" + (f":{action.section}" if action.section else "")}
    if action.context == AGENT and action.screen is not None:
        return {f"{AGENT}:{action.screen}"}  # bound on its own screen (the queue)
    if action.context == SESSION and action.area is None:
        return {SESSION, AGENT}  # logout, refresh, password… are live in the console too
    return {action.context}


@dataclass(frozen=True)
class Registry:
    """The actions with their keys after the user's remapping."""

    actions: tuple[Action, ...] = ACTIONS

    def __getitem__(self, action_id: str) -> Action:
        for action in self.actions:
            if action.id == action_id:
                return action
        raise KeyError(action_id)

    def remapped(self, keymap: Mapping[str, tuple[str, ...]]) -> Registry:
        return Registry(tuple(replace(a, keys=keymap[a.id]) if a.id in keymap else a for a in self.actions))

    def available(
        self,
        *,
        logged_in: bool,
        areas: Iterable[str] | None = None,
        console: bool = False,
        supervisor: bool = False,
        screen: str | None = None,
        section: str | None = None,
    ) -> tuple[Action, ...]:
        """The actions a person can use now, each key once (issue 19): session actions once logged in, on
        the dashboard (elsewhere the app leaves them off), areas the server lists; in the console
        conseiller (``console``), its actions instead of the member areas; a sectioned screen's keys of
        the ``section`` shown; a key the screen binds itself is its own (the app's action loses it)."""
        area_set = set(areas) if areas is not None else None
        on_dashboard = screen in (None, "dashboard")
        result = []
        for action in self.actions:
            if action.context == SCREEN:  # the current screen's own keys, listed first by the help
                if screen is not None and action.screen == screen and action.section in (None, section):
                    result.append(action)
                continue
            if action.context == AGENT:  # the console's keys on the console, the queue's on the queue
                own_screen = screen is None if action.screen is None else screen == f"agent_{action.screen}"
                if console and own_screen and (supervisor or not action.supervisor):
                    result.append(action)
                continue
            if console and action.area is not None:
                continue
            if action.context == SESSION and (not logged_in or not on_dashboard):
                continue
            if action.context == ANONYMOUS and logged_in:
                continue
            if action.area is not None and (area_set is None or action.area not in area_set):
                continue
            result.append(action)
        return _shadowed(result)

    def keymap(self) -> dict[str, str]:
        """Binding id -> comma-separated keys, the shape Textual's `App.set_keymap` takes."""
        return {a.id: ",".join(a.keys) for a in self.actions}

    def conflicts(self) -> list[str]:
        """French sentences for keys bound to two actions of the same context."""
        seen: dict[tuple[str, str], str] = {}
        problems = []
        for action in self.actions:
            for key in action.keys:
                for context in live_contexts(action):
                    other = seen.get((context, key))
                    if other is not None and other != action.id:
                        problems.append(
                            f"La touche {key_label(key)} est donnée à « {self[other].description} » "
                            f"et à « {action.description} »."
                        )
                    seen[(context, key)] = action.id
        return sorted(set(problems))

    def with_demo(self, demo: bool) -> Registry:
        """The registry plus the demo-only actions when in demo mode; unchanged otherwise."""
        if not demo:
            return self
        known = {a.id for a in self.actions}
        return Registry(self.actions + tuple(a for a in DEMO_ACTIONS if a.id not in known))


def _shadowed(actions: list[Action]) -> tuple[Action, ...]:
    """A key bound by the screen runs the screen's action (Textual looks at the screen before the app):
    the app's action keeps its other keys, or is left out when it has none."""
    own = {key for action in actions if action.context == SCREEN for key in action.keys}
    result = []
    for action in actions:
        if action.context != SCREEN and own.intersection(action.keys):
            keys = tuple(key for key in action.keys if key not in own)
            if not keys:
                continue
            action = replace(action, keys=keys)
        result.append(action)
    return tuple(result)


DEFAULT_REGISTRY = Registry()
