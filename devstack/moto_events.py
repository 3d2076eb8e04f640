"""Moto's EventBridge without a JSONPath parser built for every event it sends to a target.

moto renders each target's input through jsonpath_ng's `parse`, called for every path of its default input
map (nine of them) on every event and every target. `parse` builds a PLY parser each time: about 1.2 ms
here, so some 11 ms of the local stack's CPU per event and target, for the same nine strings again and
again (py-spy: about 8% of the stack's CPU in the intake benchmark, 2026-12-03). A parsed expression is a
tree that `find` only reads, so each distinct string is parsed once and the tree shared. What moto sends
is unchanged: the same code renders it from the same expressions."""

import functools
import threading
from typing import Any

_installed = threading.Lock()
_state: dict[str, Any] = {}


def install() -> None:
    """Idempotent: the first call makes this process's jsonpath_ng parse each expression once."""
    import jsonpath_ng.ext

    # moto imports `parse` from the module at each call, so the module's attribute is what it finds.
    namespace = vars(jsonpath_ng.ext)
    with _installed:
        if _state:
            return
        _state["original"] = namespace["parse"]
        namespace["parse"] = functools.lru_cache(maxsize=512)(namespace["parse"])
