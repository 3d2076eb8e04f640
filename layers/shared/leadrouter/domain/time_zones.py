"""Time zones from the IANA database the project ships (the `tzdata` package, pinned in the layer's lock),
never the host's: Python's `ZoneInfo(key)` reads the system database first, which differs between a
developer's machine, CI and the Lambda runtime (whose image may have none). Routing hours and the moments
shown to agents are therefore the same everywhere, and change only when the lock moves `tzdata`.

Guarantees: `zone(key)` answers the same zone for the same key in any process; a key that is not a zone of
that database (a folder such as "America", a path, an unknown name) raises `ZoneInfoNotFoundError`."""

import re
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# IANA keys are letters, digits, "_", "-" and "+" in "/"-separated parts ("Etc/GMT+5"): no dots, so no
# key can climb out of the database's folder.
_KEY = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*")


@lru_cache(maxsize=512)
def zone(key: str) -> ZoneInfo:
    if len(key) > 64 or not _KEY.fullmatch(key):
        raise ZoneInfoNotFoundError(f"No time zone found with key {key}")
    *folders, name = key.split("/")
    try:
        data = resources.files(".".join(["tzdata.zoneinfo", *folders])).joinpath(name)
        with data.open("rb") as file:
            return ZoneInfo.from_file(file, key=key)
    except (ImportError, FileNotFoundError, IsADirectoryError, ValueError) as exc:
        # ValueError: a file of the package that is not a zone (its __init__.py).
        raise ZoneInfoNotFoundError(f"No time zone found with key {key}") from exc


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every key of that database, sorted: the choices of a company's time zone in the console."""
    listed = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return tuple(sorted(line.strip() for line in listed.splitlines() if line.strip()))
