"""« Mon profil » without Textual: the sections, each rendered as plain lines (statuses in words), the
carte de tiers payant drawn with box characters, and every action of the profile (``ACTIONS``: e-mail,
mobile, address with its justificatif, préférences, RIB with the step-up code, ayants droit, NOEMIE,
duplicata, résiliation, futur(e) retraité(e), PDFs and Mes données saved to the downloads folder).

An action is a coroutine ``run(action_id, api, face)``: it asks through ``face.form`` (a ``Form`` of
``Ask`` fields, checked by ``problem`` on both faces, and by ``Form.check`` as the member types), asks a
yes/no with ``face.confirm``, and says the outcome with ``face.say``. The full-screen client and the
linear mode are the two ``Face`` implementations; the rules (what to ask, in which order, what to check,
when nothing is sent) live here only. Creating calls carry an ``Idempotency-Key`` (``tui.api.profile``)."""

from __future__ import annotations

import textwrap
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from models.domain.contact import ContactError, validate_bic, validate_iban
from models.domain.dates import format_date
from models.domain.identifiers import spaced_nir
from models.domain.money import format_eur
from models.schemas.common import (
    AccountState,
    ContractKind,
    DocumentType,
    NoemieLinkState,
    Relationship,
    RequestStatus,
    Sex,
)
from models.schemas.profile import (
    NO_STEP_UP_CODE_PENDING,
    Address,
    AddressChange,
    BankAccountIn,
    BankAccountOut,
    Card,
    FamilyAdd,
    FamilyRemove,
    Justificatif,
    NoemieActivation,
    NotificationChannel,
    Preferences,
    RetirementQuestion,
    StatementChannel,
    StepUpChallenge,
    TerminationCreate,
    UnionKind,
)
from tui.api import errors
from tui.api.profile import ProfileApi
from tui.clock import paris
from tui.flows import retry
from tui.flows.actions import SCREEN_ACTIONS
from tui.flows.attachments import load_attachment
from tui.flows.claims import download_dir, save_download, saved_sentence
from tui.flows.forms import (
    CHOICE,
    CODE,
    DATE,
    DATE_HINT,
    FILE,
    LONG,
    NOTHING_SENT,
    Ask,
    Face,
    Form,
    Values,
)
from tui.flows.request_forms import parse_date
from tui.flows.wording import born_word, instalment_words, status_words


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    actions: tuple[str, ...] | None = None
    """The actions offered in this section to this viewer (None: all the section's): the server refuses
    the others to them, so neither face offers them."""


SECTIONS: tuple[Section, ...] = (
    Section("contact", "Coordonnées"),
    Section("preferences", "Préférences"),
    Section("bank", "RIB de remboursement et de prélèvement"),
    Section("family", "Ayants droit et télétransmission"),
    Section("contributions", "Cotisations"),
    Section("card", "Carte de tiers payant"),
    Section("documents", "Attestation et documents contractuels"),
    Section("contract", "Vie du contrat"),
    Section("data", "Mes données"),
    Section("security", "Sécurité"),
)
HEADING = "Mon profil"
# issue 21: the page of an ayant droit's own access (the same screen, fewer sections: nothing of the
# assuré principal's — no coordonnées, RIB, family, cotisations or contract)
# The card's duplicata is the assuré principal's request (the server answers 403 to an ayant droit's own
# access): the beneficiary's card section offers the PDF only.
BENEFICIARY_SECTIONS: tuple[Section, ...] = (
    Section("access", "Mon accès et mes soins"),
    Section("card", "Carte de tiers payant", actions=("card_pdf",)),
    Section("security", "Sécurité"),
)
BENEFICIARY_HEADING = "Mon accès"
LOADING = "Chargement…"
SECURITY_LINES = [
    "Votre mot de passe, votre application d'authentification, vos appareils de confiance et vos sessions :",
    "F7 : changer mon mot de passe",
    "F8 : mes appareils de confiance et mes sessions ouvertes",
    "Ctrl+T : activer une application d'authentification (code à 6 chiffres)",
]
DATA_LINES = [  # one sentence, one line: the screen wraps it to its width
    "Tout ce que l'espace conserve sur vous (identité, contrats, remboursements, démarches, messages, RIB, "
    "connexions) en un fichier JSON, comme le prévoit le RGPD (droit d'accès et de portabilité).",
]


ACCESSES_HEADING = "Qui a consulté ou agi sur votre dossier (service adhérent) :"
NO_ACCESS = "Personne du service adhérent n'a consulté votre dossier."


def access_lines(items: list[Any]) -> list[str]:
    """« Qui a consulté mon dossier » in words: who, when, what, the reason given, the exact address used."""
    if not items:
        return [ACCESSES_HEADING, NO_ACCESS]
    lines = [ACCESSES_HEADING]
    for item in items:
        local = item.at.astimezone(paris())
        line = f"{format_date(local.date())} à {local.hour} h {local:%M} : {item.who} {item.what}"
        line += f" ; motif : {item.why}" if item.why else ""
        line += f" ; envoyé à {item.sent_to}" if item.sent_to else ""
        lines.append(line)
    return lines


