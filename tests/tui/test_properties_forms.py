"""Properties of the client's remaining form checks (issue 11): the profile's RIB check, the démarche
forms and the configuration file. Whatever is typed, each answers a value or a French sentence naming what
to correct, never a traceback. Derandomized, no example database."""

import json
import tomllib

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from tests.domain.test_properties_parsers import _french_iban
from tests.tui.test_request_forms import TODAY
from tui.flows import forms as model
from tui.flows import request_forms as forms
from tui.flows.actions import DEFAULT_REGISTRY, live_contexts
from tui.flows.config import DEFAULT_THEME, THEMES, ClientConfig, parse_config
from tui.flows.profile import check_rib, check_rib_typed
from tui.flows.request_forms import FormContext, Person

PROPERTIES = settings(
    derandomize=True, database=None, max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
typed = st.text(
    alphabet=st.sampled_from("0123456789 ,.-/€FRABfrpx\u00a0") | st.characters(exclude_categories=["Cs"]),
    max_size=40,
)

# --- the RIB of the profile -------------------------------------------------------------------------


def _is_french_sentence(message: object) -> bool:
    # Not empty; it may quote what was typed, whatever that was.
    return isinstance(message, str) and message.strip() != ""


@PROPERTIES
@given(typed, typed)
@example("FR76 3000 6000 0112 3456 7890 189", "DEUTDEFF")  # a valid IBAN, a BIC of another country
def test_the_rib_check_answers_nothing_or_a_french_sentence(iban, bic):
    for problem in (check_rib(iban, bic), check_rib_typed({"iban": iban, "bic": bic})):
        assert problem is None or _is_french_sentence(problem)


@PROPERTIES
@given(st.from_regex(r"[0-9]{21}", fullmatch=True), st.from_regex(r"[A-Z]{4}FR[A-Z0-9]{2}", fullmatch=True))
def test_a_french_iban_with_a_french_bic_passes(digits, bic):
    iban = _french_iban(digits[:5], digits[5:10], digits[10:])
    grouped = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    assert check_rib(grouped, bic) is None
    assert check_rib_typed({"iban": grouped, "bic": ""}) is None  # the BIC is asked for only once typed


# --- the démarche forms -----------------------------------------------------------------------------

CTX = FormContext("1204587", (Person(1, "Coralie VIDAL"), Person(2, "Hugo VIDAL")), TODAY)
FORMS = [
    forms.request_form(d.action_id, CTX, first=forms.FIRST_CHOICES[d.action_id].choices[0][0])
    if d.action_id in forms.FIRST_CHOICES
    else forms.request_form(d.action_id, CTX)
    for d in forms.DEMARCHES
]
FIRST = {
    d.title: forms.FIRST_CHOICES[d.action_id].choices[0][0]
    for d in forms.DEMARCHES
    if d.action_id in forms.FIRST_CHOICES
}
ACTIONS = {d.title: d.action_id for d in forms.DEMARCHES}


@PROPERTIES
@given(st.sampled_from(FORMS), st.data())
@example(FORMS[0], None).via("a form sent empty")
def test_a_form_gives_its_request_or_names_the_field_to_correct(form, data):
    """Whatever is typed, the flow model names a field of the form and says a French sentence, or the
    answers read into the request body (files left out: none is typed here)."""
    values: dict = {"files": []}
    if data is not None:
        for ask in form.asks:
            if ask.kind == model.FILE:
                continue
            choices = [value for value, _words in ask.choices]
            strategy = st.sampled_from(choices) | typed if choices else typed
            values[ask.name] = data.draw(strategy, label=ask.name)
    found = model.first_problem(form, values)
    if found is not None:
        assert _is_french_sentence(found.message)
        assert found.field is None or found.field in {a.name for a in form.asks}
    else:
        assert isinstance(forms.build(ACTIONS[form.title], values, CTX, FIRST.get(form.title, "")), BaseModel)


# --- the configuration file -------------------------------------------------------------------------


def _json(value: object) -> str:
    # JSON escapes control characters but DEL, which TOML also wants escaped; no surrogate pairs.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_text(**kwargs) -> st.SearchStrategy[str]:
    return st.text(st.characters(exclude_categories=["Cs"]), **kwargs)  # TOML strings hold no lone surrogate


ACTION_IDS = [a.id for a in DEFAULT_REGISTRY.actions]
toml_scalars = toml_text(max_size=12) | st.integers() | st.booleans() | st.floats(allow_nan=False)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(toml_text(min_size=1, max_size=8), inner, max_size=3),
    max_leaves=6,
)
key_names = st.sampled_from(["ctrl+d", "f1", "?", "q", "ctrl+", "", "alt+Q", "plus", "échap"]) | toml_text(max_size=8)


def _toml(value: object) -> str:
    """A value in TOML: JSON strings, numbers and booleans are TOML too; tables are written inline."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_json(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    return _json(value)


@st.composite
def config_files(draw) -> str:
    """A well-formed file: [keys] with real or unknown actions and any values, [display] with any theme."""
    keys = draw(
        st.dictionaries(
            st.sampled_from(ACTION_IDS) | toml_text(min_size=1, max_size=10),
            key_names | st.lists(key_names, max_size=3) | toml_values,
            max_size=6,
        )
    )
    display = draw(st.dictionaries(st.sampled_from(["theme", "autre"]), st.sampled_from(THEMES) | toml_values))
    lines = ["[keys]", *(f"{_json(k)} = {_toml(v)}" for k, v in keys.items())]
    lines += ["[display]", *(f"{_json(k)} = {_toml(v)}" for k, v in display.items())]
    return "\n".join(lines)


def _check_config(config: ClientConfig) -> None:
    assert config.theme in THEMES
    assert all(_is_french_sentence(w) for w in config.warnings)
    registry = config.registry()  # a key kept from the file serves no other action where both are live
    for action_id, keys in config.keymap.items():
        action = registry[action_id]
        assert action.keys == keys
        assert not any(
            set(keys) & set(other.keys) and live_contexts(other) & live_contexts(action)
            for other in registry.actions
            if other.id != action_id
        )
    assert registry.conflicts() == []


@PROPERTIES
@given(toml_text(max_size=200))
@example("[keys\nlogout = ")
@example("keys = 3")
@example("[display]\ntheme = [1, 2]")
def test_any_text_gives_a_config_or_a_french_warning(text):
    _check_config(parse_config(text))


@PROPERTIES
@given(config_files())
def test_any_toml_file_gives_a_config_and_says_what_it_ignored(text):
    config = parse_config(text)
    _check_config(config)
    theme = tomllib.loads(text)["display"].get("theme")
    if theme in THEMES:
        assert config.theme == theme
    else:
        assert config.theme == DEFAULT_THEME
        assert theme is None or any(w.startswith("Thème inconnu") for w in config.warnings)
