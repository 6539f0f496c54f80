"""The guard language: what it accepts and computes, what it refuses (and where), and that
nothing written in a guard can reach Python."""

from __future__ import annotations

import builtins
import os
import sys
from contextlib import contextmanager

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from negsim.guards import (
    BOOL,
    FLOAT,
    INT,
    MAX_LENGTH,
    MAX_NESTING,
    MAX_TOKENS,
    STR,
    Guard,
    GuardError,
    GuardRuntimeError,
    compile_guard,
    type_of,
)

TYPES = {"ready": BOOL, "shelling": BOOL, "count": INT, "cap": INT, "ratio": FLOAT, "place": STR}
STATES = frozenset({"open", "signed", "turned_back"})
ENV = {"ready": True, "shelling": False, "count": 7, "cap": 2000, "ratio": 0.5, "place": "idlib", "state": "open"}


def run(text: str, **changes: object) -> bool:
    guard = compile_guard(text, TYPES, STATES)
    result = guard({**ENV, **changes})
    assert type(result) is bool
    return result


def refused(text: str, types=TYPES, states=STATES) -> tuple[int, str]:
    with pytest.raises(GuardError) as info:
        compile_guard(text, types, states)
    return info.value.offset, info.value.message


# --- accepted forms and their values ------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ready", True),
        ("shelling", False),
        ("true", True),
        ("false", False),
        ("not shelling", True),
        ("not not ready", True),
        ("ready and shelling", False),
        ("ready or shelling", True),
        ("shelling or not ready or count == 7", True),
        # 'and' binds tighter than 'or', 'not' tighter than both
        ("ready or shelling and false", True),
        ("(ready or shelling) and false", False),
        ("not ready or true", True),
        ("not (ready or true)", False),
        ("count == 7", True),
        ("count != 7", False),
        ("count < 8 and count <= 7 and count > 6 and count >= 7", True),
        ("cap <= 2000", True),
        ("ready == true", True),
        ("ready != shelling", True),
        ('place == "idlib"', True),
        ("place == 'idlib'", True),
        ('place < "j" and place > "h"', True),
        ('place in ["idlib", "aleppo"]', True),
        ('place not in ["idlib", "aleppo"]', False),
        ("count in [1, 7, 9]", True),
        ("count in []", False),
        ("count not in [1, 2,]", True),
        ("count in [cap, count]", True),
        ("ratio in [0.5, 1]", True),
        ("ready in [true]", True),
        ("count + 1 == 8", True),
        ("count - 10 == -3", True),
        ("count * 2 == 14", True),
        ("count / 2 == 3.5", True),
        ("count % 4 == 3", True),
        ("-count % 4 == 1", True),
        ("2 + 3 * 4 == 14", True),
        ("(2 + 3) * 4 == 20", True),
        ("10 - 4 - 3 == 3", True),
        ("12 / 2 / 3 == 2", True),
        ("- - count == 7", True),
        ("-(count + 1) == -8", True),
        # integers and numbers mix freely
        ("ratio * 4 == 2", True),
        ("count + ratio == 7.5", True),
        ("count == 7.0", True),
        ("ratio < count", True),
        ("1.5e3 == 1500", True),
        ("2E-1 == 0.2", True),
        ('state == "open"', True),
        ('state != "signed"', True),
        ('state in ["open", "turned_back"]', True),
        ('"signed" == state', False),
        ("ready\n  and count > 1", True),
    ],
)
def test_accepted_forms_and_their_values(text, expected):
    assert run(text) is expected


@pytest.mark.parametrize(
    "text, value",
    [
        (r'"say \"yes\""', 'say "yes"'),
        (r"'it\'s'", "it's"),
        (r'"back\\slash"', "back\\slash"),
        (r"""'both " and \''""", "both \" and '"),
        ('"é, ü and 中文"', "é, ü and 中文"),
        ('""', ""),
    ],
)
def test_string_literals_with_escapes(text, value):
    assert run(f"place == {text}", place=value) is True
    assert run(f"place != {text}", place=value + "x") is True


def test_guards_follow_the_facts_they_are_given():
    guard = compile_guard("cap <= 2000 and not shelling", TYPES)
    assert guard({"cap": 2000, "shelling": False}) is True
    assert guard({"cap": 10000, "shelling": False}) is False
    assert guard({"cap": 2000, "shelling": True}) is False