DOCUMENT_WHERE = {  # documents whose key is in another section or screen: say where to get them
    "/api/v1/me/guarantees/pdf": " – à enregistrer depuis « Mes garanties »",
    "/api/v1/me/card/pdf": " – à enregistrer depuis la rubrique « Carte de tiers payant »",
}


def _lower_first(text: str) -> str:
    """« Par SMS » -> « par SMS » (lower() would say « par sms »)."""
    return text[:1].lower() + text[1:]


def _bank_line(row: BankAccountOut) -> str:
    who = row.beneficiary_name or "tout le contrat"
    line = f"{row.iban_masked} – {row.bic} – titulaire {row.holder} – pour {who} – depuis le {format_date(row.since)}"
    if row.mandate_rum:
        signed = format_date(row.mandate_signed_on) if row.mandate_signed_on else "?"
        line += f" – mandat SEPA {row.mandate_rum} signé le {signed}"
    return line


def draw_card(card: Card, width: int = 76, *, boxed: bool = True) -> list[str]:
    """The card as a box: what the pharmacist keys in, then one line per beneficiary. Unboxed (the linear
    mode): the same lines without the frame, which a braille display shows as rows of dots."""
    if not card.available:
        return [card.message or "Carte non valable."]
    if not boxed:
        return _card_lines(card)
    inner = width - 4
    valid = (
        f"du {format_date(card.valid_from)} au {format_date(card.valid_to)}"
        if card.valid_from and card.valid_to
        else ""
    )

    def row(text: str) -> str:
        return "\n".join(f"│ {part.ljust(inner)} │" for part in textwrap.wrap(text, inner) or [""])

    lines = [
        "┌" + "─" * (width - 2) + "┐",
        row(f"CARTE DE TIERS PAYANT – valable {valid}"),
        row(f"N° AMC {card.amc_number}   Opérateur {card.operator}   N° adhérent {card.member_number}"),
        "├" + "─" * (width - 2) + "┤",
    ]
    for b in card.beneficiaries:
        lines.append(row(f"{b.name} – né(e) le {format_date(b.birth_date)}"))
        lines.append(row(f"   NIR {spaced_nir(b.nir)}"))  # a row of its own: never cut in the middle
        lines.append(row("   " + " ".join(b.domains)))
    lines.append("└" + "─" * (width - 2) + "┘")
    lines.append("Domaines : " + " ; ".join(f"{k} {v}" for k, v in card.domains_legend.items()))
    return lines


def _card_lines(card: Card) -> list[str]:
    title = "Carte de tiers payant"
    if card.valid_from and card.valid_to:
        title += f", valable du {format_date(card.valid_from)} au {format_date(card.valid_to)}"
    lines = [
        title,
        f"N° AMC : {card.amc_number} ; opérateur : {card.operator} ; n° adhérent : {card.member_number}",
    ]
    for b in card.beneficiaries:
        lines.append(f"{b.name}, date de naissance {format_date(b.birth_date)} ; NIR : {spaced_nir(b.nir)}")
        lines.append("Domaines : " + " ".join(b.domains))
    lines.append("Légende des domaines : " + " ; ".join(f"{k} {v}" for k, v in card.domains_legend.items()))
    return lines


