"""« Qui a consulté mon dossier » (issue 16), on the member's side of both front ends: after a conseiller's call —
the identity checked, the strong level, the carte de tiers payant sent to a pharmacy of the network — Coralie
reads in « Mon profil », rubrique « Mes données », who did what, with the reason given and the exact address the
card went to; in the full-screen client and in the linear mode, with the same words."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models.tables import Account
from tests.tui.conftest import code_from_outbox, identity_answers, settle
from tests.tui.profile_helpers import PROFILE, in_section, lines_of, run_linear
from tui.api.agent import AgentApi
from tui.flows.profile import ACCESSES_HEADING

JULIEN = "julien.roche@mutuelle-demo.example"
PHARMACY = "contact@pharmacie-du-centre.demo.invalid"


@pytest.fixture
async def a_call_about_coralie(api_factory, demo_session, demo_make) -> None:
    """Julien's call about Coralie, through the console's API: questions, code read back, the card sent."""
    julien = demo_session.exec(select(Account).where(Account.login_email == JULIEN)).one()
    api = api_factory()
    api.use_token(demo_make.session_token(julien))
    agent = AgentApi(api)
    coralie = (await agent.search("1204587")).hits[0]
    call = await agent.start_call(coralie.id, "member")
    right = identity_answers(demo_session, "1204587")
    assert (await agent.check_answers(call.id, {q.key.value: right[q.key.value] for q in call.questions}, None)).passed
    await agent.send_code(call.id, "email")
    await agent.check_code(call.id, code_from_outbox(demo_session, "coralie.vidal@example.fr"))
    await agent.act(coralie.id, "send_document", "Hospitalisation demain", document="card", finess="630000149")


async def test_the_member_reads_who_consulted_her_dossier_full_screen(
    api, token_store, log_in_as, a_call_about_coralie
):
    await log_in_as("1204587")
    async with in_section(api, token_store, "data") as (app, pilot):
        await settle(pilot)
        lines = lines_of(app)
    assert ACCESSES_HEADING in lines
    assert (
        "Julien ROCHE (conseiller) a envoyé un de vos documents ; motif : Hospitalisation demain ; envoyé à " in lines
    )
    assert PHARMACY in lines and "a vérifié votre identité au téléphone" in lines


async def test_the_member_reads_who_consulted_her_dossier_linear(api, token_store, log_in_as, a_call_about_coralie):
    await log_in_as("1204587")
    lines, err = await run_linear(api, token_store, [("menu", PROFILE), ("menu", "Mes données"), ("menu", "Retour")])
    assert err == ""
    text = "\n".join(lines)
    assert ACCESSES_HEADING in text
    sent = next(line for line in lines if "a envoyé un de vos documents" in line)
    assert sent.endswith(
        f"Julien ROCHE (conseiller) a envoyé un de vos documents ; motif : Hospitalisation demain ; envoyé à {PHARMACY}"
    )
    assert "a vérifié le code que vous avez lu" in text and "a ouvert un appel à votre nom" in text
