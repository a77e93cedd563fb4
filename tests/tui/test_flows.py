"""The Textual-free flows: action registry and key config, wording, login state machine, dashboard."""

from __future__ import annotations

import inspect
from datetime import date
from decimal import Decimal
from enum import Enum

import pytest

from models.schemas import common
from models.schemas.common import ClaimStatus, ContractKind, ContractState, Payee, PaymentState
from models.schemas.dashboard import ClaimSummary, ContractSummary, Dashboard
from tui.flows import wording
from tui.flows.actions import DEFAULT_REGISTRY, key_label, keys_label, normalize_key
from tui.flows.agent import simulation_lines
from tui.flows.config import config_path, load_config, parse_config
from tui.flows.dashboard import build_view
from tui.flows.login import (
    IDENTIFIER_MISSING,
    PASSWORD_MISSING,
    LoginFlow,
    Step,
    check,
)

# -- action registry ------------------------------------------------------------------------------


def test_the_registry_declares_the_brief_actions_once_with_french_words():
    ids = [a.id for a in DEFAULT_REGISTRY.actions]
    assert len(ids) == len(set(ids))
    assert {"quit", "help", "logout", "dashboard", "refresh", "command_palette"} <= set(ids)
    assert DEFAULT_REGISTRY["quit"].keys == ("q", "ctrl+q") and DEFAULT_REGISTRY["quit"].description == "Quitter"
    assert DEFAULT_REGISTRY["help"].keys == ("f1", "question_mark")
    assert DEFAULT_REGISTRY["help"].description == "Aide : liste des touches"
    assert DEFAULT_REGISTRY["logout"].description == "Se déconnecter"
    assert DEFAULT_REGISTRY.conflicts() == []


def test_bindings_come_from_the_registry():
    from tui.bindings import bindings_from_registry

    bindings = {b.id: b for b in bindings_from_registry()}
    assert set(bindings) == {a.id for a in DEFAULT_REGISTRY.actions if a.context not in ("agent", "screen")}
    assert bindings["help"].key == "f1,question_mark" and bindings["help"].action == "help"
    assert bindings["logout"].tooltip == "Se déconnecter"


def test_session_actions_and_areas_are_offered_only_when_they_exist():
    logged_out = {a.id for a in DEFAULT_REGISTRY.available(logged_in=False)}
    assert logged_out == {
        "help",
        "command_palette",
        "theme",
        "quit",
        "activate",
        "forgot_password",
        "forgot_identifier",
        "login_help",
        "resend_confirmation",
        "not_me",  # issue 16: « Ce n'est pas moi »
    }
    no_area = {a.id for a in DEFAULT_REGISTRY.available(logged_in=True, areas=[])}
    assert "dashboard" not in no_area and "logout" in no_area
    assert "dashboard" in {a.id for a in DEFAULT_REGISTRY.available(logged_in=True, areas=["dashboard"])}


def test_keys_read_as_people_write_them():
    assert key_label("ctrl+q") == "Ctrl+Q" and key_label("question_mark") == "?" and key_label("f1") == "F1"
    assert keys_label(("f1", "question_mark")) == "F1 ou ?"
    assert normalize_key("Ctrl+D") == "ctrl+d" and normalize_key("?") == "question_mark"
    assert normalize_key("F5") == "f5"


def test_config_remaps_a_key_by_action_id():
    config = parse_config('[keys]\nlogout = "ctrl+d"\nhelp = ["F1", "h"]\n')
    assert config.warnings == []
    registry = config.registry()
    assert registry["logout"].keys == ("ctrl+d",)
    assert registry["help"].keys == ("f1", "h")
    assert registry.keymap()["logout"] == "ctrl+d"


def test_bad_config_entries_are_ignored_with_a_french_warning():
    config = parse_config('[keys]\nnope = "x"\nlogout = 3\nrefresh = "ctrl+l"\n[display]\ntheme = "rose"\n')
    assert config.keymap == {}  # refresh on ctrl+l would steal logout's key: dropped
    text = "\n".join(config.warnings)
    assert "Action inconnue dans [keys] : « nope »" in text
    assert "[keys] logout : indiquez une touche" in text
    assert "sert déjà à « Se déconnecter »" in text
    assert "Thème inconnu" in text
    assert parse_config("[keys\n").warnings[0].startswith("Fichier de configuration illisible")