async def section_lines(api: ProfileApi, section: str, *, width: int = 76, boxed: bool = True) -> list[str]:
    if section == "contact":
        p = await api.profile()
        lines = [
            f"{p.first_name} {p.last_name} – n° adhérent {p.member_number} – "
            f"{born_word(p.sex)} le {format_date(p.birth_date)}"
        ]
        if p.address:
            lines.append(
                "Adresse : "
                + ", ".join(
                    x for x in (p.address.line1, p.address.line2, f"{p.address.postal_code} {p.address.city}") if x
                )
            )
        else:
            lines.append("Adresse : aucune adresse enregistrée")
        lines.append(f"E-mail : {p.email or 'aucune adresse'}")
        lines.append(f"Mobile : {p.mobile or 'aucun numéro'}")
        for pending in p.pending:
            lines.append(
                f"En attente de confirmation : {status_words(pending.channel)} {pending.destination} "
                f"(code valable jusqu'au {format_date(pending.expires_at.date())})"
            )
        if p.collective:
            lines.append(f"Contrat collectif ({p.employer or 'votre employeur'}) : prévenez aussi votre employeur.")
        return lines
    if section == "preferences":
        prefs = (await api.profile()).preferences
        return [
            f"Décomptes : {status_words(prefs.statements).lower()}",
            "Notifications : " + ", ".join(_lower_first(status_words(c)) for c in prefs.channels),
        ]
    if section == "bank":
        accounts = await api.bank_accounts()
        lines = ["RIB de remboursement :"]
        lines += [f"  {_bank_line(r)}" for r in accounts.reimbursement] or ["  aucun RIB enregistré"]
        lines.append("RIB de prélèvement des cotisations :")
        if accounts.direct_debit:
            lines.append(f"  {_bank_line(accounts.direct_debit)}")
        else:
            lines.append("  " + (accounts.message or "aucun RIB de prélèvement enregistré"))
        lines.append(
            "Changer un RIB demande un code (second facteur), qui vous laisse ensuite "
            f"{minutes_words(accounts.step_up_window_minutes)} pour enregistrer le RIB."
        )
        return lines
    if section == "family":
        family = await api.family()
        lines = list(family.notices)  # « Les soins de Samuel ne sont plus visibles ici, à sa demande. »
        for m in family.members:
            who = "vous" if m.relationship is Relationship.member else status_words(m.relationship).lower()
            lines.append(f"{m.first_name} {m.last_name} ({who}), {born_word(m.sex)} le {format_date(m.birth_date)}")
            if m.nir_masked:
                lines.append(f"  NIR {m.nir_masked}")
            lines.append(f"  {status_words(m.noemie)}")
            if m.relationship is not Relationship.member:
                lines.append(f"  {access_words(m)}")
        if family.employer_message:
            lines.append(family.employer_message)
        for r in family.requests:
            lines.append(f"Demande {r.reference} : {r.title} – {status_words(RequestStatus(r.status))}")
        return lines
    if section == "contributions":
        c = await api.contributions()
        lines = [c.message]
        if c.kind.value == "individual":
            lines.append(
                f"{c.year} : dû {format_eur(c.due_this_year)}, payé {format_eur(c.paid)}, impayé {format_eur(c.unpaid)}"
            )
            for i in c.instalments:
                lines.append(
                    f"  {format_date(i.due_date)} : {format_eur(i.amount)} – {instalment_words(i.paid, i.overdue)}"
                )
        return lines
    if section == "card":
        return draw_card(await api.card(), width, boxed=boxed)
    if section == "access":
        mine = await api.my_access()
        return [
            f"Accès personnel de {mine.first_name} {mine.last_name}, ayant droit du contrat de {mine.principal_name}.",
            "Vous y voyez vos remboursements, vos garanties, votre carte et vos messages ; ni les données ni les "
            "soins des autres personnes du contrat.",
            mine.message,
        ]
    if section == "documents":
        docs = await api.documents()
        return [f"{d.title} : {d.description}{DOCUMENT_WHERE.get(d.path, '')}" for d in docs.items]
    if section == "contract":
        lines = []
        for c in (await api.contract_life()).contracts:
            lines.append(f"{c.name} – {status_words(c.kind)} – {status_words(c.state)}")
            if c.portability_end:
                lines.append(f"  Portabilité des droits jusqu'au {format_date(c.portability_end)}")
            if c.kind is ContractKind.collective and c.retirement:
                lines.append("  Futur(e) retraité(e) :")
                lines += [f"  – {line}" for line in c.retirement]
            lines.append(f"  {c.termination_message}")
        return lines
    if section == "data":
        return DATA_LINES + access_lines((await api.dossier_accesses()).items)
    return SECURITY_LINES


def access_words(m: Any) -> str:
    """An ayant droit's own access in words (issue 21): its state, or why there can be none."""
    if m.access is not None:
        return f"Accès personnel : {status_words(m.access).lower()}"
    if m.access_allowed:
        return "Accès personnel : aucun (vous pouvez lui en ouvrir un)"
    return f"Accès personnel : aucun – {m.access_refusal}"


def check_rib(iban: str, bic: str) -> str | None:
    """The French message of the first problem, or None: the form checks as the member types."""
    try:
        compact = validate_iban(iban)
        validate_bic(bic, compact)
    except ContactError as error:
        return str(error)
    return None


def check_rib_typed(values: dict[str, Any]) -> str | None:
    """As the member types: the IBAN once something is typed, the BIC once both are (no nagging about an
    empty field until the form is sent)."""
    iban, bic = str(values.get("iban", "")).strip(), str(values.get("bic", "")).strip()
    if not iban:
        return None
    try:
        compact = validate_iban(iban)
        if bic:
            validate_bic(bic, compact)
    except ContactError as error:
        return str(error)
    return None


# -- the actions: forms, a face, one coroutine per action ---------------------------------------------------


@dataclass(frozen=True)
class ProfileAction:
    id: str
    section: str
    key: str
    label: str


# The keys and words come from the one action registry ("profile.email"…), remappable from the config file.
ACTIONS: tuple[ProfileAction, ...] = tuple(
    ProfileAction(a.id.split(".", 1)[1], a.section, a.keys[0], a.description)
    for a in SCREEN_ACTIONS
    if a.screen == "profile" and a.section is not None
)
DOWNLOADS: dict[str, tuple[str, str, str]] = {  # action id: (API path, file name, what, for the sentence)
    "card_pdf": ("/me/card/pdf", "carte-tiers-payant.pdf", "PDF de la carte de tiers payant"),
    "certificate_pdf": ("/me/certificate/pdf", "attestation-adhesion.pdf", "PDF de l'attestation d'adhésion"),
    "reglement_pdf": (
        "/me/contract-documents/reglement-mutualiste",
        "reglement-mutualiste.pdf",
        "Règlement mutualiste",
    ),
    "data_export": ("/me/data-export", "mes-donnees.json", "Fichier « Mes données »"),
}


