"""Event-data codes: CAMEO event and actor codes a timeline event may carry.

A scenario's events can say what they are in the vocabulary of event-data
sets (GDELT, ICEWS, Phoenix), so that a replay can be written as rows that
sit beside those data (``negsim replay --format events-csv``). The codes a
file may use are listed in ``negsim/data/cameo-events.txt`` and
``cameo-actors.txt``: a checked subset of the CAMEO codebook, never an
invented code. This module reads those lists (once, when a scenario first
uses ``codes``) and checks a ``codes`` mapping against them.
"""

from __future__ import annotations

import os
from functools import cache

from .checks import Checker
from .errors import did_you_mean
from .model import Codes
from .yamlsource import Node, Scalar

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
KEYS = ("event", "source", "target")


def _rows(name: str) -> list[list[str]]:
    with open(os.path.join(DATA, name), encoding="utf-8") as fh:
        return [line.rstrip("\n").split("\t") for line in fh if line.strip() and not line.startswith("#")]


@cache
def event_codes() -> dict[str, str]:
    """CAMEO event code → label, in file order."""
    return {row[0]: row[1] for row in _rows("cameo-events.txt")}


@cache
def actor_pieces() -> dict[str, tuple[str, str]]:
    """Three-letter actor piece → (kind, label); kind is country, international or role."""
    return {row[0]: (row[1], row[2]) for row in _rows("cameo-actors.txt")}


def actor_problem(code: str) -> str | None:
    """Why ``code`` is not a usable actor code, or None when it is."""
    if not code.isascii() or not code.isalpha() or not code.isupper() or len(code) % 3 or not code:
        return "must be three-letter CAMEO pieces in capitals, such as SYR, SYRGOV or IGOUNO"
    known = actor_pieces()
    pieces = [code[i : i + 3] for i in range(0, len(code), 3)]
    for n, piece in enumerate(pieces):
        kind = known.get(piece, ("", ""))[0]
        if n == 0 and kind not in ("country", "international"):
            if kind == "role":
                return f"starts with the role '{piece}'; put a country or international code first, e.g. SYR{piece}"
            firsts = [k for k, (kd, _) in known.items() if kd in ("country", "international")]
            hint = did_you_mean(piece, firsts) or "; see negsim/data/cameo-actors.txt for the codes negsim knows"
            return f"has the unknown country code '{piece}'{hint}"
        if n > 0 and kind == "country":
            return f"has the country code '{piece}' where a role belongs; one country first, then roles such as GOV or REB"
        if n > 0 and kind not in ("role", "international"):
            roles = [k for k, (kd, _) in known.items() if kd in ("role", "international")]
            hint = did_you_mean(piece, roles) or "; roles: " + ", ".join(sorted(roles))
            return f"has the unknown role '{piece}'{hint}"
    return None


def check_codes(c: Checker, node: Node | None, what: str) -> Codes | None:
    """The ``codes`` of an event: ``{event: "0871", source: RUS, target: SYRREB}``."""
    m = c.mapping(node, f"codes of {what}")
    if m is None:
        return None
    c.keys(m, f"codes of {what}", ("event",), ("source", "target"))
    values: dict[str, str | None] = {}
    ok = True
    for key in KEYS:
        value = m.get(key)
        values[key] = None
        if value is None:
            continue
        if isinstance(value, Scalar) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
            example = f'"{value.text}"' if key == "event" else value.text
            c.error(
                value,
                f"codes of {what}: {key} code {value.text} must be in quotes ({example}); "
                f"unquoted, YAML reads it as the number {value.value!r}",
            )
            ok = False
            continue
        text = c.text(value, f"codes of {what}: {key}")
        if text is None:
            ok = False
            continue
        if key == "event":
            if text not in event_codes():
                hint = did_you_mean(text, event_codes()) or "; see negsim/data/cameo-events.txt for the codes negsim knows"
                c.error(value, f"codes of {what}: unknown CAMEO event code '{text}'{hint}")
                ok = False
                continue
        else:
            problem = actor_problem(text)
            if problem:
                c.error(value, f"codes of {what}: {key} actor '{text}' {problem}")
                ok = False
                continue
        values[key] = text
    if not ok or values["event"] is None:
        return None
    return Codes(values["event"], values["source"], values["target"], m.loc)
