"""The devis in both front ends against the real server app (issue 17): one line is enough (lines 2 to 4
are really optional), a wrong amount is said and corrected, and the estimate is the simulator's answer
for the same act on the member's own cover — with this year's consumption: Coralie VIDAL has used her
350 € of dental prostheses this year, so a crown gets 0,00 € from the mutuelle, and the devis says why."""

from __future__ import annotations

import io

from sqlmodel import select

from models.tables import MemberRequest
from tests.tui.conftest import ScriptedInput, recap_send, settle
from tests.tui.profile_helpers import until
from tests.tui.test_request_forms import choose, screen_text
from tui.app import EspaceApp
from tui.flows import request_forms as forms
from tui.linear import LinearClient
from tui.linear.face import LinearFace
from tui.screens.forms import FormScreen, PickScreen
from tui.screens.request_forms import RequestFormScreen

NB = "\u00a0"
CEILING = "Il reste 0,00 € sur le plafond de la garantie (forfait de 350 € par an)"


async def _simulated(api, act: str, charged: str, beneficiary_id: int):
    """What the simulator says for the same act, same person, same day (the member form)."""
    return await api.simulate({"act": act, "charged": charged, "beneficiary_id": str(beneficiary_id)})


def _created(demo_session) -> MemberRequest:
    demo_session.expire_all()
    return demo_session.exec(select(MemberRequest).where(MemberRequest.kind == "quote")).one()


async def test_a_one_line_devis_is_sent_after_a_wrong_amount_and_says_the_consumed_ceiling(
    api, api_factory, token_store, log_in_as, coralie, demo_session
):
    token = await log_in_as(coralie.member_number)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("V")  # the devis, from the tableau de bord
        await until(pilot, lambda: isinstance(app.screen, PickScreen))  # the domain first
        await pilot.press("enter")  # Dentaire
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await choose(pilot, "field-beneficiary", 1)  # Coralie
        app.screen.query_one("#field-provider_name").focus()
        await pilot.press(*"Cabinet dentaire Jaude")
        await choose(pilot, "field-line1_act", 1)  # Couronne dentaire
        app.screen.query_one("#field-line1_amount").focus()
        await pilot.press(*"1e5")  # the mistake first
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(app.screen.query_one("#error-line1_amount").render())
        assert error.startswith("Erreur : Ligne 1 : montant : « 1e5 » n'est pas un montant")
        assert str(app.screen.query_one("#error-line2_amount").render()) == ""  # the optional lines: no error
        assert app.focused is app.screen.query_one("#field-line1_amount")  # back on the field to correct
        await pilot.press("end", *["backspace"] * 3, *"700")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, RequestFormScreen))
        await settle(pilot)
        text = screen_text(app).replace(NB, " ")
        assert "Démarche envoyée : Devis dentaire : Cabinet dentaire Jaude" in text
        assert "la mutuelle vous rembourserait 0,00 €, la Sécurité sociale 72,00 €" in text
        assert "il vous resterait 628,00 € à payer sur 700,00 €" in text
        assert "Couronne dentaire : 700,00 € ; mutuelle 0,00 €" in text and CEILING in text
    row = _created(demo_session)
    assert [line["act"] for line in row.details["lines"]] == ["PROTHESE"]  # one line sent, not four
    after = api_factory()  # the app closed its client on leaving
    after.use_token(token)
    simulated = await _simulated(after, "PROTHESE", "700", row.beneficiary_id)
    # the simulator's answer for the same act, same person, same day
    assert (row.estimate["amc_paid"], row.estimate["out_of_pocket"]) == (simulated.amc_paid, simulated.out_of_pocket)


async def test_linear_devis_with_one_line_and_a_consumed_ceiling(api, token_store, log_in_as, coralie, demo_session):
    token = await log_in_as(coralie.member_number)
    api.use_token(token)
    stdout, stderr = io.StringIO(), io.StringIO()
    answers = [
        "1",  # Dentaire
        "1",  # Coralie
        "Cabinet dentaire Jaude",
        "1",  # Couronne dentaire
        "-700",  # the mistake first: a negative amount, asked again at once
        "700",
        "3",  # Aucun: the other lines are not asked
        "",  # no file
        recap_send(stdout),
    ]
    client = LinearClient(api, stdin=ScriptedInput(answers), stdout=stdout, stderr=stderr)
    assert await forms.run(api, LinearFace(client), "new_quote", api.clock.today()) is not None
    said, errors = stdout.getvalue().replace(NB, " "), stderr.getvalue().replace(NB, " ")
    assert "Ligne 1 : montant : « -700 » : un montant ne peut pas être négatif" in errors
    assert "Ligne 1 : montant (en euros, par exemple 62,50) (Entrée : -700) :" in said
    assert "== Ligne 3 : acte ==" not in said  # after « Aucun », no further line
    assert "la mutuelle vous rembourserait 0,00 €, la Sécurité sociale 72,00 €" in said
    assert "Couronne dentaire : 700,00 € ; mutuelle 0,00 €" in said and CEILING in said
    row = _created(demo_session)
    assert row.estimate["lines"][0]["estimated"] and row.estimate["amc_paid"] == "0.00"