def test_a_compiled_guard_keeps_its_text_and_the_facts_it_reads():
    guard = compile_guard('count > cap or state == "open" or count in [ratio]', TYPES, STATES)
    assert isinstance(guard, Guard)
    assert guard.text == 'count > cap or state == "open" or count in [ratio]'
    assert guard.reads == frozenset({"count", "cap", "ratio"})


def test_or_and_and_short_circuit():
    assert run("ready or count / 0 > 1") is True
    assert run("shelling and count % 0 > 1") is False


def test_without_a_list_of_states_any_state_name_is_accepted():
    assert compile_guard('state == "anything"', TYPES)({"state": "anything"}) is True


@pytest.mark.parametrize(
    "value, expected",
    [(True, BOOL), (False, BOOL), (0, INT), (-3, INT), (1.5, FLOAT), ("x", STR)],
)
def test_type_of_fact_values(value, expected):
    assert type_of(value) == expected


@pytest.mark.parametrize("value", [None, [1], {"a": 1}, b"x"])
def test_type_of_refuses_other_values(value):
    with pytest.raises(TypeError):
        type_of(value)


# --- evaluation errors -------------------------------------------------------


@pytest.mark.parametrize(
    "text, cap",
    [("count / cap > 1", 0), ("count % cap == 0", 0), ("ratio / (cap - 2000) > 1", 2000), ("1 / 0.0 > 1", 1)],
)
def test_division_by_zero_at_evaluation_raises_guard_runtime_error(text, cap):
    with pytest.raises(GuardRuntimeError) as info:
        compile_guard(text, TYPES)({**ENV, "cap": cap})
    assert str(info.value) == f"division by zero in guard '{text}'"


@pytest.mark.parametrize("text", ["count * ratio > 1", "count / 3 > 1", "count + 0.5 > 1", "count % 1.5 > 1"])
def test_an_integer_too_large_for_a_number_raises_guard_runtime_error(text):
    with pytest.raises(GuardRuntimeError) as info:
        compile_guard(text, TYPES)({**ENV, "count": 10**400})
    assert str(info.value) == f"a number grew too large in guard '{text}'"


# --- refusals, each with its offset in the guard -----------------------------


