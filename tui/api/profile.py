"""« Mon profil » of the API (issue 8), over an ``ApiClient``. Creating POSTs, the requests that send a code
and the confirmations of a code send an ``Idempotency-Key`` (kept by the flow when sent again)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from models.schemas.profile import (
    AddressChange,
    BankAccountIn,
    BankAccounts,
    Card,
    CarePrivacy,
    ChangeResult,
    ContractDocuments,
    ContractLife,
    Contributions,
    Family,
    FamilyAccessDone,
    FamilyAdd,
    FamilyRemove,
    MyAccess,
    NoemieActivation,
    PendingStarted,
    Preferences,
    Profile,
    RequestCreated,
    RetirementQuestion,
    StepUpChallenge,
    StepUpStatus,
    TerminationCreate,
    ThreadOpened,
)
from tui.api.client import ApiClient

if TYPE_CHECKING:
    from models.schemas.agent import DossierAccessList


class ProfileApi:
    def __init__(self, api: ApiClient) -> None:
        self.api = api

    async def _get(self, path: str) -> Any:
        return await self.api._request("GET", path, auth=True)

    async def _send(self, method: str, path: str, body: Any = None, *, key: bool | str = False) -> Any:
        """``key``: True for a fresh Idempotency-Key, or the key itself (the same one when a form is sent
        again after a network error, so the request is never created twice)."""
        headers = {"Idempotency-Key": key if isinstance(key, str) else str(uuid.uuid4())} if key else None
        return await self.api._request(method, path, json=body, auth=True, extra_headers=headers)

    async def _create(self, path: str, body: Any, key: str | None, model: type[Any]) -> Any:
        payload = body.model_dump(mode="json") if body is not None else None
        return self.api._parse(await self._send("POST", path, payload, key=key or True), model)

    async def change_address(self, body: AddressChange) -> ChangeResult:
        return self.api._parse(
            await self._send("PUT", "/me/profile/address", body.model_dump(mode="json")), ChangeResult
        )

    async def family_add(self, body: FamilyAdd, *, key: str | None = None) -> RequestCreated:
        return await self._create("/me/family/additions", body, key, RequestCreated)

    async def family_remove(self, body: FamilyRemove, *, key: str | None = None) -> RequestCreated:
        return await self._create("/me/family/removals", body, key, RequestCreated)

    async def noemie(self, body: NoemieActivation, *, key: str | None = None) -> RequestCreated:
        return await self._create("/me/noemie/activations", body, key, RequestCreated)

    async def terminate(self, body: TerminationCreate, *, key: str | None = None) -> RequestCreated:
        return await self._create("/me/contract-life/terminations", body, key, RequestCreated)

    async def ask_retirement(self, body: RetirementQuestion, *, key: str | None = None) -> ThreadOpened:
        return await self._create("/me/contract-life/retirement-questions", body, key, ThreadOpened)

    async def _confirm(self, channel: str, code: str, key: str | None) -> ChangeResult:
        """The code typed for a new e-mail or mobile; sent again with its key, the answer of the first try."""
        response = await self._send("POST", f"/me/profile/{channel}/confirm", {"code": code}, key=key or True)
        return self.api._parse(response, ChangeResult)

    async def profile(self) -> Profile:
        return self.api._parse(await self._get("/me/profile"), Profile)

    async def start_email(self, email: str, *, key: str | None = None) -> PendingStarted:
        body = {"email": email}
        return self.api._parse(await self._send("POST", "/me/profile/email", body, key=key or True), PendingStarted)

    async def confirm_email(self, code: str, *, key: str | None = None) -> ChangeResult:
        return await self._confirm("email", code, key)

    async def start_mobile(self, mobile: str, *, key: str | None = None) -> PendingStarted:
        body = {"mobile": mobile}
        return self.api._parse(await self._send("POST", "/me/profile/mobile", body, key=key or True), PendingStarted)

    async def confirm_mobile(self, code: str, *, key: str | None = None) -> ChangeResult:
        return await self._confirm("mobile", code, key)

    async def set_preferences(self, preferences: Preferences) -> Profile:
        body = preferences.model_dump(mode="json")
        return self.api._parse(await self._send("PUT", "/me/profile/preferences", body), Profile)

    async def start_step_up(self, *, key: str | None = None) -> StepUpChallenge:
        return self.api._parse(await self._send("POST", "/me/step-up", key=key or True), StepUpChallenge)

    async def verify_step_up(self, code: str, *, key: str | None = None) -> StepUpStatus:
        response = await self._send("POST", "/me/step-up/verify", {"code": code}, key=key or True)
        return self.api._parse(response, StepUpStatus)

    async def bank_accounts(self) -> BankAccounts:
        return self.api._parse(await self._get("/me/bank-accounts"), BankAccounts)

    async def set_bank_account(self, purpose: str, body: BankAccountIn, *, key: str | None = None) -> BankAccounts:
        path = "/me/bank-accounts/" + ("direct-debit" if purpose == "direct_debit" else "reimbursement")
        response = await self._send("PUT", path, body.model_dump(mode="json"), key=key or True)
        return self.api._parse(response, BankAccounts)

    async def family(self) -> Family:
        return self.api._parse(await self._get("/me/family"), Family)

    # issue 21: an ayant droit's own access, opened or closed by the assuré principal; the beneficiary's page
    async def open_family_access(self, beneficiary_id: int) -> FamilyAccessDone:
        return self.api._parse(await self._send("POST", f"/me/family/{beneficiary_id}/access"), FamilyAccessDone)

    async def close_family_access(self, beneficiary_id: int) -> FamilyAccessDone:
        return self.api._parse(await self._send("DELETE", f"/me/family/{beneficiary_id}/access"), FamilyAccessDone)

    async def my_access(self) -> MyAccess:
        return self.api._parse(await self._get("/me/access"), MyAccess)

    async def set_care_privacy(self, private: bool) -> MyAccess:
        body = CarePrivacy(private=private).model_dump(mode="json")
        return self.api._parse(await self._send("PUT", "/me/access/privacy", body), MyAccess)

    async def contributions(self) -> Contributions:
        return self.api._parse(await self._get("/me/contributions"), Contributions)

    async def card(self) -> Card:
        return self.api._parse(await self._get("/me/card"), Card)

    async def card_duplicate(self, *, key: str | None = None) -> RequestCreated:
        return self.api._parse(await self._send("POST", "/me/card/duplicates", key=key or True), RequestCreated)

    async def documents(self) -> ContractDocuments:
        return self.api._parse(await self._get("/me/contract-documents"), ContractDocuments)

    async def contract_life(self) -> ContractLife:
        return self.api._parse(await self._get("/me/contract-life"), ContractLife)

    async def dossier_accesses(self) -> DossierAccessList:
        from models.schemas.agent import DossierAccessList

        return self.api._parse(await self.api._request("GET", "/me/dossier-accesses", auth=True), DossierAccessList)

    async def download(self, path: str) -> bytes:
        """A PDF or the data export; ``path`` as the server lists it (starting with /api/v1)."""
        return (await self._get(path.removeprefix("/api/v1"))).content
