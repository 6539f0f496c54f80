"""Shape checks shared by every negsim file format.

A :class:`Checker` walks located YAML nodes, collects every problem it finds
(never just the first), and hands back plain Python values for the parts
that are well formed. Format modules (``scenario``, later variants and
exercises) declare their keys and call these helpers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from .errors import Loc, Problem, ScenarioError, did_you_mean
from .guards import Guard, GuardError, compile_guard
from .yamlsource import Map, Node, Scalar, Seq, type_name

ID = re.compile(r"^[a-z][a-z0-9_]*\Z")
SCENARIO_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*\Z")
OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})\Z")
DURATION = re.compile(r"^(?:([0-9]{1,9})h)?(?:([0-9]{1,9})m)?\Z")
MAX_JITTER = 7 * 24 * 60  # a week, in minutes
LOCAL_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?([+-][0-9]{2}(:?[0-9]{2})?|Z)?\Z")


# The key that opens each kind of negsim file, and how to use a file of that kind elsewhere.
FILE_KINDS = {
    "negsim": ("scenario", "run it with 'negsim replay FILE'"),
    "negsim-variant": ("variant", "use it with --variant FILE"),
    "negsim-exercise": ("exercise", ""),
}


class Checker:
    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    # --- reporting ----------------------------------------------------------
    def error(self, where: Node | Loc, message: str) -> None:
        loc = where if isinstance(where, Loc) else where.loc
        self.problems.append(Problem(loc, message))

    def raise_if_any(self) -> None:
        if self.problems:
            unique = dict.fromkeys(self.problems)
            raise ScenarioError(sorted(unique, key=lambda p: (p.loc.line, p.loc.col)))

    def format_header(self, top: Map, key: str, version: int = 1) -> bool:
        """Check the line that opens a file (``negsim: 1``, ``negsim-variant: 1``, ...).

        A file of another kind is named as such, with how to use it instead.
        """
        kind = FILE_KINDS[key][0]
        node = top.get(key)
        if node is None:
            for other, (other_kind, hint) in FILE_KINDS.items():
                if other != key and top.get(other) is not None:
                    self.error(top.loc, f"this is {_an(other_kind)} file, not {_an(kind)}" + (f"; {hint}" if hint else ""))
                    return False
            self.error(top.loc, f"not a negsim {kind}: the first line should be '{key}: {version}'")
            return False
        if not (isinstance(node, Scalar) and type(node.value) is int and node.value == version):
            shown = f"a {node.kind}" if not isinstance(node, Scalar) else (
                f'"{node.text}"' if isinstance(node.value, str) else node.text
            )
            self.error(node, f"{kind} format version {shown} is not supported; this negsim reads '{key}: {version}'")
            return False
        return True

    # --- shapes -------------------------------------------------------------
    def mapping(self, node: Node | None, what: str) -> Map | None:
        if node is None:
            return None
        if isinstance(node, Map):
            return node
        self.error(node, f"{what} must be a mapping (key: value lines), not {_kind(node)}")
        return None

    def sequence(self, node: Node | None, what: str) -> Seq | None:
        if node is None:
            return None
        if isinstance(node, Seq):
            return node
        self.error(node, f"{what} must be a list ('- item' lines), not {_kind(node)}")
        return None

    def keys(self, node: Map, what: str, required: Iterable[str], optional: Iterable[str]) -> None:
        """Report unknown keys (with a did-you-mean) and missing required ones."""
        required = tuple(required)
        allowed = set(required) | set(optional)
        present = set()
        for key, _ in node.items:
            name = key.value
            if not isinstance(name, str):
                self.error(key, f"{what}: key {key.text!r} must be a word, not {type_name(name)}")
                continue
            present.add(name)
            if name not in allowed:
                hint = did_you_mean(name, sorted(allowed))
                if not hint:
                    hint = "; allowed keys: " + ", ".join(sorted(allowed))
                self.error(key, f"unknown key '{name}' in {what}{hint}")
        for name in required:
            if name not in present:
                self.error(node, f"{what} is missing the required key '{name}'")

    def identifier(self, key: Scalar, what: str, pattern: re.Pattern[str] = ID) -> str | None:
        name = key.value
        if isinstance(name, str) and pattern.match(name):
            return name
        rule = (
            "lowercase letters, digits and '_', starting with a letter"
            if pattern is ID
            else "lowercase letters, digits, '-', '_' and '.'"
        )
        self.error(key, f"{what} '{key.text}' is not a valid id: use {rule}")
        return None

    def text(self, node: Node | None, what: str, *, allow_empty: bool = False) -> str | None:
        if node is None:
            return None
        if isinstance(node, Scalar) and isinstance(node.value, str):
            if not allow_empty and not node.value.strip():
                self.error(node, f"{what} is empty")
                return None
            return node.value
        if isinstance(node, Scalar) and node.value is not None and not isinstance(node.value, bool):
            return node.text  # numbers and dates read as text where text is expected
        self.error(node, f"{what} must be text, not {_kind(node)}")
        return None

    def texts(self, node: Node | None, what: str) -> tuple[str, ...] | None:
        """One string or a list of strings."""
        if node is None:
            return None
        if isinstance(node, Seq):
            out = []
            for item in node.items:
                value = self.text(item, what)
                if value is not None:
                    out.append(value)
            return tuple(out)
        value = self.text(node, what)
        return None if value is None else (value,)

    def boolean(self, node: Node | None, what: str) -> bool | None:
        if node is None:
            return None
        if isinstance(node, Scalar) and isinstance(node.value, bool):
            return node.value
        self.error(node, f"{what} must be true or false, not {_kind(node)}")
        return None

    def number(self, node: Node | None, what: str) -> float | None:
        """A finite int or float (booleans are not numbers here)."""
        if node is None:
            return None
        v = node.value if isinstance(node, Scalar) else None
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and v not in (float("inf"), float("-inf")):
            return v
        if isinstance(v, float):
            self.error(node, f"{what} must be a finite number, not {_shown(node)}")
            return None
        if isinstance(v, str) and re.fullmatch(r"[+-]?[0-9]+(\.[0-9]*)?[eE][+-]?[0-9]+", v):
            self.error(node, f"{what} must be a number; YAML reads {_shown(node)} as text: write it with a decimal point, such as 1.0e-3")
            return None
        self.error(node, f"{what} must be a number, not {_kind(node)}")
        return None

    def probability(self, node: Node | None, what: str) -> float | None:
        p = self.number(node, what)
        if p is not None and not 0 <= p <= 1:
            self.error(node, f"{what} must be a probability between 0 and 1, not {_shown(node)}")  # type: ignore[arg-type]
            return None
        return None if p is None else float(p)

    def duration(self, node: Node | None, what: str) -> int | None:
        """A duration such as '30m', '2h' or '1h30m', in minutes."""
        if node is None:
            return None
        text = node.text if isinstance(node, Scalar) and isinstance(node.value, str) else ""
        m = DURATION.match(text)
        if not text or not m:
            self.error(node, f"{what} must be a duration such as '30m', '2h' or '1h30m', not {_kind(node)}")
            return None
        minutes = int(m.group(1) or 0) * 60 + int(m.group(2) or 0)
        if minutes > MAX_JITTER:
            self.error(node, f"{what} is longer than a week ({MAX_JITTER // 60}h)")
            return None
        return minutes

    def offset(self, node: Node | None, what: str) -> timezone | None:
        if node is None:
            return None
        text = node.text if isinstance(node, Scalar) else ""
        if text in ("Z", "UTC"):
            return timezone.utc
        m = OFFSET.match(text)
        if m and int(m.group(2)) <= 14 and int(m.group(3)) < 60:
            minutes = int(m.group(2)) * 60 + int(m.group(3))
            return timezone(timedelta(minutes=-minutes if m.group(1) == "-" else minutes))
        self.error(node, f"{what} must be a UTC offset such as \"+02:00\" (in quotes), not {_shown(node)}")
        return None

    def local_time(self, node: Node | None, tz: timezone | None, what: str) -> datetime | None:
        if node is None:
            return None
        text = node.text if isinstance(node, Scalar) else ""
        when: datetime | None = None
        if LOCAL_TIME.match(text):
            try:
                when = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
            except ValueError:
                when = None
        if when is None:
            self.error(
                node, f"{what} must be a local date and time such as 2016-12-14T05:00, not {_shown(node)}"
            )
            return None
        if tz is None:
            return None
        if when.tzinfo is None:
            return when.replace(tzinfo=tz)
        if when.utcoffset() != tz.utcoffset(None):
            self.error(
                node,
                f"{what} has the offset {when.strftime('%z')[:3]}:{when.strftime('%z')[3:]} but the scenario's "
                f"timezone is {_fmt(tz)}; write local times without an offset",
            )
            return None
        return when.astimezone(tz)

    def guard(
        self, node: Node | None, types: dict[str, str], states: frozenset[str], what: str
    ) -> Guard | None:
        if node is None:
            return None
        if isinstance(node, Scalar) and isinstance(node.value, bool):
            source = "true" if node.value else "false"
        elif isinstance(node, Scalar) and isinstance(node.value, str):
            source = node.value
        else:
            self.error(node, f"{what} must be a guard expression such as 'not shelling', not {_kind(node)}")
            return None
        try:
            return compile_guard(source, types, states)
        except GuardError as exc:
            self.error(_guard_loc(node, exc.offset), f"{what}: {exc.message}")
            return None


def _an(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _guard_loc(node: Scalar, offset: int) -> Loc:
    """Point inside a one-line guard written without escapes; else at its start."""
    if not node.verbatim:
        return node.loc
    if node.style in ("'", '"'):
        return node.loc.shifted(offset + 1)
    return node.loc.shifted(offset)


def _fmt(tz: timezone) -> str:
    from .model import format_offset

    return format_offset(tz)


def _kind(node: Node) -> str:
    if isinstance(node, Scalar):
        return f"{type_name(node.value)} {_shown(node)}" if node.value is not None else "empty (null)"
    return f"a {node.kind}"


def _shown(node: Node) -> str:
    if isinstance(node, Scalar):
        if node.value is None:
            return "empty (null)"
        text = node.text if len(node.text) <= 40 else node.text[:37] + "..."
        return repr(text)
    return f"a {node.kind}"