@pytest.mark.parametrize(
    "text, offset, message",
    [
        # not Python: no attributes, calls, subscripts or statements
        ("ready.real", 5, "attribute access ('.') is not allowed in guards; name a fact directly"),
        ("count()", 0, "function calls are not allowed in guards ('count(...)')"),
        ("(count)(1)", 7, "function calls are not allowed in guards"),
        ("place[0] == 'i'", 5, "subscripts ('[...]') are not allowed in guards"),
        ("[1, 2][0] == 1", 6, "subscripts ('[...]') are not allowed in guards"),
        ("import os", 0, "imports are not allowed in guards"),
        ("ready and import", 10, "imports are not allowed in guards"),
        ("lambda x", 0, "lambdas are not allowed in guards"),
        ("lambda: 1", 6, "slices, lambdas and type hints are not allowed in guards"),
        ("__class__", 0, "names starting with '_' are not allowed in guards ('__class__')"),
        ("_private", 0, "names starting with '_' are not allowed in guards ('_private')"),
        ("count ** 2 > 1", 6, "powers ('**') are not allowed in guards; multiply instead"),
        ("count = 1", 6, "use '==' to compare; '=' is not allowed in guards"),
        ("count >== 1", 8, "use '==' to compare; '=' is not allowed in guards"),
        ("1 < count < 3", 10, "comparisons cannot be chained; join them with 'and'"),
        ("ready == true == true", 14, "comparisons cannot be chained; join them with 'and'"),
        ("count in [1] in [true]", 13, "comparisons cannot be chained; join them with 'and'"),
        ("True", 0, "write 'true' in lowercase"),
        ("ready == False", 9, "write 'false' in lowercase"),
        ("count == None", 9, "there is no null value in guards"),
        ("place != null", 9, "there is no null value in guards"),
        ("ready is true", 6, "use '==' or '!=' to compare; 'is' is not allowed"),
        ("1 if ready else 0", 2, "conditional expressions are not allowed in guards; combine conditions with 'and'/'or'"),
        ("yield", 0, "'yield' is not allowed in guards"),
        ("!ready", 0, "use 'not' for negation and '!=' for 'not equal'"),
        ("ready && true", 6, "use 'and' instead of '&'"),
        ("ready || true", 6, "use 'or' instead of '|'"),
        ("count in {1, 2}", 9, "sets and dictionaries are not allowed in guards; use a list such as [1, 2]"),
        ("ready; shelling", 5, "only one expression is allowed in a guard"),
        ("~count", 0, "bitwise operators are not allowed in guards"),
        ("count ^ 1", 6, "bitwise operators are not allowed in guards"),
        ("ready # a comment", 6, "comments are not allowed inside a guard"),
        ("ready \\", 6, "backslashes are only allowed inside quoted strings"),
        ("`ready`", 0, "backticks are not allowed in guards"),
        ("count @ cap", 6, "decorators and matrix products are not allowed in guards"),
        ("count $ 1", 6, "unexpected character '$' in guard"),
        ("+count > 1", 0, "unary '+' is not allowed in guards"),
        # incomplete or unbalanced
        ("", 0, "empty guard; write an expression such as 'shelling == false'"),
        ("   ", 0, "empty guard; write an expression such as 'shelling == false'"),
        ("ready and", 9, "guard ends too early; a value is missing"),
        ("not", 3, "guard ends too early; a value is missing"),
        ("and ready", 0, "'and' needs a value before it"),
        ("in [1]", 0, "'in' needs a value before it"),
        ("(ready and shelling", 19, "expected ')' to close the '(' at character 1 of the guard, found the end of the guard"),
        ("ready and (count > 1 ready", 21, "expected ')' to close the '(' at character 11 of the guard, found 'ready'"),
        ("ready)", 5, "expected an operator such as 'and' or '==', found ')'"),
        ("ready shelling", 6, "expected an operator such as 'and' or '==', found 'shelling'"),
        ("count not ready", 6, "expected an operator such as 'and' or '==', found 'not'"),
        ("()", 1, "expected a value, found ')'"),
        ("count in [1,", 9, "list is not closed; end it with ']'"),
        ("count in [1, 2", 14, "expected ',' or ']' in the list, found the end of the guard"),
        ("count in [1 2]", 12, "expected ',' or ']' in the list, found '2'"),
        ('place == "idlib', 9, "string is not closed; end it with the same quote on the same line"),
        (r'place == "a\nb"', 11, "unknown escape '\\n' in string; only \\\\, \\' and \\\" are allowed"),
        ("9999999999999999999 > 1", 0, "integer is too large (more than 18 digits)"),
        ("1e999 > 1", 0, "number is too large"),
        # names and types against the facts
        ("redy", 0, "unknown name 'redy'; did you mean 'ready'?"),
        ("count > 1 and evacuees > 2", 14, "unknown name 'evacuees'; facts are: cap, count, place, ratio, ready, shelling"),
        ('count == "7"', 6, "cannot compare an integer with a string using '=='"),
        ("place != 1.5", 6, "cannot compare a string with a number using '!='"),
        ("ready == 1", 6, "cannot compare a boolean with an integer using '=='"),
        ("ready < shelling", 6, "'<' needs numbers or strings, not true/false"),
        ('count >= "a"', 6, "cannot compare an integer with a string using '>='"),
        ("count and ready", 0, "'and' needs true/false on the left, but got an integer"),
        ("ready or place", 9, "'or' needs true/false on the right, but got a string"),
        ("not count", 4, "'not' needs true/false on the right, but got an integer"),
        ("place + 1 == 2", 0, "'+' needs numbers, but got a string"),
        ("count * ready > 1", 8, "'*' needs numbers, but got a boolean"),
        ("-place == 1", 1, "'-' needs a number, but got a string"),
        ("count in 7", 9, "'in' needs a list such as [\"a\", \"b\"] on the right"),
        ('count in ["7"]', 6, "cannot look for an integer in a list of strings"),
        ("place not in [1, 2]", 6, "cannot look for a string in a list of integers"),
        ('count in [1, "a"]', 13, "a list mixes integers and strings"),
        ("count in [1, [2]]", 13, "lists cannot contain lists"),
        ("[1] == [1]", 4, "lists can only be used on the right of 'in' or 'not in'"),
        # a guard is true or false
        ("count", 0, "a guard must be true or false, but this is an integer"),
        ("count + 1", 0, "a guard must be true or false, but this is an integer"),
        ("ratio * 2", 0, "a guard must be true or false, but this is a number"),
        ("'yes'", 0, "a guard must be true or false, but this is a string"),
        ("[true, false]", 0, "a guard must be true or false, but this is a list of booleans"),
        ("state", 0, "a guard must be true or false, but this is a string"),
        # states
        ('state == "opne"', 9, "unknown state 'opne'; did you mean 'open'?"),
        ('"sined" != state', 0, "unknown state 'sined'; did you mean 'signed'?"),
        ('state in ["open", "turned back"]', 18, "unknown state 'turned back'; did you mean 'turned_back'?"),
        ('state not in ["collapsed"]', 14, "unknown state 'collapsed'"),
        ("state == 1", 6, "cannot compare a string with an integer using '=='"),
    ],
)
def test_refusals_say_what_and_where(text, offset, message):
    assert refused(text) == (offset, message)


