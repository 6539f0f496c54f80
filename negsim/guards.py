"""The guard language: small, typed, and compiled to closures once.

A guard is an expression over the scenario's facts (and ``state``) that is
true or false::

    evacuees_sought <= 2000 and not shelling
    state in ["agreed", "buses_staged"]

Grammar, loosest binding first::

    expr       := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := sum [("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in") sum]
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/" | "%") unary)*
    unary      := "-" unary | atom
    atom       := NUMBER | STRING | "true" | "false" | NAME | "(" expr ")" | "[" [expr ("," expr)*] "]"

Text is tokenised and parsed here, type-checked against the facts' declared
types, and turned into nested Python closures. Nothing is ever passed to
``eval`` or ``exec``, and no name can reach Python: attribute access, calls,
subscripts and every other construct are rejected with a message saying so.
"""

from __future__ import annotations

import operator as _op
import re
from collections.abc import Callable, Mapping
from typing import NamedTuple
from operator import itemgetter

from .errors import did_you_mean

MAX_LENGTH = 2000
MAX_NESTING = 40
MAX_TOKENS = 400  # each operator nests one closure: this bounds the depth of evaluation

BOOL, INT, FLOAT, STR = "boolean", "integer", "number", "string"
NUMERIC = (INT, FLOAT)
KEYWORDS = {"and", "or", "not", "in", "true", "false"}
RESERVED = KEYWORDS | {"state"}

Env = Mapping[str, object]
Fn = Callable[[Env], object]


class GuardError(Exception):
    """A guard that cannot be compiled; ``offset`` is 0-based within its text."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.message = message
        self.offset = offset


class GuardRuntimeError(Exception):
    """A guard failed while being evaluated (division by zero)."""


class Guard(NamedTuple):
    """A compiled guard: call ``fn(env)`` with the facts (and ``state``) to get a bool."""

    text: str
    fn: Fn
    reads: frozenset[str]
    # what compiling needs again: the types of the facts read, and the state names
    spec: tuple[tuple[tuple[str, str], ...], frozenset[str] | None] = ((), None)

    def __call__(self, env: Env) -> bool:
        return self.fn(env)  # type: ignore[return-value]

    def __reduce__(self) -> tuple[object, ...]:
        # closures do not pickle; the text does, and compiles to the same guard (for worker processes)
        return (_recompile, (self.text, self.spec))


def _recompile(text: str, spec: tuple[tuple[tuple[str, str], ...], frozenset[str] | None]) -> Guard:
    return compile_guard(text, dict(spec[0]), spec[1])


def type_of(value: object) -> str:
    """The guard type of a fact value (bool, int, float or str)."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return FLOAT
    if isinstance(value, str):
        return STR
    raise TypeError(f"not a fact value: {value!r}")


def compile_guard(text: str, types: Mapping[str, str], states: frozenset[str] | None = None) -> Guard:
    """Compile ``text`` against fact ``types`` (name -> type); raises GuardError."""
    if not isinstance(text, str) or not text.strip():
        raise GuardError("empty guard; write an expression such as 'shelling == false'")
    if len(text) > MAX_LENGTH:
        raise GuardError(f"guard is longer than {MAX_LENGTH} characters")
    parser = _Parser(text, types, states)
    expr = parser.parse()
    if expr.type != BOOL:
        raise GuardError(f"a guard must be true or false, but this is {_a(expr.type)}", expr.start)
    reads = frozenset(parser.reads)
    spec = (tuple(sorted((name, types[name]) for name in reads if name in types)), states)
    return Guard(text, expr.fn, reads, spec)