def test_config_file_location_follows_xdg(tmp_path):
    assert config_path({"XDG_CONFIG_HOME": "/x"}).as_posix() == "/x/espace/config.toml"
    assert config_path({"HOME": "/home/c"}).as_posix() == "/home/c/.config/espace/config.toml"
    (tmp_path / "espace").mkdir()
    (tmp_path / "espace" / "config.toml").write_text('[keys]\nlogout = "ctrl+d"\n[display]\ntheme = "contraste"\n')
    config = load_config(environ={"XDG_CONFIG_HOME": str(tmp_path)})
    assert config.keymap == {"logout": ("ctrl+d",)} and config.theme == "contraste"
    assert load_config(environ={"XDG_CONFIG_HOME": str(tmp_path / "none")}).keymap == {}


# -- wording --------------------------------------------------------------------------------------


def _api_enums() -> list[type[Enum]]:
    return [
        obj
        for _, obj in inspect.getmembers(common, inspect.isclass)
        if issubclass(obj, Enum) and obj.__module__ == common.__name__
    ]


@pytest.mark.parametrize("enum", _api_enums(), ids=lambda e: e.__name__)
def test_every_status_of_the_api_has_words(enum):
    for value in enum:
        words = wording.status_words(value)
        assert words and words != value.value, f"{enum.__name__}.{value.name} has no French words"


def test_status_words_of_the_brief():
    assert [wording.status_words(s) for s in ClaimStatus] == [
        "Reçu",
        "En attente de justificatif",
        "En traitement",
        "Remboursé",
        "Rejeté",
    ]
    assert [wording.status_words(s) for s in ContractState] == [
        "Actif",
        "Garanties suspendues",
        "Résilié",
        "Portabilité",
    ]
    assert wording.status_words(ContractKind.collective) == "Contrat collectif (par votre employeur)"
    assert wording.status_words(ContractKind.individual) == "Contrat individuel"


def _claim(**fields) -> ClaimSummary:
    base = dict(
        id=1,
        reference="R1",
        care_date=date(2025, 7, 10),
        beneficiary_name="Coralie Martin",
        label="Frais de santé",
        charged=Decimal("30.00"),
        amo_paid=Decimal("19.00"),
        amc_paid=Decimal("6.94"),
        out_of_pocket=Decimal("4.06"),
        status=ClaimStatus.paid,
        payee=Payee.member,
        payment_state=PaymentState.done,
        payment_date=date(2025, 7, 15),
        account_suffix="1234",
    )
    base.update(fields)
    return ClaimSummary(**base)


def test_payment_sentences_say_who_got_the_money():
    assert wording.payment_sentence(_claim()) == "Versé sur votre compte …1234 le 15/07/2025"
    pharmacist = _claim(payee=Payee.provider, payee_label="votre pharmacien")
    assert wording.payment_sentence(pharmacist) == "Réglé à votre pharmacien le 15/07/2025"
    planned = _claim(payment_state=PaymentState.planned)
    assert wording.payment_sentence(planned) == "Paiement prévu le 15/07/2025, sur votre compte …1234"
    returned = _claim(payment_state=PaymentState.returned)
    assert wording.payment_sentence(returned).startswith("Virement du 15/07/2025 revenu impayé : RIB à vérifier")
    rejected = _claim(
        status=ClaimStatus.rejected,
        rejection_reason="Plafond annuel atteint",
        payee=None,
        payment_state=None,
        payment_date=None,
    )
    assert wording.payment_sentence(rejected) == "Aucun paiement : ce remboursement est rejeté"
    assert wording.claim_status_sentence(rejected).startswith("Rejeté – Plafond annuel atteint. ")
    assert wording.amount(Decimal("1234.5")) == "1\u00a0234,50\u00a0€"


def test_a_returned_transfer_is_not_said_remboursé():
    from tui.flows.claims import status_cell

    returned = _claim(payment_state=PaymentState.returned)
    assert wording.claim_status_sentence(returned) == "Virement revenu impayé : mettez à jour votre RIB"
    assert status_cell(returned.status, returned.payment_state) == "! Virement revenu impayé"
    assert wording.claim_status_sentence(_claim()) == "Remboursé"