def actions_of(section: str, sections: tuple[Section, ...] = SECTIONS) -> list[ProfileAction]:
    """The actions of a section offered to the viewer whose page has these ``sections`` (« Mon profil »
    of the assuré principal by default; ``BENEFICIARY_SECTIONS`` for an ayant droit's own access)."""
    offered = next((s.actions for s in sections if s.id == section), None)
    return [a for a in ACTIONS if a.section == section and (offered is None or a.id in offered)]


def action(action_id: str) -> ProfileAction:
    return next(a for a in ACTIONS if a.id == action_id)


@dataclass
class Keys:
    """One Idempotency-Key per submission: sending the same form again after a network error reuses it."""

    by_call: dict[str, str] = field(default_factory=dict)

    def __call__(self, call: str) -> str:
        return self.by_call.setdefault(call, str(uuid.uuid4()))


Sent = TypeVar("Sent")
KEPT = "votre demande est gardée"
SEND_AGAIN = "La renvoyer maintenant ?"
GIVEN_UP = (
    "Envoi abandonné. Avant de refaire cette demande, vérifiez si elle est arrivée "
    "(« Mes démarches », ou la rubrique de votre profil)."
)


async def _send(face: Face, call: Callable[[], Awaitable[Sent]]) -> Sent | None:
    """The action's one sending. When the server does not answer, what was typed is kept (in ``call``),
    the member is told so and asked to send again; ``call`` takes its key from ``Keys``, so a retry
    carries the same Idempotency-Key and the server records the request once. None if they give up."""
    while True:
        try:
            return await call()
        except errors.ApiError as exc:
            if not retry.is_unreachable(exc):
                raise
            if not await face.confirm(f"{retry.kept_sentence(exc, KEPT, 'vous pouvez la renvoyer')} {SEND_AGAIN}"):
                face.say(GIVEN_UP)
                return None


async def _send_and_say(face: Face, call: Callable[[], Awaitable[Any]]) -> None:
    """``_send``, then the server's French sentence (what was recorded, what happens next)."""
    done = await _send(face, call)
    if done is not None:
        face.say(done.message)


def _files(values: Values, name: str) -> list[str]:
    return list(values.get(name) or [])


def _justificatifs(values: Values, names: dict[str, DocumentType]) -> list[Justificatif]:
    return [
        Justificatif(type=kind, file=load_attachment(path))
        for name, kind in names.items()
        for path in _files(values, name)
    ]


YES_NO = (("oui", "Oui"), ("non", "Non"))


STEP_UP_REQUIRED = "step_up_required"


async def _code_change(api: ProfileApi, face: Face, channel: str, keys: Keys) -> None:
    email = channel == "email"
    first = Form(
        "Nouvelle adresse e-mail" if email else "Nouveau numéro de mobile",
        (
            (
                "Un code vous sera envoyé à la nouvelle adresse ; l'ancienne est prévenue du changement."
                if email
                else "Un code vous sera envoyé par SMS au nouveau numéro ; l'ancien est prévenu du changement."
            ),
            "Pour votre sécurité, un code de confirmation (second facteur) vous est d'abord demandé.",
        ),
        (Ask("value", "Nouvelle adresse e-mail" if email else "Nouveau numéro de mobile (ex. 06 12 34 56 78)"),),
    )
    values = await face.form(first)
    if values is None:
        return
    start = api.start_email if email else api.start_mobile
    unchanged = ("Adresse inchangée : " if email else "Numéro inchangé : ") + NOTHING_SENT.lower()
    # the same key when sent again: the server sends one code, not a second one that cancels the first
    try:
        started = await _send(face, lambda: start(values["value"], key=keys(channel)))
    except errors.Forbidden as exc:
        # issue 16: the server asks a fresh second factor first (unless one was given a few minutes ago)
        if exc.code != STEP_UP_REQUIRED:
            raise
        if not await _confirm_identity(api, face, keys, unchanged):
            return
        started = await _send(face, lambda: start(values["value"], key=keys(channel)))
    if started is None:
        return
    # said once, by the code form that asks for it (a `face.say` too made the linear mode print it twice)
    code = await face.form(
        Form("Code reçu", (started.message,), (Ask("code", "Code reçu" if email else "Code reçu par SMS", CODE),))
    )
    if code is None:
        face.say("Changement non confirmé : l'ancienne valeur reste en place.")
        return
    confirm = api.confirm_email if email else api.confirm_mobile
    # sent again with its key, a confirmation whose answer was lost gets that answer back (the code is used)
    await _send_and_say(face, lambda: confirm(code["code"], key=keys(f"{channel}_confirm")))