def test_an_unknown_name_without_facts_has_no_list_to_offer():
    assert refused("ready", types={}) == (0, "unknown name 'ready'")


def test_unknown_names_list_at_most_eight_facts():
    types = {f"fact_{i:02d}": BOOL for i in range(10)}
    assert refused("zzz", types=types) == (
        0,
        "unknown name 'zzz'; facts are: fact_00, fact_01, fact_02, fact_03, fact_04, fact_05, fact_06, fact_07, ...",
    )


@pytest.mark.parametrize("value", [None, 1, True, ["ready"]])
def test_a_guard_must_be_text(value):
    assert refused(value) == (0, "empty guard; write an expression such as 'shelling == false'")


# --- limits ------------------------------------------------------------------------


def test_a_guard_longer_than_the_limit_is_refused():
    longest = "ready" + " " * (MAX_LENGTH - len("ready"))
    assert run(longest) is True
    assert refused(longest + " ") == (0, f"guard is longer than {MAX_LENGTH} characters")


N = MAX_NESTING


@pytest.mark.parametrize(
    "deepest, too_deep, offset",
    [
        ("(" * N + "ready" + ")" * N, "(" * (N + 1) + "ready" + ")" * (N + 1), N),
        ("not " * N + "ready", "not " * (N + 1) + "ready", 4 * N),
        ("-" * N + "1 == 1", "-" * (N + 1) + "1 == 1", N),
        ("count in " + "(" * (N - 1) + "[7]" + ")" * (N - 1), "count in " + "(" * N + "[[7]]" + ")" * N, 9 + N),
    ],
    ids=["parentheses", "not", "minus", "lists"],
)
def test_a_guard_nested_deeper_than_the_limit_is_refused(deepest, too_deep, offset):
    assert run(deepest) is True
    assert refused(too_deep) == (offset, f"guard is nested more than {MAX_NESTING} levels deep")


def test_a_guard_with_too_many_tokens_is_refused_where_the_limit_is_crossed():
    chain = " + ".join(["count"] * 220) + " > 0"  # 441 tokens, under the length limit
    offset = len(" + ".join(["count"] * 200))  # token 401 is the 201st 'count'
    assert refused(chain) == (
        offset + 3,
        f"guard has more than {MAX_TOKENS} names, values and operators; split it into conditions",
    )


