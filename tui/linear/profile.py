"""The linear face of « Mon profil » (flows `tui.flows.profile`): numbered sections, labelled lines, and
the actions of each section as numbered choices."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from models.schemas.profile import BankAccountIn
from tui.api import errors
from tui.api.profile import ProfileApi
from tui.flows import profile as flow
from tui.flows.login import AuthenticatedSession

if TYPE_CHECKING:
    from tui.linear.client import LinearClient

BACK = "Retour"


async def _save(client: LinearClient, api: ProfileApi, path: str, default: str) -> None:
    target = client.ask(f"Fichier où enregistrer (Entrée : {default})") or default
    Path(target).write_bytes(await api.download(path))
    client.say(f"Enregistré dans {target}.")


async def _change_rib(client: LinearClient, api: ProfileApi, purpose: str) -> None:
    iban = client.ask("IBAN (ex. FR76 3000 6000 0112 3456 7890 189)")
    bic = client.ask("BIC (8 ou 11 caractères)")
    problem = flow.check_rib(iban, bic)
    if problem:
        client.error(problem)
        return
    holder = client.ask("Titulaire du compte")
    challenge = await api.start_step_up()
    client.say(challenge.message)
    status = await api.verify_step_up(client.ask("Code"))
    client.say(status.message)
    await api.set_bank_account(purpose, BankAccountIn(iban=iban, bic=bic, holder=holder))
    client.say("RIB enregistré ; un e-mail vous le confirme.")


async def _act(client: LinearClient, session: AuthenticatedSession, api: ProfileApi, section: str) -> None:
    options: dict[str, list[str]] = {
        "contact": ["Changer mon adresse e-mail", "Changer mon numéro de mobile"],
        "bank": ["Changer le RIB de remboursement", "Changer le RIB de prélèvement"],
        "card": ["Enregistrer la carte en PDF", "Demander un duplicata"],
        "documents": ["Enregistrer l'attestation d'adhésion (PDF)", "Enregistrer le règlement mutualiste (PDF)"],
        "data": ["Enregistrer mes données (JSON)"],
        "security": ["Changer mon mot de passe", "Mes appareils de confiance et mes sessions"],
    }
    choices = options.get(section)
    if not choices:
        return
    index = client.choose("Que voulez-vous faire ?", [*choices, BACK])
    if index >= len(choices):
        return
    picked = choices[index]
    if picked == "Changer mon adresse e-mail":
        client.say((await api.start_email(client.ask("Nouvelle adresse e-mail"))).message)
        client.say((await api.confirm_email(client.ask("Code reçu"))).message)
    elif picked == "Changer mon numéro de mobile":
        client.say((await api.start_mobile(client.ask("Nouveau numéro de mobile"))).message)
        client.say((await api.confirm_mobile(client.ask("Code reçu par SMS"))).message)
    elif picked.startswith("Changer le RIB"):
        await _change_rib(client, api, "direct_debit" if "prélèvement" in picked else "reimbursement")
    elif picked == "Enregistrer la carte en PDF":
        await _save(client, api, "/me/card/pdf", "carte-tiers-payant.pdf")
    elif picked == "Demander un duplicata":
        client.say((await api.card_duplicate()).message)
    elif picked.startswith("Enregistrer l'attestation"):
        await _save(client, api, "/me/certificate/pdf", "attestation-adhesion.pdf")
    elif picked.startswith("Enregistrer le règlement"):
        await _save(client, api, "/me/contract-documents/reglement-mutualiste", "reglement-mutualiste.pdf")
    elif picked.startswith("Enregistrer mes données"):
        await _save(client, api, "/me/data-export", "mes-donnees.json")
    elif picked == "Changer mon mot de passe":
        await client.change_password(session)
    else:
        await client.security(session)


async def run_profile(client: LinearClient, session: AuthenticatedSession) -> None:
    api = ProfileApi(session.api)
    while True:
        client.heading(flow.HEADING)
        titles = [s.title for s in flow.SECTIONS]
        index = client.choose("Quelle rubrique ?", [*titles, BACK])
        if index >= len(flow.SECTIONS):
            return
        section = flow.SECTIONS[index]
        client.heading(section.title)
        try:
            for line in await flow.section_lines(api, section.id):
                client.say(line)
            await _act(client, session, api, section.id)
        except errors.ApiError as exc:
            client.error(exc.message)
