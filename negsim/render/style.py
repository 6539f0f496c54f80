"""Colour for people at a terminal, and nowhere else.

The renderers write plain text; :func:`paint` adds colour to a finished text
afterwards, line by line, and only adds escape codes: remove them and the
text is byte for byte what the renderer wrote. Colour is used only when the
output goes to a terminal and ``NO_COLOR`` is not set to a non-empty value
(https://no-color.org), unless ``negsim --color`` or ``--no-color`` says
otherwise. Files and pipes always get the plain text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import cache

import click

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def enabled(stream: object, explicit: bool | None = None) -> bool:
    """Whether to colour what is written to ``stream``."""
    if explicit is not None:
        return explicit
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def plain(text: str) -> str:
    """``text`` without colour."""
    return ANSI.sub("", text)


def _bold(m: re.Match[str]) -> str:
    return click.style(m.group(0), bold=True)


def _red(m: re.Match[str]) -> str:
    return click.style(m.group(0), fg="red", bold=True)


def _green(m: re.Match[str]) -> str:
    return click.style(m.group(0), fg="green")


def _yellow(m: re.Match[str]) -> str:
    return click.style(m.group(0), fg="yellow")


def _dim(line: str) -> str:
    return click.style(line, dim=True)


Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]

@cache
def _rules() -> dict[str, list[Rule]]:
    """The patterns to colour, per command; compiled on first use, so plain runs never pay for them."""
    day = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d \w{3} \d{4}$")
    return {
        "replay": [
            (day, _bold),
            (re.compile(r"^\d\d:\d\d(?=  )"), _bold),
            (re.compile(r"BLOCKED"), _red),
            (re.compile(r"(?<=: )[a-z][a-z0-9_]* -> [a-z][a-z0-9_]*$"), _green),
            (re.compile(r"^(Final state|What-ifs|Path|Seed):"), _bold),
        ],
        "compare": [
            (re.compile(r"^run +final state +states differ from$"), _bold),
            (re.compile(r"^  (paths fork|the deal's state differs).*"), _yellow),
            (re.compile(r"^    blocked the step in the (baseline|variant) only:$"), _red),
            (re.compile(r"^  [a-z0-9][a-z0-9_.-]*:(?= )"), _bold),
        ],
        "explain": [
            (re.compile(r"^\d+\. "), _bold),
            (re.compile(r"(?<= )reaches [a-z][a-z0-9_]*"), _green),
            (re.compile(r"^\d+ minimal sets? of changes.*|^No set of changes.*"), _bold),
        ],
        "show": [
            (
                re.compile(
                    r"^(Sources|Facts \(starting values\)|Parties and their conditions|Deal states \(starts in .*\)|Transitions|Timeline)$"
                ),
                _bold,
            ),
            (re.compile(r"^  [a-z][a-z0-9_]*(?=: )"), _bold),
        ],
        "validate": [
            (re.compile(r"(?<=: )ok(?= \()"), _green),
            (re.compile(r"^[^\s].*?:\d+:\d+:"), _bold),
        ],
    }


def paint(text: str, kind: str) -> str:
    """``text`` (the output of command ``kind``) with colour added; unknown kinds stay plain."""
    rules = _rules().get(kind)
    if not rules:
        return text
    out = []
    quoting = False
    for line in text.split("\n"):
        if kind == "replay":  # the source quotes under each event, dimmed
            quoting = line.startswith('       "') or (quoting and line.startswith("        ") and line[8:9] not in (" ", ""))
            if quoting:
                out.append(_dim(line))
                continue
        for pattern, style in rules:
            line = pattern.sub(style, line)
        out.append(line)
    return "\n".join(out)
