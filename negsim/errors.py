"""The one small exception tree, and the located problems it carries.

Every error a user can cause ends up as a :class:`NegsimError`; the CLI maps
each class to an exit status in one place (``negsim.cli``).
"""

from __future__ import annotations

from typing import NamedTuple


class Loc(NamedTuple):
    """Where something stands in a file: 1-based line and column (0: no position)."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"

    def shifted(self, offset: int) -> Loc:
        """The same line, ``offset`` characters to the right."""
        return Loc(self.file, self.line, self.col + offset)


class Problem(NamedTuple):
    """One thing wrong with an input file, and where."""

    loc: Loc
    message: str

    def __str__(self) -> str:
        return f"{self.loc}: {self.message}"


class NegsimError(Exception):
    """Base of every error negsim raises on purpose."""

    exit_code = 1


class ScenarioError(NegsimError):
    """A file (scenario, variant, exercise) is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class RunError(NegsimError):
    """A valid scenario could not be run (e.g. a guard divided by zero)."""


class UsageError(NegsimError):
    """The command line asked for something that cannot be done."""

    exit_code = 2


def did_you_mean(word: str, choices: object) -> str:
    """`` (did you mean 'x'?)`` when a close match exists, else ``''``."""
    import difflib

    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)  # type: ignore[attr-defined]
    return f"; did you mean '{close[0]}'?" if close else ""


def known_names(name: str, choices: object, what: str) -> str:
    """A did-you-mean for ``name``, or else the list of ``what`` there are."""
    names = sorted(str(c) for c in choices)  # type: ignore[attr-defined]
    return did_you_mean(name, names) or f"; known {what}: {', '.join(names) or 'none'}"