async def _confirm_identity(api: ProfileApi, face: Face, keys: Keys, nothing_done: str) -> bool:
    """The step-up: a code asked, then typed until the server accepts it (what the member typed before is kept
    by the caller). False when the member gives up, or must ask a new code (``nothing_done`` is said)."""
    # the same key when asked again: the server sends one code, not a second one that cancels the first
    challenge = await _send(face, lambda: api.start_step_up(key=keys("step_up")))
    if challenge is None:
        return False
    while True:
        code = await face.form(step_up_form(challenge))
        if code is None:
            face.say(nothing_done)
            return False
        typed = code["code"].strip()
        try:
            verified = await _send(face, lambda typed=typed: api.verify_step_up(typed, key=keys(f"verify:{typed}")))
        except errors.ValidationFailed as exc:
            face.error(exc.message)
            if any(d.message == NO_STEP_UP_CODE_PENDING for d in exc.details):
                face.say(nothing_done.split(" : ")[0] + " : recommencez pour recevoir un nouveau code.")
                return False
            continue  # a wrong code: what was typed is kept, only the code is asked again
        if verified is None:
            return False
        face.say(verified.message)
        return True


async def _address(api: ProfileApi, face: Face) -> None:
    profile = await api.profile()
    current = profile.address
    form = Form(
        "Nouvelle adresse postale",
        ("Pour un changement de commune, un justificatif de domicile de moins de 3 mois vous sera demandé.",),
        (
            Ask("line1", "Numéro et voie", default=current.line1 if current else ""),
            Ask("line2", "Complément (bâtiment, appartement…)", required=False),
            Ask("postal_code", "Code postal (5 chiffres)", default=current.postal_code if current else ""),
            Ask("city", "Commune", default=current.city if current else ""),
        ),
    )
    values = await face.form(form)
    if values is None:
        return
    address = Address(
        line1=values["line1"].strip(),
        line2=values.get("line2", "").strip() or None,
        postal_code=values["postal_code"].strip(),
        city=values["city"].strip(),
    )
    proof = None
    if current is None or address.postal_code.replace(" ", "") != current.postal_code.replace(" ", ""):
        files = await face.form(
            Form(
                "Justificatif de domicile",
                (
                    "Vous changez de commune : joignez un justificatif de domicile de moins de 3 mois (facture "
                    "d'énergie, de téléphone, quittance de loyer, avis d'imposition).",
                ),
                (Ask("proof", "Justificatif de domicile", FILE),),
            )
        )
        if files is None:
            face.say(NOTHING_SENT)
            return
        proof = load_attachment(files["proof"][0])
    change = AddressChange(address=address, proof=proof)
    await _send_and_say(face, lambda: api.change_address(change))


def preferences_form(current: Preferences) -> Form:
    return Form(
        "Préférences",
        ("Vos notifications restent toujours visibles dans l'espace ; choisissez aussi l'e-mail ou le SMS.",),
        (
            Ask(
                "statements",
                "Décomptes",
                CHOICE,
                (("email", "Par e-mail"), ("post", "Par courrier")),
                default=current.statements.value,
            ),
            Ask(
                "email",
                "Notifications par e-mail",
                CHOICE,
                YES_NO,
                default="oui" if NotificationChannel.email in current.channels else "non",
            ),
            Ask(
                "sms",
                "Notifications par SMS",
                CHOICE,
                YES_NO,
                default="oui" if NotificationChannel.sms in current.channels else "non",
            ),
        ),
    )


async def _preferences(api: ProfileApi, face: Face) -> None:
    values = await face.form(preferences_form((await api.profile()).preferences))
    if values is None:
        return
    channels = [NotificationChannel.portal]
    channels += [NotificationChannel.email] if values["email"] == "oui" else []
    channels += [NotificationChannel.sms] if values["sms"] == "oui" else []
    chosen = Preferences(statements=StatementChannel(values["statements"]), channels=channels)
    saved = await _send(face, lambda: api.set_preferences(chosen))
    if saved is None:
        return
    prefs = saved.preferences
    face.say(
        f"Préférences enregistrées. Décomptes : {status_words(prefs.statements).lower()} ; notifications : "
        + ", ".join(_lower_first(status_words(c)) for c in prefs.channels)
        + "."
    )


def rib_form(purpose: str, people: list[tuple[str, str]]) -> Form:
    asks = [
        Ask("iban", "IBAN", hint="ex. FR76 3000 6000 0112 3456 7890 189"),
        Ask("bic", "BIC", hint="8 ou 11 caractères, ex. BNPAFRPP"),
        Ask("holder", "Titulaire du compte"),
    ]
    if purpose == "reimbursement" and people:
        asks.append(Ask("beneficiary", "Pour qui", CHOICE, (("all", "Tout le contrat"), *people), default="all"))
    title = "RIB de prélèvement" if purpose == "direct_debit" else "RIB de remboursement"
    intro = (
        "L'IBAN et le BIC sont vérifiés pendant la saisie. Ensuite, un code de confirmation vous est demandé.",
        *(("Le nouveau mandat de prélèvement SEPA est signé en ligne.",) if purpose == "direct_debit" else ()),
    )
    return Form(title, intro, tuple(asks), check=check_rib_typed, submit="Continuer")


