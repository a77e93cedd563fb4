"""« Mon profil » (issue 8): coordonnées, préférences, second facteur récent, RIB, ayants droit,
télétransmission, cotisations, carte de tiers payant, attestation, documents, vie du contrat, Mes données.

Every creating POST accepts ``Idempotency-Key``; the bodies carrying files are read by ``_body.json_body``
(size counted while streaming)."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from models.schemas.profile import (
    AddressChange,
    BankAccountIn,
    BankAccountPurpose,
    BankAccounts,
    Card,
    CarePrivacy,
    ChangeResult,
    ContactChannel,
    ContactConfirm,
    ContractDocuments,
    ContractLife,
    Contributions,
    EmailChange,
    Family,
    FamilyAccessDone,
    FamilyAdd,
    FamilyRemove,
    MobileChange,
    MyAccess,
    NoemieActivation,
    PendingStarted,
    Preferences,
    Profile,
    RequestCreated,
    RetirementQuestion,
    StepUpChallenge,
    StepUpStatus,
    StepUpVerify,
    TerminationCreate,
    ThreadOpened,
)
from models.tables import Member
from server.clock import Clock, paris_today
from server.deps import (
    ClockDep,
    CurrentAccount,
    CurrentAuth,
    CurrentMember,
    CurrentViewer,
    SessionDep,
    SettingsDep,
)
from server.errors import error_responses
from server.pdf.card import card_pdf
from server.pdf.certificate import certificate_pdf, reglement_pdf
from server.routes._body import ParsedBody, json_body, json_body_openapi
from server.routes._files import PDF_RESPONSE, file_response
from server.routes._idempotency import IdempotencyDep
from server.services import family_access
from server.services import profile as service
from server.services import profile_contract as life
from server.services import profile_family as family
from server.settings import Settings

if TYPE_CHECKING:  # a type only: routes hold no SQL
    from sqlmodel import Session

    Creator = Callable[[Session, Clock, Settings, Member, Any], RequestCreated]

router = APIRouter(tags=["profil"])


def _pdf(content: bytes, filename: str) -> Response:
    return file_response(content, "application/pdf", filename)


# --- coordonnées, préférences ----------------------------------------------------------------------
# The requests that send a code (new e-mail, new mobile, step-up) take an Idempotency-Key: a retry after a
# lost answer must not send a second code, which would cancel the first one (the member would type the code
# they received and be refused). Replayed, the answer says the same thing (it holds no code) and the first
# code still works. The confirmations take one too: a retry after a lost answer gets the stored answer back
# instead of « aucun changement en attente » (the first try did use the code).


@router.get("/me/profile", response_model=Profile, responses=error_responses(401, 403), summary="Mes coordonnées")
def my_profile(member: CurrentMember, session: SessionDep, clock: ClockDep, settings: SettingsDep) -> Profile:
    return service.profile(session, clock, settings, member)


@router.put(
    "/me/profile/address",
    response_model=ChangeResult,
    responses=error_responses(401, 403, 413, 415, 422),
    openapi_extra=json_body_openapi(AddressChange),
    summary="Changer d'adresse postale (justificatif de domicile pour un changement de commune)",
)
def change_address(
    member: CurrentMember,
    account: CurrentAccount,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    body: Annotated[ParsedBody[AddressChange], Depends(json_body(AddressChange))],
) -> ChangeResult:
    return service.change_address(session, clock, settings, member, account, body.value)


def _start_route(
    path: str, channel: ContactChannel, model: type[EmailChange] | type[MobileChange], summary: str
) -> None:
    """A new e-mail or mobile: a fresh second factor first (403 step_up_required), then a code to the new
    contact (429 when too many codes were asked). Sent again with its key: the first answer, one code."""

    @router.post(
        path,
        response_model=PendingStarted,
        responses=error_responses(401, 403, 422, 429),
        summary=summary,
        name=f"start_{channel.value}_change",
    )
    def start_contact_change(
        body: model,  # type: ignore[valid-type]
        current: CurrentAuth,
        member: CurrentMember,
        session: SessionDep,
        clock: ClockDep,
        settings: SettingsDep,
        idempotency: IdempotencyDep,
    ) -> JSONResponse:
        value = getattr(body, channel.value)  # EmailChange.email, MobileChange.mobile
        start = service.start_member_change
        return idempotency.run(
            session,
            clock,
            current.account,
            body,
            lambda: start(session, clock, settings, current, member, channel, value),
            200,
        )


_start_route(
    "/me/profile/email",
    ContactChannel.email,
    EmailChange,
    "Nouvelle adresse e-mail (second facteur récent) : un code lui est envoyé, l'ancienne est prévenue",
)


def _confirm_route(path: str, channel: ContactChannel, statuses: tuple[int, ...], summary: str) -> None:
    """The code typed for a new e-mail or mobile. Sent again with its key after a lost answer: the first
    answer, the change made once."""

    @router.post(
        path,
        response_model=ChangeResult,
        responses=error_responses(*statuses),
        summary=summary,
        name=f"confirm_{channel.value}_change",
    )
    def confirm_contact_change(
        body: ContactConfirm,
        member: CurrentMember,
        account: CurrentAccount,
        session: SessionDep,
        clock: ClockDep,
        settings: SettingsDep,
        idempotency: IdempotencyDep,
    ) -> JSONResponse:
        confirm = service.confirm_member_change
        return idempotency.run(
            session, clock, account, body, lambda: confirm(session, clock, settings, member, channel, body.code), 200
        )


_confirm_route(
    "/me/profile/email/confirm",
    ContactChannel.email,
    (401, 403, 409, 422),
    "Confirmer la nouvelle adresse e-mail avec le code reçu",
)


_start_route(
    "/me/profile/mobile",
    ContactChannel.mobile,
    MobileChange,
    "Nouveau numéro de mobile (second facteur récent) : un code lui est envoyé par SMS",
)


_confirm_route(
    "/me/profile/mobile/confirm",
    ContactChannel.mobile,
    (401, 403, 409, 422),
    "Confirmer le nouveau numéro de mobile avec le code reçu par SMS",
)


@router.put(
    "/me/profile/preferences",
    response_model=Profile,
    responses=error_responses(401, 403, 422),
    summary="Décomptes par e-mail ou par courrier ; canaux des notifications",
)
def set_preferences(
    body: Preferences,
    member: CurrentMember,
    account: CurrentAccount,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> Profile:
    return service.set_preferences(session, clock, settings, member, account, body)


# --- second facteur récent, RIB ----------------------------------------------------------------------


@router.post(
    "/me/step-up",
    response_model=StepUpChallenge,
    responses=error_responses(401, 403, 409, 422, 429),
    summary="Redonner un second facteur (avant un changement de RIB, d'e-mail ou de mobile) : envoie un code",
)
def start_step_up(
    current: CurrentAuth,
    member: CurrentMember,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    start = service.start_step_up
    return idempotency.run(
        session, clock, current.account, None, lambda: start(session, clock, settings, current, member), 200
    )


@router.post(
    "/me/step-up/verify",
    response_model=StepUpStatus,
    responses=error_responses(401, 403, 409, 422),
    summary="Vérifier le code : un RIB, l'e-mail ou le mobile peut être changé pendant quelques minutes",
)
def verify_step_up(
    body: StepUpVerify,
    current: CurrentAuth,
    member: CurrentMember,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    # Sent again with its key after a lost answer: the first answer, not « aucun code en attente ».
    verify = service.verify_step_up
    return idempotency.run(
        session, clock, current.account, body, lambda: verify(session, clock, settings, current, body.code), 200
    )


@router.get(
    "/me/bank-accounts",
    response_model=BankAccounts,
    responses=error_responses(401, 403),
    summary="Mes RIB : remboursement (contrat ou bénéficiaire) et prélèvement avec son mandat SEPA",
)
def my_bank_accounts(
    current: CurrentAuth, member: CurrentMember, session: SessionDep, clock: ClockDep, settings: SettingsDep
) -> BankAccounts:
    return service.bank_accounts(session, clock, settings, current, member)


def _bank_route(path: str, purpose: BankAccountPurpose, summary: str) -> None:
    @router.put(
        path,
        response_model=BankAccounts,
        responses=error_responses(401, 403, 404, 409, 422),
        summary=summary,
        name=f"set_{purpose.value}_bank_account",
    )
    def set_bank_account(
        body: BankAccountIn,
        current: CurrentAuth,
        member: CurrentMember,
        session: SessionDep,
        clock: ClockDep,
        settings: SettingsDep,
        idempotency: IdempotencyDep,
    ) -> JSONResponse:
        # Sent again with its key after a lost answer: one change, one confirmation e-mail, one SEPA mandate.
        change = service.set_bank_account
        return idempotency.run(
            session,
            clock,
            current.account,
            body,
            lambda: change(session, clock, settings, current, member, purpose, body),
            200,
        )


_bank_route(
    "/me/bank-accounts/reimbursement",
    BankAccountPurpose.reimbursement,
    "Changer le RIB de remboursement (second facteur récent : step_up_window_minutes)",
)
_bank_route(
    "/me/bank-accounts/direct-debit",
    BankAccountPurpose.direct_debit,
    "Changer le RIB de prélèvement et signer le mandat SEPA (contrat individuel, second facteur récent)",
)


# --- ayants droit, télétransmission, carte : démarches -------------------------------------------------


def _creating_route(path: str, model: type[BaseModel] | None, creator: "Creator", summary: str) -> None:
    if model is None:

        @router.post(
            path,
            status_code=201,
            response_model=RequestCreated,
            responses=error_responses(401, 403, 422),
            summary=summary,
            name=f"create_{path.strip('/').replace('/', '_').replace('-', '_')}",
        )
        def create_without_body(
            member: CurrentMember,
            account: CurrentAccount,
            session: SessionDep,
            clock: ClockDep,
            settings: SettingsDep,
            idempotency: IdempotencyDep,
        ) -> JSONResponse:
            return idempotency.run(
                session, clock, account, None, lambda: creator(session, clock, settings, member, None)
            )

        return

    @router.post(
        path,
        status_code=201,
        response_model=RequestCreated,
        responses=error_responses(401, 403, 404, 413, 415, 422),
        openapi_extra=json_body_openapi(model),
        summary=summary,
        name=f"create_{path.strip('/').replace('/', '_').replace('-', '_')}",
    )
    def create(
        member: CurrentMember,
        account: CurrentAccount,
        session: SessionDep,
        clock: ClockDep,
        settings: SettingsDep,
        body: Annotated[ParsedBody[Any], Depends(json_body(model))],
        idempotency: IdempotencyDep,
    ) -> JSONResponse:
        return idempotency.run(
            session, clock, account, body, lambda: creator(session, clock, settings, member, body.value)
        )


@router.get(
    "/me/family",
    response_model=Family,
    responses=error_responses(401, 403),
    summary="Mes ayants droit, leur télétransmission et mes demandes en cours",
)
def my_family(member: CurrentMember, session: SessionDep, clock: ClockDep, settings: SettingsDep) -> Family:
    return family.family(session, clock, settings, member)


@router.post(
    "/me/family/{beneficiary_id}/access",
    status_code=201,
    response_model=FamilyAccessDone,
    responses=error_responses(401, 403, 404, 409, 422),
    summary="Ouvrir l'accès personnel d'un ayant droit majeur (son code d'accès part par courrier)",
)
def create_family_access(
    beneficiary_id: int,
    member: CurrentMember,
    account: CurrentAccount,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        session,
        clock,
        account,
        None,
        lambda: family_access.create_access(session, clock, settings, member, account, beneficiary_id),
    )


@router.delete(
    "/me/family/{beneficiary_id}/access",
    response_model=FamilyAccessDone,
    responses=error_responses(401, 403, 404),
    summary="Fermer l'accès personnel d'un ayant droit (ses sessions sont terminées)",
)
def close_family_access(
    beneficiary_id: int, member: CurrentMember, account: CurrentAccount, session: SessionDep, clock: ClockDep
) -> FamilyAccessDone:
    return family_access.close_access(session, clock, member, account, beneficiary_id)


@router.get(
    "/me/access",
    response_model=MyAccess,
    responses=error_responses(401, 403),
    summary="Mon accès d'ayant droit : à quel contrat il est rattaché, et la confidentialité de mes soins",
)
def my_access(viewer: CurrentViewer) -> MyAccess:
    return family_access.my_access(viewer)


@router.put(
    "/me/access/privacy",
    response_model=MyAccess,
    responses=error_responses(401, 403, 422),
    summary="Ne plus montrer mes soins à l'assuré principal (ou les montrer de nouveau)",
)
def set_my_care_privacy(
    body: CarePrivacy, viewer: CurrentViewer, account: CurrentAccount, session: SessionDep, clock: ClockDep
) -> MyAccess:
    return family_access.set_care_privacy(session, clock, viewer, account, body.private)


_creating_route(
    "/me/family/additions",
    FamilyAdd,
    family.request_addition,
    "Demander l'ajout d'un conjoint ou d'un enfant, avec les justificatifs (contrat individuel)",
)
_creating_route(
    "/me/family/removals",
    FamilyRemove,
    family.request_removal,
    "Demander le retrait d'un ayant droit (contrat individuel)",
)
_creating_route(
    "/me/noemie/activations",
    NoemieActivation,
    family.request_noemie,
    "Demander la télétransmission NOEMIE pour un bénéficiaire (attestation de droits jointe)",
)
_creating_route(
    "/me/card/duplicates", None, family.request_card_duplicate, "Demander un duplicata de la carte de tiers payant"
)
_creating_route(
    "/me/contract-life/terminations",
    TerminationCreate,
    life.request_termination,
    "Résilier en ligne (contrat individuel, après un an d'adhésion)",
)


# --- cotisations, carte, documents --------------------------------------------------------------------


@router.get(
    "/me/contributions",
    response_model=Contributions,
    responses=error_responses(401, 403),
    summary="Mes cotisations : dû cette année, échéancier, impayés (ou « sur votre bulletin de salaire »)",
)
def my_contributions(member: CurrentMember, session: SessionDep, clock: ClockDep) -> Contributions:
    return family.contributions(session, clock, member)


@router.get("/me/card", response_model=Card, responses=error_responses(401, 403), summary="Ma carte de tiers payant")
def my_card(viewer: CurrentViewer, session: SessionDep, clock: ClockDep, settings: SettingsDep) -> Card:
    return family.viewer_card(session, clock, settings, viewer)


@router.get(
    "/me/card/pdf",
    response_class=Response,
    responses={**PDF_RESPONSE, **error_responses(401, 403)},
    summary="Ma carte de tiers payant en PDF",
)
def my_card_pdf(viewer: CurrentViewer, session: SessionDep, clock: ClockDep, settings: SettingsDep) -> Response:
    content = card_pdf(viewer.member, family.viewer_card(session, clock, settings, viewer), paris_today(clock))
    return _pdf(content, "carte-tiers-payant.pdf")


@router.get(
    "/me/certificate/pdf",
    response_class=Response,
    responses={**PDF_RESPONSE, **error_responses(401, 403)},
    summary="Attestation d'adhésion en PDF",
)
def my_certificate(member: CurrentMember, session: SessionDep, clock: ClockDep) -> Response:
    rows = life.certificate_rows(session, member)
    return _pdf(certificate_pdf(member, rows, paris_today(clock)), "attestation-adhesion.pdf")


@router.get(
    "/me/contract-documents",
    response_model=ContractDocuments,
    responses=error_responses(401, 403),
    summary="Documents contractuels",
)
def my_contract_documents(member: CurrentMember, session: SessionDep) -> ContractDocuments:
    return life.contract_documents(session, member)


@router.get(
    "/me/contract-documents/reglement-mutualiste",
    response_class=Response,
    responses={**PDF_RESPONSE, **error_responses(401, 403)},
    summary="Règlement mutualiste (extrait) en PDF",
)
def reglement(member: CurrentMember, clock: ClockDep) -> Response:
    return _pdf(reglement_pdf(paris_today(clock)), "reglement-mutualiste.pdf")


# --- vie du contrat, Mes données ----------------------------------------------------------------------


@router.get(
    "/me/contract-life",
    response_model=ContractLife,
    responses=error_responses(401, 403),
    summary="Vie du contrat : portabilité, futur(e) retraité(e), résiliation",
)
def my_contract_life(member: CurrentMember, session: SessionDep, clock: ClockDep) -> ContractLife:
    return life.contract_life(session, clock, member)


@router.post(
    "/me/contract-life/retirement-questions",
    status_code=201,
    response_model=ThreadOpened,
    responses=error_responses(401, 403, 404, 422),
    summary="Futur(e) retraité(e) : poser la question à un conseiller (ouvre un échange dans la messagerie)",
)
def ask_retirement(
    body: RetirementQuestion,
    member: CurrentMember,
    account: CurrentAccount,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        session, clock, account, body, lambda: life.ask_retirement(session, clock, settings, member, account, body)
    )


@router.get(
    "/me/data-export",
    responses={
        200: {"content": {"application/json": {}}, "description": "Mes données (JSON)"},
        **error_responses(401, 403),
    },
    summary="Mes données : tout ce que l'espace conserve sur moi, en un fichier JSON (RGPD)",
)
def my_data(
    member: CurrentMember, account: CurrentAccount, session: SessionDep, clock: ClockDep, settings: SettingsDep
) -> JSONResponse:
    content = life.data_export(session, clock, settings, member, account)
    return JSONResponse(
        content,
        headers={
            "Content-Disposition": f'attachment; filename="mes-donnees-{member.member_number}.json"',
            "Cache-Control": "no-store",
        },
    )
