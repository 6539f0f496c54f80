"""The scenarios that ship with negsim, and how a SCENARIO argument is found.

A SCENARIO argument is either a path to a file or the id of a bundled
scenario (``negsim list`` shows them). Bundled files live in the package's
``scenarios`` folder once installed, or in the source checkout's top-level
``scenarios/`` folder when run from a checkout.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError, did_you_mean

_HERE = Path(__file__).resolve().parent


def bundled_dir() -> Path:
    """The folder holding the bundled scenarios."""
    for candidate in (_HERE / "scenarios", _HERE.parent / "scenarios"):
        if candidate.is_dir():
            return candidate
    return _HERE / "scenarios"


@dataclass(frozen=True, slots=True)
class Bundled:
    id: str
    path: str
    kind: str  # "scenario" (later: "variant", "exercise")


def bundled() -> list[Bundled]:
    """Bundled files, sorted by id."""
    folder = bundled_dir()
    out = []
    for path in sorted(folder.glob("*.yaml")):
        out.append(Bundled(path.stem, str(path), _kind(path)))
    return out


def _kind(path: Path) -> str:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("negsim-variant:"):
                return "variant"
            if line.startswith("negsim-exercise:"):
                return "exercise"
            if line.startswith("negsim:"):
                return "scenario"
    return "scenario"


def resolve(name: str) -> str:
    """The path of a SCENARIO argument: an existing path, or a bundled id."""
    if os.path.exists(name):
        return name
    ids = {b.id: b.path for b in bundled()}
    if name in ids:
        return ids[name]
    looks_like_path = any(ch in name for ch in "/\\") or name.endswith((".yaml", ".yml"))
    if looks_like_path:
        raise UsageError(f"no such file: {name}")
    hint = did_you_mean(name, sorted(ids))
    scenarios = ", ".join(b.id for b in bundled() if b.kind == "scenario") or "none"
    raise UsageError(f"no bundled scenario or file named '{name}'{hint} (bundled scenarios: {scenarios}; see 'negsim list')")
