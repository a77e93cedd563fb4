"""THE vocabulary (models.domain.vocabulary): every enumeration the API speaks has its words there, and no
module of the server, the domain or the demo world keeps a table of its own that maps a status to words
(the client has the same guard, tests/tui/test_accessibility.py)."""

from __future__ import annotations

import ast
import enum
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import models.schemas
from models.domain import states, vocabulary
from models.domain.tariffs import SECTORS

ROOT = Path(__file__).resolve().parents[2]
FRENCH = re.compile(r"[a-zà-ÿ]{3,}", re.IGNORECASE)


def _enums() -> list[type[enum.Enum]]:
    found: dict[str, type[enum.Enum]] = {}
    modules = [
        importlib.import_module(f"models.schemas.{i.name}") for i in pkgutil.iter_modules(models.schemas.__path__)
    ]
    for module in [*modules, states]:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, enum.Enum) and value.__module__ == module.__name__:
                found[value.__name__] = value
    found.pop("ClaimEvent", None)  # events of the machine, never shown
    found.pop("PaymentEvent", None)
    return sorted(found.values(), key=lambda e: e.__name__)


@pytest.mark.parametrize("enumeration", _enums(), ids=lambda e: e.__name__)
def test_every_enumeration_has_its_words(enumeration):
    for value in enumeration:
        words = vocabulary.status_words(value)
        assert words and FRENCH.search(words) and words != value.value, f"{enumeration.__name__}.{value.name}"


def test_every_act_of_the_engine_has_its_words_and_every_poste_its_label():
    from models.domain.tariffs import known_act_codes

    assert known_act_codes() <= set(vocabulary.ACT_LABELS)
    assert set(vocabulary.CLAIM_EVENT_LABELS) <= set(vocabulary.CARE_CATEGORY_LABELS)


def test_no_module_outside_the_vocabulary_maps_a_status_to_words():
    names = {e.__name__ for e in _enums()}
    problems = []
    for folder in ("server", "models", "fixtures"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name == "vocabulary.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Dict):
                    continue
                for key, value in zip(node.keys, node.values, strict=True):
                    keyed = isinstance(key, ast.Attribute) and isinstance(key.value, ast.Name) and key.value.id in names
                    worded = (
                        isinstance(value, ast.Constant) and isinstance(value.value, str) and FRENCH.search(value.value)
                    )
                    if keyed and worded and value.value not in SECTORS:  # engine codes, not words
                        problems.append(f"{path.relative_to(ROOT)}:{node.lineno} {key.value.id}.{key.attr}")
    assert problems == []


def test_months_are_written_once():
    assert vocabulary.MONTHS[7] == "août" and vocabulary.date_long(__import__("datetime").date(2026, 8, 1)) == (
        "1er août 2026"
    )