# --- tokens -----------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|%|\(|\)|\[|\]|,)
    """,
    re.VERBOSE,
)

_BAD_CHARS = {
    ".": "attribute access ('.') is not allowed in guards; name a fact directly",
    "=": "use '==' to compare; '=' is not allowed in guards",
    "!": "use 'not' for negation and '!=' for 'not equal'",
    "&": "use 'and' instead of '&'",
    "|": "use 'or' instead of '|'",
    "{": "sets and dictionaries are not allowed in guards; use a list such as [1, 2]",
    "}": "sets and dictionaries are not allowed in guards",
    "@": "decorators and matrix products are not allowed in guards",
    "`": "backticks are not allowed in guards",
    ";": "only one expression is allowed in a guard",
    ":": "slices, lambdas and type hints are not allowed in guards",
    "~": "bitwise operators are not allowed in guards",
    "^": "bitwise operators are not allowed in guards",
    "#": "comments are not allowed inside a guard",
    "\\": "backslashes are only allowed inside quoted strings",
}

_PYTHON_WORDS = {
    "import": "imports are not allowed in guards",
    "lambda": "lambdas are not allowed in guards",
    "if": "conditional expressions are not allowed in guards; combine conditions with 'and'/'or'",
    "else": "conditional expressions are not allowed in guards",
    "for": "comprehensions are not allowed in guards",
    "is": "use '==' or '!=' to compare; 'is' is not allowed",
    "True": "write 'true' in lowercase",
    "False": "write 'false' in lowercase",
    "None": "there is no null value in guards",
    "null": "there is no null value in guards",
    "yield": "'yield' is not allowed in guards",
    "await": "'await' is not allowed in guards",
    "exec": "'exec' is not part of the guard language",
    "eval": "'eval' is not part of the guard language",
}

# names a fact cannot have: the guard language would never read them as a name
UNUSABLE_NAMES = RESERVED | set(_PYTHON_WORDS)


class _Tok(NamedTuple):
    kind: str  # number, string, name, op, end
    text: str
    pos: int


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            if text.startswith(("=<", "=>"), pos):
                raise GuardError(f"write '{text[pos + 1]}=' instead of '{text[pos:pos + 2]}'", pos)
            if text.startswith("**", pos):
                raise GuardError("powers ('**') are not allowed in guards; multiply instead", pos)
            if ch in "\"'":
                raise GuardError("string is not closed; end it with the same quote on the same line", pos)
            msg = _BAD_CHARS.get(ch, f"unexpected character {ch!r} in guard")
            raise GuardError(msg, pos)
        kind = m.lastgroup or ""
        if kind == "op" and text.startswith("**", pos):
            raise GuardError("powers ('**') are not allowed in guards; multiply instead", pos)
        if kind != "space":
            if len(toks) == MAX_TOKENS:
                raise GuardError(
                    f"guard has more than {MAX_TOKENS} names, values and operators; split it into conditions", pos
                )
            toks.append(_Tok(kind, m.group(), pos))
        pos = m.end()
    toks.append(_Tok("end", "", len(text)))
    return toks


# --- parsing, type checking and compiling in one pass -------------------------


class _Expr:
    """A typed, compiled sub-expression (a plain class: made per token, defined at start-up)."""

    __slots__ = ("type", "fn", "start", "const", "value", "is_state", "items")

    def __init__(
        self,
        type: str,  # noqa: A002 - one of BOOL, INT, FLOAT, STR, or "list of <type>"
        fn: Fn,
        start: int,
        const: bool = False,
        value: object = None,
        is_state: bool = False,
        items: tuple[_Expr, ...] = (),
    ):
        self.type = type
        self.fn = fn
        self.start = start
        self.const = const
        self.value = value
        self.is_state = is_state
        self.items = items


def _a(t: str) -> str:
    if t.startswith("list"):
        return "a " + t + "s"
    return ("an " if t[0] in "aeiou" else "a ") + t


def _const(value: object, type_: str, start: int) -> _Expr:
    return _Expr(type_, lambda env: value, start, const=True, value=value)


class _Parser:
    def __init__(self, text: str, types: Mapping[str, str], states: frozenset[str] | None):
        self.text = text
        self.types = types
        self.states = states
        self.toks = _tokenize(text)
        self.i = 0
        self.depth = 0
        self.reads: set[str] = set()

    # token helpers
    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def at(self, text: str) -> bool:
        t = self.tok
        return t.text == text and t.kind in ("op", "name")

    def advance(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, text: str, what: str) -> None:
        if not self.at(text):
            raise GuardError(f"expected {what}, found {self._describe(self.tok)}", self.tok.pos)
        self.advance()

    @staticmethod
    def _describe(tok: _Tok) -> str:
        return "the end of the guard" if tok.kind == "end" else f"'{tok.text}'"

    def parse(self) -> _Expr:
        expr = self.or_()
        if self.tok.kind != "end":
            tok = self.tok
            if tok.text == "(":
                raise GuardError("function calls are not allowed in guards", tok.pos)
            if tok.text == "[":
                raise GuardError("subscripts ('[...]') are not allowed in guards", tok.pos)
            if tok.kind == "name" and tok.text in _PYTHON_WORDS:
                raise GuardError(_PYTHON_WORDS[tok.text], tok.pos)
            raise GuardError(f"expected an operator such as 'and' or '==', found {self._describe(tok)}", tok.pos)
        return expr

    def _nest(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise GuardError(f"guard is nested more than {MAX_NESTING} levels deep", pos)

    def _need_bool(self, e: _Expr, op: str, side: str) -> None:
        if e.type != BOOL:
            raise GuardError(f"'{op}' needs true/false on the {side}, but got {_a(e.type)}", e.start)

    def or_(self) -> _Expr:
        left = self.and_()
        while self.at("or"):
            self.advance()
            right = self.and_()
            self._need_bool(left, "or", "left")
            self._need_bool(right, "or", "right")
            a, b = left.fn, right.fn
            left = _Expr(BOOL, lambda env, a=a, b=b: a(env) or b(env), left.start)
        return left

    def and_(self) -> _Expr:
        left = self.not_()
        while self.at("and"):
            self.advance()
            right = self.not_()
            self._need_bool(left, "and", "left")
            self._need_bool(right, "and", "right")
            a, b = left.fn, right.fn
            left = _Expr(BOOL, lambda env, a=a, b=b: a(env) and b(env), left.start)
        return left

    def not_(self) -> _Expr:
        if self.at("not"):
            tok = self.advance()
            self._nest(tok.pos)
            operand = self.not_()
            self.depth -= 1
            self._need_bool(operand, "not", "right")
            a = operand.fn
            return _Expr(BOOL, lambda env: not a(env), tok.pos)
        return self.comparison()

    def comparison(self) -> _Expr:
        left = self.sum_()
        tok = self.tok
        op = tok.text if tok.kind in ("op", "name") else ""
        if op == "not" and self.toks[self.i + 1].text == "in":
            self.advance()
            op = "not in"
        elif op not in ("==", "!=", "<", "<=", ">", ">=", "in"):
            return left
        self.advance()
        right = self.sum_()
        expr = self._compare(op, left, right, tok.pos)
        nxt = self.tok
        if nxt.kind == "op" and nxt.text in ("==", "!=", "<", "<=", ">", ">=") or nxt.text == "in":
            raise GuardError("comparisons cannot be chained; join them with 'and'", nxt.pos)
        return expr

    def _compare(self, op: str, left: _Expr, right: _Expr, pos: int) -> _Expr:
        if op in ("in", "not in"):
            if not right.type.startswith("list"):
                raise GuardError(f"'{op}' needs a list such as [\"a\", \"b\"] on the right", right.start)
            elem = right.type[len("list of ") :]
            if right.items and not _comparable(left.type, elem):
                raise GuardError(f"cannot look for {_a(left.type)} in a list of {elem}s", pos)
            if left.is_state:
                for item in right.items:
                    self._check_state(item)
            a = left.fn
            if all(x.const for x in right.items):
                pool = frozenset(x.value for x in right.items)
                fn = (lambda env: a(env) in pool) if op == "in" else (lambda env: a(env) not in pool)
            else:
                fns = tuple(x.fn for x in right.items)
                if op == "in":
                    fn = lambda env: a(env) in [f(env) for f in fns]  # noqa: E731
                else:
                    fn = lambda env: a(env) not in [f(env) for f in fns]  # noqa: E731
            return _Expr(BOOL, fn, left.start)
        if left.type.startswith("list") or right.type.startswith("list"):
            raise GuardError("lists can only be used on the right of 'in' or 'not in'", pos)
        if op in ("==", "!="):
            if not _comparable(left.type, right.type):
                raise GuardError(f"cannot compare {_a(left.type)} with {_a(right.type)} using '{op}'", pos)
        elif left.type == BOOL or right.type == BOOL:
            raise GuardError(f"'{op}' needs numbers or strings, not true/false", pos)
        elif not _comparable(left.type, right.type):
            raise GuardError(f"cannot compare {_a(left.type)} with {_a(right.type)} using '{op}'", pos)
        for side, other in ((left, right), (right, left)):
            if side.is_state:
                self._check_state(other)
        return _Expr(BOOL, _COMPARE[op](left, right), left.start)

    def _check_state(self, e: _Expr) -> None:
        if self.states is not None and e.const and isinstance(e.value, str) and e.value not in self.states:
            raise GuardError(
                f"unknown state '{e.value}'{did_you_mean(e.value, sorted(self.states))}", e.start
            )

    def sum_(self) -> _Expr:
        left = self.product()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            tok = self.advance()
            right = self.product()
            left = self._arith(tok, left, right)
        return left

    def product(self) -> _Expr:
        left = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/", "%"):
            tok = self.advance()
            right = self.unary()
            left = self._arith(tok, left, right)
        return left

    def _arith(self, tok: _Tok, left: _Expr, right: _Expr) -> _Expr:
        op = tok.text
        for side in (left, right):
            if side.type not in NUMERIC:
                raise GuardError(f"'{op}' needs numbers, but got {_a(side.type)}", side.start)
        result = FLOAT if op == "/" or FLOAT in (left.type, right.type) else INT
        a, b = left.fn, right.fn
        apply = _ARITH[op]
        text = self.text
        divides = op in ("/", "%")

        def fn(env: Env) -> object:
            x, y = a(env), b(env)
            if divides and y == 0:
                raise GuardRuntimeError(f"division by zero in guard '{text}'")
            try:
                return apply(x, y)
            except OverflowError:  # an integer too large to mix with a number
                raise GuardRuntimeError(f"a number grew too large in guard '{text}'") from None

        return _Expr(result, fn, left.start)

    def unary(self) -> _Expr:
        if self.tok.kind == "op" and self.tok.text == "-":
            tok = self.advance()
            self._nest(tok.pos)
            operand = self.unary()
            self.depth -= 1
            if operand.type not in NUMERIC:
                raise GuardError(f"'-' needs a number, but got {_a(operand.type)}", operand.start)
            if operand.const:
                return _const(-operand.value, operand.type, tok.pos)  # type: ignore[operator]
            a = operand.fn
            return _Expr(operand.type, lambda env: -a(env), tok.pos)  # type: ignore[operator]
        if self.tok.kind == "op" and self.tok.text == "+":
            raise GuardError("unary '+' is not allowed in guards", self.tok.pos)
        return self.atom()

    def atom(self) -> _Expr:
        tok = self.tok
        if tok.kind == "number":
            self.advance()
            if any(c in tok.text for c in ".eE"):
                value = float(tok.text)
                if value != value or value in (float("inf"), float("-inf")):
                    raise GuardError("number is too large", tok.pos)
                return _const(value, FLOAT, tok.pos)
            if len(tok.text) > 18:
                raise GuardError("integer is too large (more than 18 digits)", tok.pos)
            return _const(int(tok.text), INT, tok.pos)
        if tok.kind == "string":
            self.advance()
            return _const(_unquote(tok), STR, tok.pos)
        if tok.kind == "name":
            return self._name()
        if tok.text == "(":
            self.advance()
            self._nest(tok.pos)
            inner = self.or_()
            self.depth -= 1
            self.expect(")", f"')' to close the '(' at character {tok.pos + 1} of the guard")
            inner.start = tok.pos
            return self._no_suffix(inner)
        if tok.text == "[":
            return self._list()
        if tok.kind == "end":
            raise GuardError("guard ends too early; a value is missing", tok.pos)
        raise GuardError(f"expected a value, found {self._describe(tok)}", tok.pos)

    def _no_suffix(self, e: _Expr) -> _Expr:
        nxt = self.tok
        if nxt.text == "(" and nxt.kind == "op":
            raise GuardError("function calls are not allowed in guards", nxt.pos)
        if nxt.text == "[" and nxt.kind == "op":
            raise GuardError("subscripts ('[...]') are not allowed in guards", nxt.pos)
        return e

    def _name(self) -> _Expr:
        tok = self.advance()
        name = tok.text
        nxt = self.tok
        if nxt.kind == "op" and nxt.text == "(":
            raise GuardError(f"function calls are not allowed in guards ('{name}(...)')", tok.pos)
        if name == "true" or name == "false":
            return self._no_suffix(_const(name == "true", BOOL, tok.pos))
        if name in ("and", "or", "in"):
            raise GuardError(f"'{name}' needs a value before it", tok.pos)
        if name in _PYTHON_WORDS:
            raise GuardError(_PYTHON_WORDS[name], tok.pos)
        if name.startswith("_"):
            raise GuardError(f"names starting with '_' are not allowed in guards ('{name}')", tok.pos)
        if name == "state":
            return self._no_suffix(_Expr(STR, itemgetter("state"), tok.pos, is_state=True))
        type_ = self.types.get(name)
        if type_ is None and name.lower() in ("yes", "no", "on", "off"):
            word = "true" if name.lower() in ("yes", "on") else "false"
            raise GuardError(f"'{name}' is not a value in guards; write {word}", tok.pos)
        if type_ is None:
            hint = did_you_mean(name, sorted(self.types))
            if not hint and self.types:
                shown = ", ".join(sorted(self.types)[:8])
                more = ", ..." if len(self.types) > 8 else ""
                hint = f"; facts are: {shown}{more}"
                prev = self.toks[self.i - 2].text if self.i >= 2 else ""
                if STR in self.types.values() and ("==" in (prev, self.tok.text) or "!=" in (prev, self.tok.text)):
                    hint += f'; to compare with the text {name}, put it in quotes: "{name}"'
            raise GuardError(f"unknown name '{name}'{hint}", tok.pos)
        self.reads.add(name)
        return self._no_suffix(_Expr(type_, itemgetter(name), tok.pos))

    def _list(self) -> _Expr:
        open_ = self.advance()
        self._nest(open_.pos)
        items: list[_Expr] = []
        while not self.at("]"):
            if self.tok.kind == "end":
                raise GuardError("list is not closed; end it with ']'", open_.pos)
            item = self.sum_()
            if item.type.startswith("list"):
                raise GuardError("lists cannot contain lists", item.start)
            if items and not _comparable(items[0].type, item.type):
                raise GuardError(f"a list mixes {items[0].type}s and {item.type}s", item.start)
            items.append(item)
            if not self.at(","):
                break
            self.advance()
        self.expect("]", "',' or ']' in the list")
        self.depth -= 1
        elem = items[0].type if items else STR
        if any(i.type == FLOAT for i in items):
            elem = FLOAT
        return self._no_suffix(_Expr("list of " + elem, lambda env: None, open_.pos, items=tuple(items)))


def _comparable(a: str, b: str) -> bool:
    return a == b or (a in NUMERIC and b in NUMERIC)


def _unquote(tok: _Tok) -> str:
    body = tok.text[1:-1]
    out = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1]
            if nxt not in "\\'\"":
                raise GuardError(f"unknown escape '\\{nxt}' in string; only \\\\, \\' and \\\" are allowed", tok.pos + i + 1)
            out.append(nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _cmp(op: Callable[[object, object], bool]) -> Callable[[_Expr, _Expr], Fn]:
    def build(left: _Expr, right: _Expr) -> Fn:
        a, b = left.fn, right.fn
        if right.const:
            c = right.value
            return lambda env: op(a(env), c)
        return lambda env: op(a(env), b(env))

    return build


_ARITH: dict[str, Callable[[object, object], object]] = {
    "+": _op.add,
    "-": _op.sub,
    "*": _op.mul,
    "/": _op.truediv,
    "%": _op.mod,
}

_COMPARE = {
    "==": _cmp(_op.eq),
    "!=": _cmp(_op.ne),
    "<": _cmp(_op.lt),
    "<=": _cmp(_op.le),
    ">": _cmp(_op.gt),
    ">=": _cmp(_op.ge),
}