def test_born_word_follows_the_sex_and_hedges_only_when_unknown():
    assert [wording.born_word(s) for s in (common.Sex.male, common.Sex.female, None)] == ["né", "née", "né(e)"]


def test_unread_sentence():
    assert wording.unread_sentence(0) == "Aucun message non lu"
    assert wording.unread_sentence(1) == "Vous avez 1 message non lu"
    assert wording.unread_sentence(2) == "Vous avez 2 messages non lus"


# -- dashboard view-model -------------------------------------------------------------------------


def _dashboard(areas: list[str], state: ContractState = ContractState.active, claims: int = 4) -> Dashboard:
    contract = ContractSummary(
        id=1,
        code="C40SOCLE",
        name="Santé Socle",
        kind=ContractKind.collective,
        level="base",
        state=state,
        start_date=date(2024, 1, 1),
        employer="Michelin",
        beneficiaries=[
            dict(id=1, first_name="Coralie", last_name="Martin", relationship="member", birth_date=date(1985, 3, 2)),
            dict(id=2, first_name="Léa", last_name="Martin", relationship="child", birth_date=date(2015, 6, 1)),
        ],
    )
    return Dashboard(
        member_number="1000001",
        first_name="Coralie",
        last_name="Martin",
        contracts=[contract],
        latest_claims=[_claim(id=i, reference=f"R{i}") for i in range(claims)],
        unread_messages=2,
        areas=areas,
    )


def test_dashboard_view_model():
    view = build_view(_dashboard(["dashboard"]))
    assert view.greeting == "Bienvenue dans votre espace, Coralie"
    assert view.unread == "Vous avez 2 messages non lus"
    assert len(view.claims) == 3 and view.claims_heading == "Mes derniers remboursements (3)"
    assert view.claims[0].line() == (
        "Date : 10/07/2025 ; Pour : Coralie Martin ; Acte : Frais de santé ; Remboursé : 6,94\u00a0€ ; "
        "Statut : Remboursé ; Paiement : Versé sur votre compte …1234 le 15/07/2025"
    )
    [contract] = view.contracts
    assert contract.sentence == (
        "Santé Socle : Contrat collectif (par votre employeur, Michelin) ; Actif depuis le 01/01/2024"
    )
    assert contract.people == "Personnes couvertes : Coralie Martin (vous), Léa Martin (enfant)"
    assert [str(a) for a in view.areas] == ["t : Tableau de bord"]
    assert view.warnings == ()


def test_an_area_the_server_does_not_list_is_not_shown_and_long_dates_are_read_out():
    view = build_view(_dashboard([], ContractState.suspended, claims=0), long_dates=True)
    assert view.areas == ()
    assert view.claims == () and view.claims_heading == "Mes derniers remboursements"
    assert view.warnings[0].startswith("Attention : Santé Socle – Garanties suspendues")
    long_view = build_view(_dashboard(["dashboard"]), long_dates=True)
    assert long_view.claims[0].value("Date") == "10 juillet 2025"
    assert long_view.claims[0].value("Paiement") == "Versé sur votre compte …1234 le 15 juillet 2025"


# -- login state machine --------------------------------------------------------------------------


def test_local_checks_before_sending():
    assert [p.message for p in check("", "")] == [IDENTIFIER_MISSING, PASSWORD_MISSING]
    assert [p.field for p in check("  ", "x")] == ["identifier"]
    assert check("1000001", "x") == []


