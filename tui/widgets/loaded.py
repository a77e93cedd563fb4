"""``isinstance`` against a class whose module may not be imported yet (start-up speed, issue 11).

An object cannot be an instance of a class whose module was never imported, so the check answers False
without importing it: the app can ask "is the dashboard on show?" or "is this a TextArea?" at every key
press and still start without loading the dashboard or the text editor.
"""

from __future__ import annotations

import sys


def is_loaded_instance(obj: object, module: str, name: str) -> bool:
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(obj, getattr(loaded, name))