def test_the_longest_allowed_chain_evaluates_even_from_deep_in_the_stack():
    terms = (MAX_TOKENS - 1) // 2  # 'count + ... + count > 0' fills the token limit
    guard = compile_guard(" + ".join(["count"] * (terms - 1)) + " > 0", TYPES)

    def deep(n: int) -> bool:
        return guard(ENV) if n == 0 else deep(n - 1)

    # a replay calls guards from inside transitions and the engine: leave them room
    assert deep(sys.getrecursionlimit() // 2) is True


# --- no way into Python ------------------------------------------------------------

ESCAPES = {
    "__import__('os').system('touch ran')": (16, "attribute access ('.') is not allowed in guards; name a fact directly"),
    "__import__('os')": (0, "function calls are not allowed in guards ('__import__(...)')"),
    "__builtins__": (0, "names starting with '_' are not allowed in guards ('__builtins__')"),
    "().__class__.__bases__": (2, "attribute access ('.') is not allowed in guards; name a fact directly"),
    "[].__class__": (2, "attribute access ('.') is not allowed in guards; name a fact directly"),
    "''.__class__.__mro__[1].__subclasses__()": (2, "attribute access ('.') is not allowed in guards; name a fact directly"),
    "open('ran', 'w')": (0, "function calls are not allowed in guards ('open(...)')"),
    "exec('open(\"ran\", \"w\")')": (0, "function calls are not allowed in guards ('exec(...)')"),
    "exec": (0, "'exec' is not part of the guard language"),
    "eval('1')": (0, "function calls are not allowed in guards ('eval(...)')"),
    "ready and eval": (10, "'eval' is not part of the guard language"),
    "compile('1', 'f', 'eval')": (0, "function calls are not allowed in guards ('compile(...)')"),
    "globals()": (0, "function calls are not allowed in guards ('globals(...)')"),
    "globals": (0, "unknown name 'globals'; facts are: cap, count, place, ratio, ready, shelling"),
    "getattr(ready, 'real')": (0, "function calls are not allowed in guards ('getattr(...)')"),
    "lambda: __import__('os')": (6, "slices, lambdas and type hints are not allowed in guards"),
    "[x for x in ().__class__.__bases__]": (14, "attribute access ('.') is not allowed in guards; name a fact directly"),
    "[x for x in place]": (1, "unknown name 'x'; facts are: cap, count, place, ratio, ready, shelling"),
    "import os; os.system('touch ran')": (9, "only one expression is allowed in a guard"),
    "import os": (0, "imports are not allowed in guards"),
    "ready or (count := 1)": (16, "slices, lambdas and type hints are not allowed in guards"),
    "f'{ready}'": (0, "unknown name 'f'; facts are: cap, count, place, ratio, ready, shelling"),
    "place == '\\x41'": (10, "unknown escape '\\x' in string; only \\\\, \\' and \\\" are allowed"),
}


@contextmanager
def python_sealed(calls: list[str]):
    """Record and refuse any call to eval, exec, compile, open or os.system meanwhile."""

    def trap(name):
        def refuse(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"the guard compiler called {name}")

        return refuse

    with pytest.MonkeyPatch.context() as mp:
        for name in ("eval", "exec", "compile", "open"):
            mp.setattr(builtins, name, trap(name))
        mp.setattr(os, "system", trap("os.system"))
        yield


@pytest.mark.parametrize("text", ESCAPES.keys())
def test_python_cannot_be_reached_through_a_guard(monkeypatch, tmp_path, text):
    monkeypatch.chdir(tmp_path)  # where 'ran' would appear
    calls: list[str] = []
    for states in (STATES, None):
        with python_sealed(calls), pytest.raises(GuardError) as info:
            compile_guard(text, TYPES, states)
        assert (info.value.offset, info.value.message) == ESCAPES[text]
    assert calls == []
    assert list(tmp_path.iterdir()) == []


# --- properties ------------------------------------------------------------------

GUARDISH = list("()[],.+-*/%<>=!\"'\\ _:;{}") + [
    "ready", "count", "ratio", "place", "state", "true", "false", "and", "or", "not", "in", "not in",
    "==", "!=", "<=", ">=", "1", "2.5", "0", '"idlib"', "'open'", "__import__", "lambda", "None", " ",
]


@settings(max_examples=400, deadline=None, database=None)
@given(st.one_of(st.text(max_size=60), st.lists(st.sampled_from(GUARDISH), max_size=25).map("".join)))
def test_arbitrary_text_compiles_or_raises_guard_error_without_eval_or_exec(text):
    calls: list[str] = []
    try:
        with python_sealed(calls):
            guard = compile_guard(text, TYPES, STATES)
    except GuardError as exc:
        assert 0 <= exc.offset <= len(text) and exc.message
        return
    finally:
        assert calls == []
    try:
        result = guard(ENV)
    except GuardRuntimeError:
        return
    assert type(result) is bool


# Well-typed guards built together with a Python function computing the same value.

FACT_VALUES = st.fixed_dictionaries(
    {
        "ready": st.booleans(),
        "shelling": st.booleans(),
        "count": st.integers(-10**6, 10**6),
        "cap": st.integers(-3, 3),
        "ratio": st.floats(-1e6, 1e6, allow_nan=False),
        "place": st.sampled_from(["idlib", "aleppo", "", 'say "x"']),
        "state": st.sampled_from(sorted(STATES)),
    }
)

ARITH = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "%": lambda a, b: a % b,
}
COMPARE = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def fact(name):
    return st.just((name, lambda env: env[name]))