async def _rib(api: ProfileApi, face: Face, purpose: str, keys: Keys) -> None:
    if purpose == "direct_debit":
        accounts = await api.bank_accounts()
        if not accounts.direct_debit_allowed:
            face.say(accounts.message or "Pas de RIB de prélèvement pour votre contrat.")
            return
        people: list[tuple[str, str]] = []
    else:
        family = await api.family()
        people = [(str(m.id), f"{m.first_name} {m.last_name}") for m in family.members]
    values = await face.form(rib_form(purpose, people))
    if values is None:
        return
    who = values.get("beneficiary") or "all"
    body = BankAccountIn(
        iban=values["iban"],
        bic=values["bic"],
        holder=values["holder"],
        beneficiary_id=None if who == "all" else int(who),
    )
    if not await _confirm_identity(api, face, keys, "RIB inchangé : " + NOTHING_SENT.lower()):
        return
    if await _send(face, lambda: api.set_bank_account(purpose, body, key=keys("rib"))) is not None:
        face.say("RIB enregistré ; un e-mail vous le confirme.")


def minutes_words(minutes: int) -> str:
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def step_up_form(challenge: StepUpChallenge) -> Form:
    """The window is the server's setting (``window_minutes``), never a figure written here."""
    return Form(
        "Confirmer que c'est bien vous",
        (
            challenge.message,
            "Le code permet de modifier un RIB, votre adresse e-mail ou votre mobile pendant "
            f"{minutes_words(challenge.window_minutes)}.",
        ),
        (Ask("code", "Code de confirmation", CODE),),
    )


def family_add_form() -> Form:
    return Form(
        "Ajouter un ayant droit",
        ("La demande est étudiée par un conseiller ; les justificatifs sont demandés à l'étape suivante.",),
        (
            Ask("relationship", "Lien", CHOICE, (("child", "Enfant"), ("spouse", "Conjoint"))),
            Ask("first_name", "Prénom"),
            Ask("last_name", "Nom"),
            Ask("birth_date", "Date de naissance", DATE, hint=DATE_HINT),
            Ask("sex", "Sexe", CHOICE, (("F", "Féminin"), ("M", "Masculin"))),
            Ask(
                "union",
                "Union (conjoint)",
                CHOICE,
                (("marriage", "Mariage"), ("pacs", "PACS"), ("cohabitation", "Concubinage")),
                required=False,
                when=lambda v: v.get("relationship") == "spouse",
            ),
            Ask("nir", "N° de sécurité sociale (facultatif)", required=False),
        ),
        check=lambda v: (
            "Pour un conjoint, précisez : mariage, PACS ou concubinage."
            if v.get("relationship") == "spouse" and not v.get("union")
            else None
        ),
    )


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def family_documents(
    relationship: str, birth: date, union: str | None, today: date
) -> dict[str, tuple[str, DocumentType]]:
    """The justificatifs the mutuelle asks for (the server checks the same): field name: (words, type)."""
    if relationship == "spouse":
        union_words = {"marriage": "Acte de mariage", "pacs": "Attestation de PACS"}.get(
            union or "", "Attestation de concubinage"
        )
        return {
            "union_doc": (f"{union_words} de moins de 3 mois", DocumentType.union_certificate),
            "amo_doc": (
                "Attestation de droits de l'Assurance Maladie du conjoint",
                DocumentType.amo_rights_certificate,
            ),
        }
    documents = {"birth_doc": ("Acte de naissance (ou livret de famille)", DocumentType.birth_certificate)}
    if _age(birth, today) >= 16:
        documents["school_doc"] = ("Certificat de scolarité (plus de 16 ans)", DocumentType.school_certificate)
    return documents


async def _family_allowed(api: ProfileApi, face: Face) -> Any:
    family = await api.family()
    if not family.requests_allowed:
        face.say((family.employer_message or "Aucune demande n'est possible en ligne.") + " " + NOTHING_SENT)
        return None
    return family


async def _family_add(api: ProfileApi, face: Face, today: date, keys: Keys) -> None:
    if await _family_allowed(api, face) is None:
        return
    values = await face.form(family_add_form())
    if values is None:
        return
    birth = parse_date(values["birth_date"]) or today
    documents = family_documents(values["relationship"], birth, values.get("union") or None, today)
    files = await face.form(
        Form(
            "Justificatifs",
            ("PDF, JPEG ou PNG, 10 Mo au plus en tout.",),
            tuple(Ask(name, words, FILE) for name, (words, _) in documents.items()),
        )
    )
    if files is None:
        face.say(NOTHING_SENT)
        return
    body = FamilyAdd(
        relationship=Relationship(values["relationship"]),
        first_name=values["first_name"].strip(),
        last_name=values["last_name"].strip(),
        birth_date=birth,
        sex=Sex(values["sex"]),
        nir=values.get("nir", "").strip() or None,
        union=UnionKind(values["union"]) if values.get("relationship") == "spouse" and values.get("union") else None,
        justificatifs=_justificatifs(files, {name: kind for name, (_, kind) in documents.items()}),
    )
    await _send_and_say(face, lambda: api.family_add(body, key=keys("family_add")))


