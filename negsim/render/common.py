"""Small text helpers shared by the renderers."""

from __future__ import annotations

import textwrap

WIDTH = 80


def wrap(text: str, indent: str, first: str | None = None, width: int = WIDTH) -> list[str]:
    """``text`` wrapped to ``width``; the first line starts with ``first`` (default ``indent``)."""
    return textwrap.wrap(
        " ".join(text.split()),
        width=width,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [(indent if first is None else first).rstrip()]


def value(v: object) -> str:
    """A fact value as written in a scenario file."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    return repr(v) if isinstance(v, float) else str(v)


def day(at: object) -> str:
    return at.strftime("%a %d %b %Y")  # type: ignore[attr-defined]
