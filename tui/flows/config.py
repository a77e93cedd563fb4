"""The client's configuration file: `$XDG_CONFIG_HOME/espace/config.toml`, else
`~/.config/espace/config.toml`.

```toml
[keys]                # remap an action by its id (see `tui.flows.actions`)
logout = "ctrl+d"
help = ["f1", "?"]

[display]
theme = "ansi-dark"   # textual-dark, ansi-dark, ansi-light, contraste
```

A bad entry never stops the client: it is ignored and reported as a French warning.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tui.flows.actions import (
    DEFAULT_REGISTRY,
    EVERYWHERE,
    InvalidKey,
    Registry,
    key_label,
    live_contexts,
    normalize_key,
)

THEMES = ("textual-dark", "ansi-dark", "ansi-light", "contraste")
DEFAULT_THEME = "textual-dark"
THEME_WORDS = {
    "textual-dark": "sombre",
    "ansi-dark": "couleurs du terminal, fond sombre",
    "ansi-light": "couleurs du terminal, fond clair",
    "contraste": "fort contraste",
}
"""What a theme is called for people (issue 19: never « textual-dark »); the config file takes the names."""


@dataclass
class ClientConfig:
    keymap: dict[str, tuple[str, ...]] = field(default_factory=dict)
    theme: str = DEFAULT_THEME
    warnings: list[str] = field(default_factory=list)
    path: Path | None = None

    def registry(self, base: Registry = DEFAULT_REGISTRY) -> Registry:
        return base.remapped(self.keymap)


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME")
    root = Path(base) if base else Path(env.get("HOME", str(Path.home()))) / ".config"
    return root / "espace" / "config.toml"


def parse_config(text: str, base: Registry = DEFAULT_REGISTRY) -> ClientConfig:
    import tomllib  # only when there is a configuration file

    config = ClientConfig()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        config.warnings.append(f"Fichier de configuration illisible, ignoré : {exc}.")
        return config
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        config.warnings.append("La section [keys] doit associer un nom d'action à une touche ; ignorée.")
        keys = {}
    known = {a.id for a in base.actions}
    # a screen's keys: `claims.sort = "t"` (a dotted TOML key) or `[keys.claims]` are one nested table
    keys = {
        **{k: v for k, v in keys.items() if not isinstance(v, dict)},
        **{f"{k}.{sub}": v for k, table in keys.items() if isinstance(table, dict) for sub, v in table.items()},
    }
    for action_id, value in keys.items():
        if action_id not in known:
            config.warnings.append(
                f"Action inconnue dans [keys] : « {action_id} ». Actions possibles : {', '.join(sorted(known))}."
            )
            continue
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            config.warnings.append(f"[keys] {action_id} : indiquez une touche ou une liste de touches.")
            continue
        try:
            config.keymap[action_id] = tuple(normalize_key(v) for v in values)
        except InvalidKey as exc:
            config.warnings.append(f"[keys] {action_id} : {exc} ; touche par défaut conservée.")
    # A remap that gives a key already used by another action is dropped (the defaults do not clash);
    # dropping one brings its default keys back, hence the loop until nothing clashes.
    while clashing := _clashing_remaps(base, config.keymap):
        for action_id, other_id, key in clashing:
            config.keymap.pop(action_id, None)
            config.warnings.append(
                f"[keys] {action_id} : la touche {key_label(key)} sert déjà à "
                f"« {base[other_id].description} » ; touche par défaut conservée."
            )
    display = data.get("display", {})
    theme = display.get("theme") if isinstance(display, dict) else None
    if theme is not None:
        if theme in THEMES:
            config.theme = theme
        else:
            possible = ", ".join(f"{name} ({THEME_WORDS[name]})" for name in THEMES)
            config.warnings.append(f"Thème inconnu : « {theme} ». Thèmes possibles : {possible}.")
    return config


def _clashing_remaps(base: Registry, keymap: dict[str, tuple[str, ...]]) -> list[tuple[str, str, str]]:
    registry = base.remapped(keymap)
    clashing = []
    for action_id in keymap:
        for other in registry.actions:
            action = registry[action_id]
            common = [k for k in action.keys if k in other.keys]
            # only where both keys are live: a screen's own key may be the same as another screen's, but
            # not as a key that works everywhere (Aide, Quitter), which a screen key would hide; the help
            # screen is the exception: while it is open, its keys (F1, ?, Q, Échap) all close it
            everywhere = EVERYWHERE in (action.context, other.context) and "help" not in (action.screen, other.screen)
            meet = everywhere or live_contexts(action) & live_contexts(other)
            if other.id != action_id and common and meet:
                clashing.append((action_id, other.id, common[0]))
                break
    return clashing


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> ClientConfig:
    path = path or config_path(environ)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ClientConfig(path=path)
    except OSError as exc:
        return ClientConfig(path=path, warnings=[f"Configuration non lue ({path}) : {exc.strerror}."])
    config = parse_config(text)
    config.path = path
    return config