async def _family_remove(api: ProfileApi, face: Face, keys: Keys) -> None:
    family = await _family_allowed(api, face)
    if family is None:
        return
    people = tuple(
        (str(m.id), f"{m.first_name} {m.last_name}")
        for m in family.members
        if m.relationship is not Relationship.member
    )
    if not people:
        face.say("Aucun ayant droit à retirer : vous êtes seul(e) sur le contrat.")
        return
    values = await face.form(
        Form(
            "Retirer un ayant droit",
            ("Un conseiller étudie la demande et vous répond dans « Mes démarches ».",),
            (
                Ask("beneficiary", "Qui", CHOICE, people),
                Ask("reason", "Motif (ex. mutuelle de son employeur, divorce)", LONG),
                Ask("files", "Justificatif (facultatif)", FILE, required=False),
            ),
        )
    )
    if values is None:
        return
    name = dict(people)[values["beneficiary"]]
    if not await face.confirm(f"Demander le retrait de {name} ?"):
        face.say(NOTHING_SENT)
        return
    body = FamilyRemove(
        beneficiary_id=int(values["beneficiary"]),
        reason=values["reason"].strip(),
        justificatifs=_justificatifs(values, {"files": DocumentType.other}),
    )
    await _send_and_say(face, lambda: api.family_remove(body, key=keys("family_remove")))


OPENABLE = (None, AccountState.never_activated, AccountState.disabled)


def _pick_form(title: str, intro: str, people: tuple[tuple[str, str], ...]) -> Form:
    return Form(title, (intro,), (Ask("beneficiary", "Pour qui", CHOICE, people),))


async def _open_access(api: ProfileApi, face: Face) -> None:
    """Issue 21: the assuré principal opens an adult ayant droit's own access; the code goes by post."""
    family = await api.family()
    people = tuple(
        (str(m.id), f"{m.first_name} {m.last_name}")
        for m in family.members
        if m.access_allowed and m.access in OPENABLE
    )
    if not people:
        face.say(
            "Aucun ayant droit majeur sans accès personnel : un accès est réservé aux ayants droit de 18 ans et "
            "plus (conjoint, enfant majeur). " + NOTHING_SENT
        )
        return
    values = await face.form(
        _pick_form(
            "Ouvrir un accès personnel",
            "Son code d'accès lui est envoyé par courrier, à son nom ; il ou elle l'active dans « Première "
            "connexion » avec sa propre adresse e-mail et ne voit que ses propres soins.",
            people,
        )
    )
    if values is None:
        return
    name = dict(people)[values["beneficiary"]]
    if not await face.confirm(f"Ouvrir un accès personnel pour {name} ?"):
        face.say(NOTHING_SENT)
        return
    await _send_and_say(face, lambda: api.open_family_access(int(values["beneficiary"])))


async def _close_access(api: ProfileApi, face: Face) -> None:
    family = await api.family()
    people = tuple(
        (str(m.id), f"{m.first_name} {m.last_name}")
        for m in family.members
        if m.access is not None and m.access is not AccountState.disabled
    )
    if not people:
        face.say("Aucun ayant droit n'a d'accès personnel ouvert. " + NOTHING_SENT)
        return
    values = await face.form(_pick_form("Fermer un accès personnel", "Ses sessions sont terminées aussitôt.", people))
    if values is None:
        return
    name = dict(people)[values["beneficiary"]]
    if not await face.confirm(f"Fermer l'accès personnel de {name} ?"):
        face.say(NOTHING_SENT)
        return
    await _send_and_say(face, lambda: api.close_family_access(int(values["beneficiary"])))


async def _care_privacy(api: ProfileApi, face: Face) -> None:
    """Issue 21, the beneficiary's side: hide their care from the assuré principal, or show it again."""
    mine = await api.my_access()
    if mine.care_private:
        question = f"Montrer de nouveau vos soins à {mine.principal_name} ?"
    else:
        question = (
            f"Ne plus montrer vos soins à {mine.principal_name} ? Vos remboursements et vos plafonds consommés "
            "n'apparaîtront plus dans son espace ; vous pourrez revenir sur ce choix."
        )
    if not await face.confirm(question):
        face.say("Rien n'a changé.")
        return
    done = await _send(face, lambda: api.set_care_privacy(not mine.care_private))
    if done is not None:
        face.say(done.message)


