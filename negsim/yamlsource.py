"""Read a YAML file into located nodes, safely.

``yaml.safe_load`` loses where each value came from; negsim keeps it so that
every later check can say ``FILE:LINE:COL``. This module drives PyYAML's
event parser (libyaml when available) and builds its own small node tree,
enforcing limits that hostile files would otherwise exhaust: file size,
nesting depth, and the number of nodes after expanding aliases (so a
"billion laughs" document fails fast instead of eating memory).

Scalars are typed exactly as ``yaml.safe_load`` types them (``true`` is a
bool, ``2000`` an int, ``"2000"`` a str), and each keeps its source text.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple, Union

import yaml

from .errors import Loc, Problem, ScenarioError

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000

_STD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:merge",
}

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"


class Scalar(NamedTuple):
    """A plain value with the text it was written as, and where."""

    value: object  # str | int | float | bool | None | date | datetime
    text: str  # the scalar's text (without quotes, escapes resolved)
    style: str  # '' plain, "'" or '"' quoted, '|' or '>' block
    loc: Loc
    verbatim: bool = True  # on one line and written exactly as ``text``: columns inside it are known

    @property
    def kind(self) -> str:
        return type_name(self.value)


class Seq(NamedTuple):
    """A YAML list."""

    items: tuple[Node, ...]
    loc: Loc
    kind = "list"


class Map(NamedTuple):
    """A YAML mapping, keys in file order."""

    items: tuple[tuple[Scalar, Node], ...]
    loc: Loc
    kind = "mapping"

    def get(self, key: str) -> Node | None:
        for k, v in self.items:
            if k.value == key:
                return v
        return None

    def keys(self) -> list[str]:
        return [str(k.value) for k, _ in self.items]


Node = Union[Scalar, Seq, Map]


def type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "date/time"


def read_text(path: str) -> str:
    """The file's text, or a ScenarioError saying plainly why it cannot be read."""
    if os.path.isdir(path):
        raise ScenarioError([Problem(Loc(path), "is a directory, not a YAML file")])
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError([Problem(Loc(path), "no such file")]) from None
    except OSError as exc:
        raise ScenarioError([Problem(Loc(path), f"cannot read the file: {exc.strerror or exc}")]) from None
    if len(data) > MAX_BYTES:
        raise ScenarioError(
            [Problem(Loc(path, 1, 1), f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB; a scenario is a few KiB")]
        )
    return decode(data, path)


def decode(data: bytes, path: str) -> str:
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # a UTF-8 byte order mark is fine
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = body[: exc.start].decode("utf-8")  # valid up to the bad byte; columns count characters
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        raise ScenarioError(
            [Problem(Loc(path, line, col), f"not UTF-8 text (byte 0x{body[exc.start]:02x}); save the file as UTF-8")]
        ) from None
    if "\x00" in text:
        i = text.index("\x00")
        line = text.count("\n", 0, i) + 1
        raise ScenarioError([Problem(Loc(path, line, i - (text.rfind("\n", 0, i) + 1) + 1), "file contains a NUL byte; is it binary?")])
    return text


def load(path: str) -> Node:
    """Read and parse ``path`` into a node tree (raises ScenarioError)."""
    return parse(read_text(path), path)


def parse(text: str, path: str) -> Node:
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise ScenarioError([Problem(Loc(path, 1, 1), "file is empty; a scenario file starts with 'negsim: 1'")])
    try:
        return _Composer(text, path, _Loader).compose()
    except _TooDeepForLibyaml:
        # libyaml (since PyYAML 6.0.4) stops at its own nesting limit while scanning ahead,
        # far past ours; PyYAML's Python parser reads lazily, so our limit is met where it is
        return _Composer(text, path, yaml.SafeLoader).compose()


# a line whose value starts with a quote: 'key: "...', '- "...', or '- key: "...'
_OPENS_QUOTE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s"'#][^:#]*:\s+)?(["'])(.*)$""")


def _closes(quote: str, rest: str) -> bool:
    """Whether ``rest`` (what follows an opening quote on its line) closes it."""
    if quote == '"':
        return re.search(r'(?<!\\)(?:\\\\)*"', rest) is not None
    return "'" in rest.replace("''", "")


class _TooDeepForLibyaml(Exception):
    pass


class _Composer:
    def __init__(self, text: str, path: str, loader: type = _Loader):
        self.text = text
        self.path = path
        self.loader = loader
        self.nodes = 0
        self.anchors: dict[str, tuple[Node, int]] = {}
        self.open_anchors: set[str] = set()
        self.resolver = yaml.resolver.Resolver()
        self.constructor = yaml.constructor.SafeConstructor()

    def loc(self, mark: yaml.Mark | None) -> Loc:
        if mark is None:
            return Loc(self.path, 1, 1)
        return Loc(self.path, mark.line + 1, mark.column + 1)

    def fail(self, mark: yaml.Mark | None, message: str) -> ScenarioError:
        return ScenarioError([Problem(self.loc(mark), message)])

    def compose(self) -> Node:
        bad = yaml.reader.Reader.NON_PRINTABLE.search(self.text)
        if bad is not None:  # checked here so both parsers report it alike, in characters
            i = bad.start()
            line = self.text.count("\n", 0, i) + 1
            loc = Loc(self.path, line, i - (self.text.rfind("\n", 0, i) + 1) + 1)
            raise ScenarioError([Problem(loc, f"the character U+{ord(bad.group()):04X} is not allowed in YAML; delete it")])
        try:
            events = yaml.parse(self.text, Loader=self.loader)
            return self._document(iter(events))
        except yaml.MarkedYAMLError as exc:
            if "maximum nesting depth" in str(exc.problem) and self.loader is not yaml.SafeLoader:
                raise _TooDeepForLibyaml from None
            mark = exc.problem_mark or exc.context_mark
            what = exc.problem or exc.context or "invalid YAML"
            start = exc.context_mark
            if exc.problem and exc.context and start is not None and mark is not None and start.line != mark.line:
                what += f" ({exc.context} started at line {start.line + 1}, column {start.column + 1})"
            if mark is not None and self.text[mark.index : mark.index + 1] == "\t":
                what += "; indent with spaces, not tabs"
            elif mark is not None:
                what += self._hint(what, mark.line, mark.column)
            raise self.fail(mark, f"YAML syntax error: {what}") from None
        except (yaml.YAMLError, UnicodeError) as exc:  # pragma: no cover - errors without a mark
            raise ScenarioError([Problem(Loc(self.path, 1, 1), f"YAML error: {exc}")]) from None

    def _hint(self, what: str, line: int, column: int) -> str:
        """A likely cause of a syntax error, in words: the usual ones are quoting mistakes."""
        lines = self.text.split("\n")
        for n in range(min(line, len(lines) - 1), max(-1, line - 40), -1):
            m = _OPENS_QUOTE.match(lines[n])
            if m and not _closes(m.group(1), m.group(2)):
                return f"; the quote ({m.group(1)}) opened at line {n + 1} is not closed on that line: close it with the same quote"
        if "mapping values are not allowed" in what:
            if ": " in lines[line][:column] if line < len(lines) else False:
                return "; text that contains ': ' must be in quotes, such as cite: \"Talks: no agreement\""
            return "; check this line's indentation: the keys of one mapping start in the same column"
        return ""

    def _document(self, events) -> Node:
        root: Node | None = None
        for ev in events:
            if isinstance(ev, yaml.DocumentStartEvent):
                if root is not None:
                    raise self.fail(ev.start_mark, "a second YAML document ('---') in one file; keep one document per file")
                root = self._node(next(events), events, 1)
                end = next(events)
                assert isinstance(end, yaml.DocumentEndEvent)
        if root is None:
            raise ScenarioError([Problem(Loc(self.path, 1, 1), "file is empty; a scenario file starts with 'negsim: 1'")])
        return root

    def _count(self, mark: yaml.Mark | None, n: int = 1) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            raise self.fail(
                mark, f"document has more than {MAX_NODES:,} values once aliases are expanded; is it an alias bomb?"
            )

    def _tag_ok(self, ev) -> None:
        tag = getattr(ev, "tag", None)
        if tag is not None and tag != "!" and tag not in _STD_TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise self.fail(ev.start_mark, f"unsupported YAML tag '{shown}'; only plain YAML values are allowed")

    def _node(self, ev, events, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise self.fail(ev.start_mark, f"values nested more than {MAX_DEPTH} levels deep")
        if isinstance(ev, yaml.AliasEvent):
            found = self.anchors.get(ev.anchor)
            if ev.anchor in self.open_anchors:
                raise self.fail(ev.start_mark, f"alias '*{ev.anchor}' refers to a value that contains it; recursive values are not allowed")
            if found is None:
                raise self.fail(ev.start_mark, f"unknown alias '*{ev.anchor}'")
            node, size = found
            self._count(ev.start_mark, size)
            return node
        self._tag_ok(ev)
        before = self.nodes
        self._count(ev.start_mark)
        anchor = getattr(ev, "anchor", None)
        if anchor:
            self.open_anchors.add(anchor)
        if isinstance(ev, yaml.ScalarEvent):
            node: Node = self._scalar(ev)
        elif isinstance(ev, yaml.SequenceStartEvent):
            items = []
            for child in events:
                if isinstance(child, yaml.SequenceEndEvent):
                    break
                items.append(self._node(child, events, depth + 1))
            node = Seq(tuple(items), self.loc(ev.start_mark))
        elif isinstance(ev, yaml.MappingStartEvent):
            node = self._mapping(ev, events, depth)
        else:  # pragma: no cover - the parser guarantees the event order
            raise self.fail(ev.start_mark, f"unexpected YAML event {type(ev).__name__}")
        if anchor:
            self.open_anchors.discard(anchor)
            self.anchors[anchor] = (node, self.nodes - before)
        return node

    def _mapping(self, ev, events, depth: int) -> Map:
        items: list[tuple[Scalar, Node]] = []
        seen: dict[object, Scalar] = {}
        merged: list[tuple[Scalar, Node]] = []
        for kev in events:
            if isinstance(kev, yaml.MappingEndEvent):
                break
            key = self._node(kev, events, depth + 1)
            value = self._node(next(events), events, depth + 1)
            if not isinstance(key, Scalar) or isinstance(key.value, (list, dict)):
                raise self.fail(kev.start_mark, "a mapping key must be a plain value, not a list or mapping")
            if key.text == "<<" and not key.style:
                for source in value.items if isinstance(value, Seq) else (value,):
                    if not isinstance(source, Map):
                        raise self.fail(kev.start_mark, "a merge key '<<' takes a mapping or a list of mappings")
                    merged.extend(source.items)
                continue
            hashable = key.value if not isinstance(key.value, float) else repr(key.value)
            if hashable in seen:
                first = seen[hashable]
                raise self.fail(kev.start_mark, f"duplicate key '{key.text}' (first given at line {first.loc.line})")
            seen[hashable] = key
            items.append((key, value))
        for key, value in merged:  # explicit keys win over merged ones, as in YAML 1.1
            hashable = key.value if not isinstance(key.value, float) else repr(key.value)
            if hashable not in seen:
                seen[hashable] = key
                items.append((key, value))
        return Map(tuple(items), self.loc(ev.start_mark))

    def _scalar(self, ev) -> Scalar:
        if ev.tag in (None, "!"):
            tag = self.resolver.resolve(yaml.ScalarNode, ev.value, ev.implicit)
        else:
            tag = ev.tag
        if tag == "tag:yaml.org,2002:merge":
            return Scalar("<<", ev.value, "", self.loc(ev.start_mark))
        if tag == _STR:  # most values: text needs no constructing
            value: object = ev.value
        else:
            node = yaml.ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark, ev.style)
            try:
                value = self.constructor.construct_object(node)
            except (yaml.constructor.ConstructorError, ValueError, OverflowError) as exc:
                shown = ev.value if len(ev.value) <= 40 else ev.value[:37] + "..."
                if ev.value.isdigit() or ev.value.lstrip("+-").isdigit():
                    raise self.fail(ev.start_mark, f"the number {shown!r} is too long ({len(ev.value)} digits)") from None
                raise self.fail(ev.start_mark, f"bad value {shown!r}: {getattr(exc, 'problem', exc)}") from None
        quotes = 2 if ev.style in ("'", '"') else 0
        verbatim = (
            ev.start_mark.line == ev.end_mark.line
            and ev.end_mark.column - ev.start_mark.column == len(ev.value) + quotes
        )
        return Scalar(value, ev.value, ev.style or "", self.loc(ev.start_mark), verbatim)