async def test_login_flow_step_by_step_against_the_server(api, coralie, read_code):
    flow = LoginFlow(api)
    assert flow.prompt().label == "N° adhérent ou adresse e-mail" and not flow.prompt().secret
    assert flow.answer("   ") == IDENTIFIER_MISSING and flow.step is Step.IDENTIFIER
    assert flow.answer(coralie.member_number) is None
    assert flow.prompt().secret and flow.prompt().label == "Mot de passe"
    assert flow.answer("") == PASSWORD_MISSING
    assert flow.answer("mauvais") is None and flow.step is Step.SUBMIT
    outcome = await flow.submit()
    assert not outcome.ok and outcome.message.startswith("Identifiant ou mot de passe incorrect")
    # the identifier is kept: an empty answer keeps it
    assert flow.prompt().default == coralie.member_number
    assert flow.answer("") is None and flow.identifier == coralie.member_number
    flow.answer(coralie.password)
    assert flow.challenge is not None and flow.step is Step.CHALLENGE  # a second attempt: the human check
    from .conftest import solve_challenge

    assert flow.answer(solve_challenge(flow.challenge.question)) is None
    outcome = await flow.submit()
    assert not outcome.ok and outcome.pending is not None and flow.step is Step.CODE
    assert outcome.message == "Un code à 6 chiffres a été envoyé par e-mail à c****l@example.fr."
    assert flow.answer("12") == "Le code reçu compte 6 chiffres."
    assert flow.answer(read_code(coralie.member_number)) is None and flow.step is Step.SEND_CODE
    assert (await flow.send_code()).ask_trust and flow.step is Step.TRUST
    outcome = await flow.choose_trust(False)
    assert outcome.ok and outcome.message == (
        "Cet appareil n'est pas retenu : le code sera demandé à la prochaine connexion. Connexion réussie."
    )
    assert outcome.session.api.token and flow.step is Step.DONE


async def test_login_flow_all_at_once_maps_network_errors(client_clock):
    from .conftest import unreachable_api

    flow = LoginFlow(unreachable_api(client_clock))
    outcome = await flow.run("", "")
    assert outcome.message == f"{IDENTIFIER_MISSING} {PASSWORD_MISSING}" and outcome.field == "identifier"
    outcome = await flow.run("1000001", "secret")
    assert not outcome.ok and outcome.message.startswith("Le serveur ne répond pas.")
    assert flow.identifier == "1000001"


# -- the console's simulation result ------------------------------------------------------------------


def test_a_simulation_of_several_lines_shows_each_line_then_the_totals():
    def row(amo: str, amc: str, rest: str) -> dict[str, object]:
        return {
            "br": "30.00",
            "amo_rate": "0.70",
            "amo_gross": "21.00",
            "deductions": [],
            "amo_paid": amo,
            "amc": [{"contract": "Santé Socle", "amount": amc}],
            "amc_paid": amc,
            "out_of_pocket": rest,
            "tariff_version": "2026",
            "explanation": [f"Reste : {rest}"],
        }

    lines = simulation_lines([row("20.00", "9.00", "1.00"), row("21.00", "9.00", "0.00")])
    assert lines[0] == "Résultat de la simulation"
    assert lines[1:4] == ["Ligne 1", "  Sécurité sociale : 20,00\u00a0€", "  Santé Socle : 9,00\u00a0€"]
    assert "  Reste à charge de l'adhérent : 0,00\u00a0€" in lines and "    Reste : 1.00" in lines
    assert lines[-1] == (
        "Total : Sécurité sociale : 41,00\u00a0€ ; Mutuelle : 18,00\u00a0€ ; Reste à charge de l'adhérent : 1,00\u00a0€"
    )
    single = simulation_lines(row("20.00", "9.00", "1.00"))
    assert single[:4] == [
        "Résultat de la simulation",
        "Sécurité sociale : 20,00\u00a0€",
        "Santé Socle : 9,00\u00a0€",
        "Reste à charge de l'adhérent : 1,00\u00a0€",
    ]


def test_the_dashboard_says_hidden_care_in_words_after_the_contract_banners():
    """Issue 21: both faces show ``warnings`` first; the confidentiality sentence is one of them."""
    hidden = "Les soins de Samuel ne sont plus visibles ici, à sa demande."
    dashboard = _dashboard(["dashboard"], ContractState.suspended).model_copy(update={"notices": [hidden]})
    warnings = build_view(dashboard).warnings
    assert warnings[-1] == hidden and warnings[0].startswith("Attention : Santé Socle")
    assert build_view(_dashboard(["dashboard"])).warnings == ()


async def test_themes_are_named_in_french(api, token_store):
    """Issue 19: F2 says « Thème : couleurs du terminal, fond sombre », never « ansi-dark »."""
    from tui.app import EspaceApp
    from tui.flows.config import THEME_WORDS, THEMES

    assert set(THEME_WORDS) == set(THEMES)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.action_theme()
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert said[-1] == f"Thème : {THEME_WORDS[app.theme]}" and "-" not in said[-1]