def const(text, value):
    return (text, lambda env: value)


numbers = st.recursive(
    st.one_of(
        fact("count"),
        fact("cap"),
        fact("ratio"),
        st.integers(0, 10**6).map(lambda i: const(str(i), i)),
        st.floats(0, 1e6, allow_nan=False).map(lambda f: const(repr(f), f)),
    ),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(sorted(ARITH)), inner).map(
            lambda t: (f"({t[0][0]} {t[1]} {t[2][0]})", lambda env, a=t[0][1], op=ARITH[t[1]], b=t[2][1]: op(a(env), b(env)))
        ),
        inner.map(lambda t: (f"-{t[0]}", lambda env, a=t[1]: -a(env))),
    ),
    max_leaves=6,
)


def quoted(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


strings = st.one_of(
    fact("place"),
    fact("state"),
    st.text(alphabet="ab '\"\\", max_size=5).map(lambda s: const(quoted(s), s)),
)

comparisons = st.one_of(
    st.tuples(numbers, st.sampled_from(sorted(COMPARE)), numbers),
    st.tuples(strings, st.sampled_from(sorted(COMPARE)), strings),
    st.tuples(st.one_of(fact("ready"), fact("shelling")), st.sampled_from(["==", "!="]), st.sampled_from(["true", "false"]).map(lambda b: const(b, b == "true"))),
).map(lambda t: (f"{t[0][0]} {t[1]} {t[2][0]}", lambda env, a=t[0][1], op=COMPARE[t[1]], b=t[2][1]: op(a(env), b(env))))

memberships = st.one_of(
    st.tuples(numbers, st.booleans(), st.lists(numbers, max_size=3)),
    st.tuples(strings, st.booleans(), st.lists(strings, max_size=3)),
).map(
    lambda t: (
        f"{t[0][0]} {'in' if t[1] else 'not in'} [{', '.join(x[0] for x in t[2])}]",
        lambda env, a=t[0][1], yes=t[1], fs=tuple(x[1] for x in t[2]): (a(env) in [f(env) for f in fs]) == yes,
    )
)

booleans = st.recursive(
    st.one_of(
        fact("ready"),
        fact("shelling"),
        st.sampled_from([const("true", True), const("false", False)]),
        comparisons,
        memberships,
    ),
    lambda inner: st.one_of(
        inner.map(lambda t: (f"not ({t[0]})", lambda env, a=t[1]: not a(env))),
        st.tuples(inner, inner).map(lambda t: (f"({t[0][0]}) and ({t[1][0]})", lambda env, a=t[0][1], b=t[1][1]: a(env) and b(env))),
        st.tuples(inner, inner).map(lambda t: (f"({t[0][0]}) or ({t[1][0]})", lambda env, a=t[0][1], b=t[1][1]: a(env) or b(env))),
    ),
    max_leaves=5,
)


def python_value(fn, env):
    try:
        return fn(env)
    except (ZeroDivisionError, OverflowError):
        return GuardRuntimeError


@settings(max_examples=300, deadline=None, database=None)
@given(booleans, FACT_VALUES)
def test_well_typed_guards_compile_and_compute_what_python_computes(guard_and_fn, env):
    text, fn = guard_and_fn
    assume(len(text) <= MAX_LENGTH)
    guard = compile_guard(text, TYPES)  # any text may be compared with 'state' here
    expected = python_value(fn, env)
    if expected is GuardRuntimeError:
        with pytest.raises(GuardRuntimeError):
            guard(env)
    else:
        result = guard(env)
        assert type(result) is bool and result == expected


@pytest.mark.parametrize(("text", "message"), [("ready == yes", "'yes' is not a value in guards; write true"), ("off", "'off' is not a value in guards; write false")])
def test_yaml_words_for_true_and_false_are_explained(text, message):
    with pytest.raises(GuardError) as err:
        compile_guard(text, {"ready": "boolean"})
    assert err.value.message == message
