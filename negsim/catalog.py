"""The scenarios that ship with negsim, and how a SCENARIO argument is found.

A SCENARIO argument is either a path to a file or the id of a bundled
scenario or variant (``negsim list`` shows them). Bundled files live in the
package's ``scenarios`` folder once installed, or in the source checkout's
top-level ``scenarios/`` folder when run from a checkout.
"""

from __future__ import annotations

import os
from typing import NamedTuple

from .errors import UsageError, did_you_mean

_HERE = os.path.dirname(os.path.abspath(__file__))


def bundled_dir() -> str:
    """The folder holding the bundled scenarios."""
    for candidate in (os.path.join(_HERE, "scenarios"), os.path.join(os.path.dirname(_HERE), "scenarios")):
        if os.path.isdir(candidate):
            return candidate
    return os.path.join(_HERE, "scenarios")


class Bundled(NamedTuple):
    """A file that ships with negsim."""

    id: str
    path: str
    kind: str  # "scenario", "variant" or "exercise"


def bundled() -> list[Bundled]:
    """Bundled files, sorted by id."""
    folder = bundled_dir()
    names = sorted(n for n in os.listdir(folder) if n.endswith(".yaml")) if os.path.isdir(folder) else []
    return [Bundled(n[: -len(".yaml")], os.path.join(folder, n), _kind(os.path.join(folder, n))) for n in names]


def heading(path: str) -> tuple[str, str | None]:
    """A bundled file's title and (for a variant) its base, read without checking the file."""
    from .yamlsource import Map, Scalar, load

    root = load(path)
    fields = [root.get(k) if isinstance(root, Map) else None for k in ("title", "base")]
    title, base = (f.text if isinstance(f, Scalar) else None for f in fields)
    return title or "", base


def _kind(path: str) -> str:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("negsim-variant:"):
                return "variant"
            if line.startswith("negsim-exercise:"):
                return "exercise"
            if line.startswith("negsim:"):
                return "scenario"
    return "scenario"


def is_exercise(path: str) -> bool:
    """Whether the file at ``path`` declares itself an exercise (``negsim-exercise:`` at the top level)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(64 * 1024)  # the format key comes first; never read a huge file here
    except OSError:
        return False  # loading it reports the problem
    return any(line.startswith(b"negsim-exercise:") for line in head.splitlines())


def resolve(name: str, kind: str = "scenario") -> str:
    """The path of a SCENARIO argument: an existing path, or a bundled id.

    ``kind`` only shapes the message when nothing is found.
    """
    if os.path.exists(name):
        return name
    looks_like_path = any(ch in name for ch in "/\\") or name.endswith((".yaml", ".yml"))
    if looks_like_path:
        raise UsageError(f"no such file: {name}")
    candidate = os.path.join(bundled_dir(), name + ".yaml")
    if name and os.path.isfile(candidate):
        return candidate
    for suffix in (".yaml", ".yml"):  # 'negsim replay my-deal' beside my-deal.yaml
        if name and os.path.isfile(name + suffix):
            raise UsageError(f"no bundled {kind} or file named '{name}'; did you mean the file '{name}{suffix}'?")
    everything = bundled()
    same_kind = [b.id for b in everything if b.kind == kind]
    hint = did_you_mean(name, [b.id for b in everything])
    raise UsageError(
        f"no bundled {kind} or file named '{name}'{hint} (bundled {kind}s: {', '.join(same_kind) or 'none'}; see 'negsim list')"
    )