async def _noemie(api: ProfileApi, face: Face, keys: Keys) -> None:
    family = await api.family()
    people = tuple(
        (str(m.id), f"{m.first_name} {m.last_name}") for m in family.members if m.noemie is NoemieLinkState.inactive
    )
    if not people:
        face.say("La télétransmission est déjà active ou demandée pour chacun : rien à demander.")
        return
    values = await face.form(
        Form(
            "Télétransmission (NOEMIE)",
            ("L'Assurance Maladie nous enverra vos remboursements : plus besoin d'envoyer vos décomptes.",),
            (
                Ask("beneficiary", "Pour qui", CHOICE, people),
                Ask("attestation", "Attestation de droits de l'Assurance Maladie", FILE),
            ),
        )
    )
    if values is None:
        return
    body = NoemieActivation(
        beneficiary_id=int(values["beneficiary"]), attestation=load_attachment(values["attestation"][0])
    )
    await _send_and_say(face, lambda: api.noemie(body, key=keys("noemie")))


async def _termination(api: ProfileApi, face: Face, keys: Keys) -> None:
    contracts = (await api.contract_life()).contracts
    allowed = tuple((str(c.id), c.name) for c in contracts if c.termination_allowed)
    if not allowed:
        for c in contracts:
            face.say(f"{c.name} : {c.termination_message}")
        face.say(NOTHING_SENT)
        return
    values = await face.form(
        Form(
            "Résilier en ligne",
            ("La résiliation prend effet un mois après votre demande ; vous recevez une confirmation.",),
            (Ask("contract", "Contrat", CHOICE, allowed), Ask("reason", "Motif", LONG)),
        )
    )
    if values is None:
        return
    name = dict(allowed)[values["contract"]]
    if not await face.confirm(f"Résilier le contrat « {name} » ? Cette demande est définitive."):
        face.say("Contrat conservé : " + NOTHING_SENT.lower())
        return
    body = TerminationCreate(contract_id=int(values["contract"]), reason=values["reason"].strip())
    await _send_and_say(face, lambda: api.terminate(body, key=keys("termination")))


async def _retirement(api: ProfileApi, face: Face, keys: Keys) -> None:
    contracts = (await api.contract_life()).contracts
    # The server says which contracts the question is about (an active collective base contract): those
    # are the ones with the « Futur(e) retraité(e) » explanation.
    collective = tuple((str(c.id), c.name) for c in contracts if c.retirement)
    if not collective:
        face.say(
            "La question « Futur(e) retraité(e) » concerne un contrat collectif d'entreprise en cours. " + NOTHING_SENT
        )
        return
    values = await face.form(
        Form(
            "Futur(e) retraité(e)",
            ("Un conseiller vous répond dans la messagerie (loi Evin : 6 mois pour garder une couverture).",),
            (
                Ask("contract", "Contrat", CHOICE, collective, default=collective[0][0]),
                Ask("date", "Date de départ prévue (facultatif)", DATE, required=False, hint=DATE_HINT),
                Ask("question", "Votre question", LONG),
            ),
        )
    )
    if values is None:
        return
    body = RetirementQuestion(
        contract_id=int(values["contract"]),
        retirement_date=parse_date(values.get("date", "")) if values.get("date") else None,
        question=values["question"].strip(),
    )
    await _send_and_say(face, lambda: api.ask_retirement(body, key=keys("retirement")))


async def save_document(api: ProfileApi, action_id: str, directory: Any = None) -> str:
    """Saved in the downloads folder (``tui.flows.claims.download_dir``), the path said in words."""
    path, filename, what = DOWNLOADS[action_id]
    target = directory if directory is not None else download_dir()
    saved = save_download(await api.download(path), filename, target)
    return saved_sentence(saved, what)


async def run(action_id: str, api: ProfileApi, face: Face, *, today: date, keys: Keys | None = None) -> None:
    """One action of the profile, from its first question to the sentence that says what happened. API
    errors (``tui.api.errors.ApiError``) are left to the face, which says them in French."""
    keys = keys or Keys()
    if action_id in ("email", "mobile"):
        await _code_change(api, face, action_id, keys)
    elif action_id == "address":
        await _address(api, face)
    elif action_id == "preferences":
        await _preferences(api, face)
    elif action_id in ("rib_reimbursement", "rib_direct_debit"):
        await _rib(api, face, action_id.removeprefix("rib_"), keys)
    elif action_id == "family_add":
        await _family_add(api, face, today, keys)
    elif action_id == "family_remove":
        await _family_remove(api, face, keys)
    elif action_id == "noemie":
        await _noemie(api, face, keys)
    elif action_id == "family_access_open":
        await _open_access(api, face)
    elif action_id == "family_access_close":
        await _close_access(api, face)
    elif action_id == "care_privacy":
        await _care_privacy(api, face)
    elif action_id == "card_duplicate":
        await _send_and_say(face, lambda: api.card_duplicate(key=keys("card_duplicate")))
    elif action_id in DOWNLOADS:
        face.say(await save_document(api, action_id))
    elif action_id == "termination":
        await _termination(api, face, keys)
    elif action_id == "retirement":
        await _retirement(api, face, keys)
    else:
        raise ValueError(action_id)
