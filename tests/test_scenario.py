"""The scenario checker: every problem, each at FILE:LINE:COL with a message saying how to fix it.

Most tests change one thing in MINIMAL (see conftest.py, whose line numbers they
cite) and compare the full list of problems, so a new cascading error fails too.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import negsim
from negsim import scenario, yamlsource
from negsim.errors import NegsimError, ScenarioError

from .conftest import ARTICLE, MINIMAL

QUICK = 1.0  # seconds; hostile files are rejected in milliseconds


def change(old: str, new: str, text: str = MINIMAL) -> str:
    """``text`` with the one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def problems(path: str) -> list[str]:
    """Every problem load() reports, as 's.yaml:LINE:COL: message'."""
    with pytest.raises(ScenarioError) as info:
        scenario.load(path)
    assert all(p.loc.file == path for p in info.value.problems)
    return [str(p).replace(path, "s.yaml") for p in info.value.problems]


# --- valid files -------------------------------------------------------------------


def test_the_minimal_scenario_loads(write):
    sc = scenario.load(write(MINIMAL))
    assert (sc.id, sc.title, sc.initial, sc.utc_offset) == ("mini", "A minimal deal", "open", "+00:00")
    assert {f: (sc.facts[f].value, sc.facts[f].type) for f in sc.facts} == {
        "ready": (False, "boolean"),
        "count": (2, "integer"),
    }
    assert [(t.trigger, t.sources, t.dest, t.consent) for t in sc.transitions] == [
        ("sign", ("open",), "signed", ("alpha",))
    ]
    assert [(e.id, e.at, e.trigger, e.set) for e in sc.timeline] == [
        ("first_try", datetime(2020, 1, 1, 10, tzinfo=timezone.utc), "sign", ()),
        ("alpha_ready", datetime(2020, 1, 1, 11, tzinfo=timezone.utc), "sign", (("ready", True),)),
    ]
    assert sc.parties["alpha"].conditions["is_ready"].when({"ready": True}) is True
    assert sc.timeline[1].loc.line == 29 and sc.states["signed"].loc.line == 19


def test_the_article_loads_and_validates(article):
    assert article.id == "aleppo-2016-12" and article.initial == "negotiating"
    assert article.utc_offset == "+02:00"
    assert scenario.check(str(ARTICLE)) == [] and negsim.validate(str(ARTICLE)) == []


@pytest.mark.parametrize(
    "old, new",
    [
        ('timezone: "+00:00"', "timezone: +00:00"),
        ('timezone: "+00:00"', 'timezone: "UTC"'),
        ('timezone: "+00:00"', 'timezone: "Z"'),
        ("at: 2020-01-01T10:00", "at: 2020-01-01T10:00:00"),
        ("at: 2020-01-01T10:00", "at: 2020-01-01 10:00"),
        ("at: 2020-01-01T10:00", 'at: "2020-01-01T10:00"'),
        ("at: 2020-01-01T10:00", "at: 2020-01-01T10:00+00:00"),
        ("at: 2020-01-01T10:00", "at: 2020-01-01T10:00Z"),
        ("2020-01-01T11:00", "2020-01-01T10:00"),  # two events at the same time
        ("when: ready", "when: true"),
        ("when: ready", "when: 'ready and count >= 2'"),
        ("when: ready", "when: >-\n          ready and\n          count >= 2"),
        ("consent: [alpha]", "consent: alpha"),
        ("from: open", "from: [open]"),
        ("title: A minimal deal", "title: 2020"),
    ],
)
def test_accepted_variations(write, old, new):
    scenario.load(write(change(old, new)))


def test_an_integer_may_set_a_number_fact(write):
    text = change("  count: 2", "  count: 2\n  ratio: 0.5", change("      ready: true", "      ratio: 3"))
    sc = scenario.load(write(text))
    assert sc.timeline[1].set == (("ratio", 3.0),) and isinstance(sc.timeline[1].set[0][1], float)


def test_local_times_take_the_scenario_timezone(write):
    sc = scenario.load(write(change('timezone: "+00:00"', 'timezone: "-03:30"')))
    assert sc.timeline[0].at == datetime(2020, 1, 1, 10, tzinfo=timezone(-timedelta(hours=3, minutes=30)))
    assert sc.utc_offset == "-03:30"


# --- one problem at a time -------------------------------------------------------

CASES = {
    # the format
    "format version 2": ("negsim: 1", "negsim: 2", [
        "s.yaml:1:9: scenario format version 2 is not supported; this negsim reads 'negsim: 1'"]),
    "format version as text": ("negsim: 1", 'negsim: "1"', [
        "s.yaml:1:9: scenario format version \"1\" is not supported; this negsim reads 'negsim: 1'"]),
    "format version true": ("negsim: 1", "negsim: true", [
        "s.yaml:1:9: scenario format version true is not supported; this negsim reads 'negsim: 1'"]),
    "format version list": ("negsim: 1", "negsim: [1]", [
        "s.yaml:1:9: scenario format version a list is not supported; this negsim reads 'negsim: 1'"]),
    "no format line": ("negsim: 1\n", "", [
        "s.yaml:1:1: not a negsim scenario: the first line should be 'negsim: 1'"]),
    "a variant file": ("negsim: 1", "negsim-variant: 1", [
        "s.yaml:1:1: this is a variant file, not a scenario; use it with --variant FILE"]),
    "an exercise file": ("negsim: 1", "negsim-exercise: 1", [
        "s.yaml:1:1: this is an exercise file, not a scenario"]),
    # unknown and missing keys
    "unknown top key": ("title: A minimal deal", "titel: A minimal deal", [
        "s.yaml:1:1: the scenario is missing the required key 'title'",
        "s.yaml:3:1: unknown key 'titel' in the scenario; did you mean 'title'?"]),
    "unknown top key, nothing close": ("title: A minimal deal", "title: A minimal deal\nweather: sunny", [
        "s.yaml:4:1: unknown key 'weather' in the scenario; allowed keys: deal, description, facts, id, "
        "negsim, parties, sources, timeline, timezone, title"]),
    "a key that is not a word": ("title: A minimal deal", "title: A minimal deal\n2020: x", [
        "s.yaml:4:1: the scenario: key '2020' must be a word, not integer"]),
    "unknown fact key": ("  count: 2", "  count:\n    value: 2\n    txt: How many", [
        "s.yaml:9:5: unknown key 'txt' in fact 'count'; did you mean 'text'?"]),
    "fact without value": ("  count: 2", "  count:\n    text: How many", [
        "s.yaml:8:5: fact 'count' is missing the required key 'value'"]),
    "unknown party key": ("    name: Alpha", "    nmae: Alpha", [
        "s.yaml:10:5: unknown key 'nmae' in party 'alpha'; did you mean 'name'?",
        "s.yaml:10:5: party 'alpha' is missing the required key 'name'"]),
    "unknown condition key": ("        text: Alpha is ready", "        txt: Alpha is ready", [
        "s.yaml:13:9: unknown key 'txt' in condition 'alpha.is_ready'; did you mean 'text'?",
        "s.yaml:13:9: condition 'alpha.is_ready' is missing the required key 'text'"]),
    "unknown deal key": ("  initial: open", "  inital: open", [
        "s.yaml:16:3: unknown key 'inital' in deal; did you mean 'initial'?",
        "s.yaml:16:3: deal is missing the required key 'initial'"]),
    "unknown transition key": ("      consent: [alpha]", "      consnet: [alpha]", [
        "s.yaml:24:7: unknown key 'consnet' in a transition; did you mean 'consent'?"]),
    "unknown event key": ("    id: first_try\n    trigger: sign", "    id: first_try\n    triger: sign", [
        "s.yaml:28:5: unknown key 'triger' in a timeline event; did you mean 'trigger'?"]),
    "event without time": ("  - at: 2020-01-01T10:00\n    id: first_try", "  - id: first_try", [
        "s.yaml:26:5: a timeline event is missing the required key 'at'"]),
    # wrong types
    "title as a list": ("title: A minimal deal", "title: [A, deal]", [
        "s.yaml:3:8: title must be text, not a list"]),
    "description as a mapping": ("title: A minimal deal", "title: A minimal deal\ndescription: {a: 1}", [
        "s.yaml:4:14: description must be text, not a mapping"]),
    "fact as a list": ("  count: 2", "  count: [2]", [
        "s.yaml:7:10: fact 'count' must be true/false, a number or text, not a list"]),
    "fact without a value": ("  count: 2", "  count:", [
        "s.yaml:7:9: fact 'count' must be true/false, a number or text, not empty"]),
    "fact as a date": ("  count: 2", "  count: 2020-01-01", [
        "s.yaml:7:10: fact 'count' must be true/false, a number or text; put the date in quotes to use it as text"]),
    "fact NaN": ("  count: 2", "  count: .nan", [
        "s.yaml:7:10: fact 'count' must be a finite number, not .nan"]),
    "fact infinite": ("  count: 2", "  count: -.inf", [
        "s.yaml:7:10: fact 'count' must be a finite number, not -.inf"]),
    "fact named like a Python word": ("  count: 2", "  lambda: 2", [
        "s.yaml:7:3: 'lambda' is a reserved word in guards; choose another fact name"]),
    "version 1.0": ("negsim: 1", "negsim: 1.0", [
        "s.yaml:1:9: scenario format version 1.0 is not supported; this negsim reads 'negsim: 1'"]),
    "at with only an hour": ("at: 2020-01-01T10:00", "at: 2020-01-01T10", [
        "s.yaml:26:9: 'at' of event 'first_try' must be a local date and time such as 2016-12-14T05:00, not '2020-01-01T10'"]),
    "broken condition is not named again by add_conditions": (
        "        when: ready\n", "        when: ready and\n", [
        "s.yaml:14:24: condition 'alpha.is_ready': guard ends too early; a value is missing"]),
    "reserved trigger named in later messages": ("    - trigger: sign\n      from: open", "    - trigger: is_sign\n      from: opn", [
        "s.yaml:21:16: trigger name 'is_sign' is reserved; names 'state', 'trigger', 'is_…' and 'may_…' are taken by the engine",
        "s.yaml:22:13: transition 'is_sign' starts from unknown state 'opn'; did you mean 'open'?",
        "s.yaml:28:14: 'trigger' of event 'first_try' names unknown trigger 'sign'; did you mean 'is_sign'?",
        "s.yaml:33:14: 'trigger' of event 'alpha_ready' names unknown trigger 'sign'; did you mean 'is_sign'?"]),
    "party as text": ("  alpha:\n    name: Alpha", "  beta: Beta\n  alpha:\n    name: Alpha", [
        "s.yaml:9:9: party 'beta' must be a mapping (key: value lines), not string 'Beta'"]),
    "condition as text": ("      is_ready:\n        text: Alpha is ready\n        when: ready", "      is_ready: ready", [
        "s.yaml:12:17: condition 'alpha.is_ready' must be a mapping (key: value lines), not string 'ready'"]),
    "active as text": ("        when: ready", "        when: ready\n        active: maybe", [
        "s.yaml:15:17: 'active' of condition 'alpha.is_ready' must be true or false, not string 'maybe'"]),
    "consent as a mapping": ("consent: [alpha]", "consent: {alpha: yes}", [
        "s.yaml:24:16: consent must be text, not a mapping"]),
    "event as text": ("  - at: 2020-01-01T10:00\n    id: first_try\n    trigger: sign\n", "  - nothing happens\n", [
        "s.yaml:26:5: a timeline event must be a mapping (key: value lines), not string 'nothing happens'"]),
    "event id as a list": ("id: first_try", "id: [first, try]", [
        "s.yaml:27:9: event id must be a word, not a list"]),
    "set as a list": ("    set:\n      ready: true", "    set: [ready]", [
        "s.yaml:31:10: 'set' of event 'alpha_ready' must be a mapping (key: value lines), not a list"]),
    "guard as a number": ("when: ready", "when: 1", [
        "s.yaml:14:15: condition 'alpha.is_ready' must be a guard expression such as 'not shelling', not integer '1'"]),
    "empty guard": ("when: ready", "when:", [
        "s.yaml:14:14: condition 'alpha.is_ready' must be a guard expression such as 'not shelling', not empty (null)"]),
    # ids
    "bad scenario id": ("id: mini", "id: Mini Deal", [
        "s.yaml:2:5: scenario id 'Mini Deal' is not a valid id: use lowercase letters, digits, '-', '_' and '.'"]),
    "bad fact id": ("  count: 2", "  Count: 2", [
        "s.yaml:7:3: fact 'Count' is not a valid id: use lowercase letters, digits and '_', starting with a letter"]),
    "reserved fact": ("  count: 2", "  state: 2", [
        "s.yaml:7:3: 'state' is a reserved word in guards; choose another fact name"]),
    "bad event id": ("id: first_try", "id: first-try", [
        "s.yaml:27:9: event id 'first-try' is not a valid id: use lowercase letters, digits and '_', starting with a letter"]),
    "reserved trigger": ("- trigger: sign", "- trigger: may_sign", [
        "s.yaml:21:16: trigger name 'may_sign' is reserved; names 'state', 'trigger', 'is_…' and 'may_…' are taken by the engine",
        "s.yaml:28:14: 'trigger' of event 'first_try' names unknown trigger 'sign'; did you mean 'may_sign'?",
        "s.yaml:33:14: 'trigger' of event 'alpha_ready' names unknown trigger 'sign'; did you mean 'may_sign'?"]),
    # unknown states, parties, facts and triggers
    "unknown initial state": ("initial: open", "initial: opne", [
        "s.yaml:16:12: initial state 'opne' is not one of the deal's states; did you mean 'open'?"]),
    "transition from an unknown state": ("from: open", "from: opn", [
        "s.yaml:22:13: transition 'sign' starts from unknown state 'opn'; did you mean 'open'?"]),
    "transition from an unknown state in a list": ("from: open", "from: [open, closed]", [
        "s.yaml:22:20: transition 'sign' starts from unknown state 'closed'"]),
    "transition to an unknown state": ("to: signed", "to: sined", [
        "s.yaml:23:11: transition 'sign' goes to unknown state 'sined'; did you mean 'signed'?"]),
    "transition from no state": ("from: open", "from: []", [
        "s.yaml:22:13: transition 'sign' has an empty 'from' list; name the states it starts from"]),
    "no states": ("    open: Talks are open\n    signed: The deal is signed\n", "    {}\n", [
        "s.yaml:18:5: deal states is empty; declare each state as 'name: description'",
        "s.yaml:21:13: transition 'sign' starts from unknown state 'open'",
        "s.yaml:22:11: transition 'sign' goes to unknown state 'signed'"]),
    "consent of an unknown party": ("consent: [alpha]", "consent: [alpah]", [
        "s.yaml:24:17: transition 'sign' needs consent from unknown party 'alpah'; did you mean 'alpha'?"]),
    "consent given twice": ("consent: [alpha]", "consent: [alpha, alpha]", [
        "s.yaml:24:24: party 'alpha' is listed twice in the consent of transition 'sign'"]),
    "unknown trigger": ("    id: first_try\n    trigger: sign", "    id: first_try\n    trigger: sing", [
        "s.yaml:28:14: 'trigger' of event 'first_try' names unknown trigger 'sing'; did you mean 'sign'?"]),
    "set an unknown fact": ("      ready: true", "      redy: true", [
        "s.yaml:32:7: event 'alpha_ready' sets unknown fact 'redy'; did you mean 'ready'?"]),
    # states no path can reach
    "unreachable state": ("    signed: The deal is signed", "    signed: The deal is signed\n    lost: Nobody gets here", [
        "s.yaml:20:5: state 'lost' cannot be reached from the initial state 'open' by any transition"]),
    "unreachable states, in order": (
        "    signed: The deal is signed",
        "    lost: Nobody gets here\n    signed: The deal is signed\n    gone: Nor here", [
            "s.yaml:19:5: state 'lost' cannot be reached from the initial state 'open' by any transition",
            "s.yaml:21:5: state 'gone' cannot be reached from the initial state 'open' by any transition"]),
    # otherwise
    "otherwise names an unknown trigger": ("    id: first_try\n", "    id: first_try\n    otherwise: sgin\n", [
        "s.yaml:28:16: 'otherwise' of event 'first_try' names unknown trigger 'sgin'; did you mean 'sign'?"]),
    "otherwise without trigger": ("    id: first_try\n    trigger: sign", "    id: first_try\n    otherwise: sign", [
        "s.yaml:28:16: event 'first_try' has 'otherwise' but no 'trigger' to try first"]),
    # set of a wrong type
    "set a boolean to an integer": ("      ready: true", "      ready: 1", [
        "s.yaml:32:14: event 'alpha_ready' sets 'ready' to an integer (1), but 'ready' is a boolean fact"]),
    "set a boolean to text": ("      ready: true", '      ready: "yes"', [
        "s.yaml:32:14: event 'alpha_ready' sets 'ready' to a string ('yes'), but 'ready' is a boolean fact"]),
    "set an integer to a number": ("      ready: true", "      count: 2.5", [
        "s.yaml:32:14: event 'alpha_ready' sets 'count' to a number (2.5), but 'count' is an integer fact"]),
    "set an integer to text": ("      ready: true", "      count: two", [
        "s.yaml:32:14: event 'alpha_ready' sets 'count' to a string ('two'), but 'count' is an integer fact"]),
    "set to nothing": ("      ready: true", "      ready:", [
        "s.yaml:32:13: value of 'ready' must be true/false, a number or text, not empty"]),
    # add_conditions and drop_conditions
    "add for an unknown party": ("    id: first_try\n", "    id: first_try\n    add_conditions:\n      alhpa: [is_ready]\n", [
        "s.yaml:29:7: add_conditions of event 'first_try' names unknown party 'alhpa'; did you mean 'alpha'?"]),
    "add an unknown condition": ("    id: first_try\n", "    id: first_try\n    add_conditions:\n      alpha: [is_redy]\n", [
        "s.yaml:29:15: add_conditions of event 'first_try': party 'alpha' has no condition 'is_redy'; did you mean 'is_ready'?"]),
    "add an undeclared condition": ("    id: first_try\n", "    id: first_try\n    add_conditions:\n      alpha: [hostages]\n", [
        "s.yaml:29:15: add_conditions of event 'first_try': party 'alpha' has no condition 'hostages'; "
        "declare it under parties.alpha.conditions with 'active: false'"]),
    "drop an undeclared condition": ("    id: first_try\n", "    id: first_try\n    drop_conditions:\n      alpha: hostages\n", [
        "s.yaml:29:14: drop_conditions of event 'first_try': party 'alpha' has no condition 'hostages'; "
        "declare it under parties.alpha.conditions"]),
    "drop for an unknown party": ("    id: first_try\n", "    id: first_try\n    drop_conditions:\n      beta: [x]\n", [
        "s.yaml:29:7: drop_conditions of event 'first_try' names unknown party 'beta'"]),
    "add as a list": ("    id: first_try\n", "    id: first_try\n    add_conditions: [alpha]\n", [
        "s.yaml:28:21: add_conditions of event 'first_try' must be a mapping (key: value lines), not a list"]),
    # timezone and times
    "timezone out of range": ('timezone: "+00:00"', 'timezone: "+25:00"', [
        's.yaml:4:11: timezone must be a UTC offset such as "+02:00" (in quotes), not \'+25:00\'']),
    "timezone by name": ('timezone: "+00:00"', "timezone: Europe/Paris", [
        's.yaml:4:11: timezone must be a UTC offset such as "+02:00" (in quotes), not \'Europe/Paris\'']),
    "timezone without sign": ('timezone: "+00:00"', 'timezone: "02:00"', [
        's.yaml:4:11: timezone must be a UTC offset such as "+02:00" (in quotes), not \'02:00\'']),
    "timezone empty": ('timezone: "+00:00"', "timezone:", [
        's.yaml:4:10: timezone must be a UTC offset such as "+02:00" (in quotes), not empty (null)']),
    "at with a wrong offset": ("at: 2020-01-01T10:00", "at: 2020-01-01T10:00+01:00", [
        "s.yaml:26:9: 'at' of event 'first_try' has the offset +01:00 but the scenario's timezone is +00:00; "
        "write local times without an offset"]),
    "at with a wrong short offset": ("at: 2020-01-01T10:00", "at: 2020-01-01T10:00:00-05", [
        "s.yaml:26:9: 'at' of event 'first_try' has the offset -05:00 but the scenario's timezone is +00:00; "
        "write local times without an offset"]),
    "at without a time": ("at: 2020-01-01T10:00", "at: 2020-01-01", [
        "s.yaml:26:9: 'at' of event 'first_try' must be a local date and time such as 2016-12-14T05:00, not '2020-01-01'"]),
    "at without a date": ("at: 2020-01-01T10:00", "at: 10:00", [
        "s.yaml:26:9: 'at' of event 'first_try' must be a local date and time such as 2016-12-14T05:00, not '10:00'"]),
    "at in month 13": ("at: 2020-01-01T10:00", "at: 2020-13-01T10:00", [
        "s.yaml:26:9: 'at' of event 'first_try' must be a local date and time such as 2016-12-14T05:00, not '2020-13-01T10:00'"]),
    "at at 25 o'clock": ("at: 2020-01-01T10:00", "at: 2020-01-01T25:00", [
        "s.yaml:26:9: 'at' of event 'first_try' must be a local date and time such as 2016-12-14T05:00, not '2020-01-01T25:00'"]),
    "at empty": ("at: 2020-01-01T10:00", "at:", [
        "s.yaml:26:8: 'at' of event 'first_try' must be a local date and time such as 2016-12-14T05:00, not empty (null)"]),
    # the timeline's order
    "timeline out of order": ("2020-01-01T11:00", "2020-01-01T09:59", [
        "s.yaml:29:5: timeline out of order: event 'alpha_ready' at 2020-01-01 09:59 comes after "
        "'first_try' at 2020-01-01 10:00; sort events by time"]),
    # duplicates
    "duplicate fact": ("  count: 2", "  count: 2\n  ready: true", [
        "s.yaml:8:3: duplicate key 'ready' (first given at line 6)"]),
    "duplicate state": ("    signed: The deal is signed", "    signed: The deal is signed\n    open: Again", [
        "s.yaml:20:5: duplicate key 'open' (first given at line 18)"]),
    "duplicate event id": ("id: alpha_ready", "id: first_try", [
        "s.yaml:29:5: event id 'first_try' is used twice (first at line 26)"]),
    "duplicate source id": ("title: A minimal deal", "title: A minimal deal\nsources:\n  - id: wire\n    title: A\n  - id: wire\n    title: B", [
        "s.yaml:7:9: source id 'wire' is used twice"]),
}


def _guard_case(old, new, where, message, what="condition 'alpha.is_ready'"):
    return (old, new, [f"s.yaml:{where}: {what}: {message}"])


GUARDS = {
    # the column points inside the guard, counting the quote of a quoted one
    "plain": _guard_case("when: ready", "when: ready and count.real", "14:30",
                         "attribute access ('.') is not allowed in guards; name a fact directly"),
    "single-quoted": _guard_case("when: ready", "when: 'ready and count.real'", "14:31",
                                 "attribute access ('.') is not allowed in guards; name a fact directly"),
    "double-quoted": _guard_case("when: ready", 'when: "ready and count.real"', "14:31",
                                 "attribute access ('.') is not allowed in guards; name a fact directly"),
    "unknown name": _guard_case("when: ready", "when: ready and evacuees > 2", "14:25",
                                "unknown name 'evacuees'; facts are: count, ready"),
    "misspelt name": _guard_case("when: ready", "when: redy", "14:15", "unknown name 'redy'; did you mean 'ready'?"),
    "type mismatch": _guard_case("when: ready", 'when: count == "two"', "14:21",
                                 "cannot compare an integer with a string using '=='"),
    "order on booleans": _guard_case("when: ready", "when: ready > false", "14:21",
                                     "'>' needs numbers or strings, not true/false"),
    "not true or false": _guard_case("when: ready", "when: count + 1", "14:15",
                                     "a guard must be true or false, but this is an integer"),
    "unclosed parenthesis": _guard_case("when: ready", "when: ready and (count > 1", "14:35",
                                        "expected ')' to close the '(' at character 11 of the guard, found the end of the guard"),
    "a call": _guard_case("when: ready", "when: __import__('os')", "14:15",
                          "function calls are not allowed in guards ('__import__(...)')"),
    "python's True": _guard_case("when: ready", "when: ready == True", "14:24", "write 'true' in lowercase"),
    "assignment": _guard_case("when: ready", "when: 'count = 2'", "14:22", "use '==' to compare; '=' is not allowed in guards"),
    # where columns inside cannot be known, the guard's start
    "after an escape": _guard_case("when: ready", 'when: "count == \\"2\\" or evacuees"', "14:15",
                                   "cannot compare an integer with a string using '=='"),
    "after a doubled quote": _guard_case("when: ready", "when: 'count == ''2'''", "14:15",
                                         "cannot compare an integer with a string using '=='"),
    "on a second line": _guard_case("when: ready", "when: ready and\n          evacuees", "14:15",
                                    "unknown name 'evacuees'; facts are: count, ready"),
    "in a block": _guard_case("when: ready", "when: |\n          ready and evacuees", "14:15",
                              "unknown name 'evacuees'; facts are: count, ready"),
    # states, against the deal's states
    "unknown state": _guard_case("when: ready", 'when: state == "opne"', "14:24", "unknown state 'opne'; did you mean 'open'?"),
    "unknown state in a list": _guard_case("when: ready", "when: state in ['open', 'sealed']", "14:33",
                                           "unknown state 'sealed'"),
    # guards of transitions and events
    "transition guard": _guard_case("      consent: [alpha]", "      consent: [alpha]\n      when: count >= 2 and ready = true",
                                    "25:34", "use '==' to compare; '=' is not allowed in guards", "guard of transition 'sign'"),
    "event guard": _guard_case("    id: first_try\n", "    id: first_try\n    if: state == signed\n", "28:18",
                               "unknown name 'signed'; facts are: count, ready", "'if' of event 'first_try'"),
}


@pytest.mark.parametrize(
    "old, new, expected",
    list(CASES.values()) + list(GUARDS.values()),
    ids=list(CASES) + [f"guard {k}" for k in GUARDS],
)
def test_each_problem_is_reported_where_it_is(write, old, new, expected):
    path = write(change(old, new))
    assert problems(path) == expected
    assert [str(p).replace(path, "s.yaml") for p in scenario.check(path)] == expected


def test_a_timeline_that_is_not_a_list(write):
    text = MINIMAL[: MINIMAL.index("timeline:")] + "timeline:\n  first_try: 2020-01-01T10:00\n"
    assert problems(write(text)) == ["s.yaml:26:3: timeline must be a list ('- item' lines), not a mapping"]


def test_a_missing_source_file_says_where_it_was_looked_for(write, tmp_path):
    old, new = "title: A minimal deal", "title: A minimal deal\nsources:\n  - id: wire\n    title: A\n    file: wire.txt"
    assert problems(write(change(old, new))) == [f"s.yaml:7:11: source file 'wire.txt' not found (looked in {tmp_path}); "
        "copy the source file along with the scenario, or remove the 'file:' key"
    ]
    (tmp_path / "wire.txt").write_text("The article.\n", encoding="utf-8")
    (source,) = scenario.load(write(change(old, new))).sources
    assert source.file == str(tmp_path / "wire.txt")


def test_yaml_syntax_errors_come_through_the_loader(write):
    path = write(change("consent: [alpha]", "consent: [alpha"))
    (message,) = problems(path)
    assert message.startswith("s.yaml:25:9: YAML syntax error: ")  # 'timeline:' read as a list item
    assert message.endswith("(while parsing a flow sequence started at line 24, column 16)")


def test_not_a_mapping_at_the_top(write):
    assert problems(write("- negsim: 1\n")) == ["s.yaml:1:1: a scenario file must be a mapping (key: value lines), not a list"]
    assert problems(write("negsim\n")) == [
        "s.yaml:1:1: a scenario file must be a mapping (key: value lines), not string 'negsim'"]


# --- every problem, sorted by line -------------------------------------------


def test_all_problems_are_reported_sorted_by_line(write):
    text = MINIMAL
    for old, new in [
        ("2020-01-01T11:00", "2020-01-01T09:00"),  # line 29, found last
        ("to: signed", "to: sined"),  # line 23
        ("when: ready", "when: redy"),  # line 14
        ('timezone: "+00:00"', 'timezone: "+2"'),  # line 4: the times cannot be checked
        ("title: A minimal deal", "titel: A minimal deal"),  # line 3, and the missing key at 1:1
        ("      ready: true", "      ready: 1"),  # line 32
    ]:
        text = change(old, new, text)
    path = write(text)
    assert problems(path) == [
        "s.yaml:1:1: the scenario is missing the required key 'title'",
        "s.yaml:3:1: unknown key 'titel' in the scenario; did you mean 'title'?",
        's.yaml:4:11: timezone must be a UTC offset such as "+02:00" (in quotes), not \'+2\'',
        "s.yaml:14:15: condition 'alpha.is_ready': unknown name 'redy'; did you mean 'ready'?",
        "s.yaml:23:11: transition 'sign' goes to unknown state 'sined'; did you mean 'signed'?",
        "s.yaml:32:14: event 'alpha_ready' sets 'ready' to an integer (1), but 'ready' is a boolean fact",
    ]


def test_problems_on_one_line_are_sorted_by_column(write):
    path = write(change("consent: [alpha]", "consent: [beta, gamma, alpha, alpha]"))
    assert problems(path) == [
        "s.yaml:24:17: transition 'sign' needs consent from unknown party 'beta'",
        "s.yaml:24:23: transition 'sign' needs consent from unknown party 'gamma'",
        "s.yaml:24:37: party 'alpha' is listed twice in the consent of transition 'sign'",
    ]


def test_the_same_problem_is_reported_once(write):
    text = change("    id: first_try\n", "    id: first_try\n    cite: [1, [2]]\n")
    assert problems(write(text)) == ["s.yaml:28:15: cite of event 'first_try' must be text, not a list"]


def test_validate_is_the_list_of_problems(write):
    path = write(change("from: open", "from: opn"))
    assert [p.message for p in negsim.validate(path)] == [
        "transition 'sign' starts from unknown state 'opn'; did you mean 'open'?"]
    assert negsim.validate(write(MINIMAL, name="ok.yaml")) == []


# --- hostile files through the loader -----------------------------------------------


def rejected_quickly(path: str) -> list[str]:
    start = time.perf_counter()
    found = problems(path)
    assert time.perf_counter() - start < QUICK
    return found


def test_an_alias_bomb_in_a_scenario_fails_fast(write):
    bomb = 'lol: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    bomb += "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]\n" for i in range(1, 9))
    (message,) = rejected_quickly(write(MINIMAL + "description:\n  " + bomb.replace("\n", "\n  ")))
    assert message.endswith("document has more than 200,000 values once aliases are expanded; is it an alias bomb?")


def test_a_python_tag_in_a_scenario_runs_nothing(write, tmp_path):
    marker = tmp_path / "ran"
    path = write(change("title: A minimal deal", f"title: !!python/object/apply:os.system ['touch {marker}']"))
    assert rejected_quickly(path) == [
        "s.yaml:3:8: unsupported YAML tag '!!python/object/apply:os.system'; only plain YAML values are allowed"]
    assert not marker.exists()


def test_a_huge_scenario_fails_fast(write):
    path = write(MINIMAL + "# " + "padding " * (yamlsource.MAX_BYTES // 8) + "\n")
    assert rejected_quickly(path) == ["s.yaml:1:1: file is larger than 4 MiB; a scenario is a few KiB"]


def test_a_latin1_scenario_points_at_the_first_bad_byte(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(change("title: A minimal deal", "title: Caf\xe9 talks").encode("latin-1"))
    assert rejected_quickly(str(path)) == ["s.yaml:3:11: not UTF-8 text (byte 0xe9); save the file as UTF-8"]


def test_two_documents_in_a_scenario(write):
    assert rejected_quickly(write(MINIMAL + "---\n" + MINIMAL)) == [
        "s.yaml:34:1: a second YAML document ('---') in one file; keep one document per file"]


@pytest.mark.parametrize("text", ["", "# negsim: 1\n", "\n   \n"])
def test_an_empty_scenario(write, text):
    assert rejected_quickly(write(text)) == ["s.yaml:1:1: file is empty; a scenario file starts with 'negsim: 1'"]


# --- arbitrary mutations of MINIMAL ------------------------------------------------

LINES = MINIMAL.splitlines()
TOKENS = sorted(set(re.findall(r"[\w:+\-\"\[\]]+", MINIMAL)))
NOISE = st.one_of(
    st.sampled_from(TOKENS + ["", " ", "  ", "- ", "~", "[]", "{}", "&a", "*a", "'", '"', "#", "\t", ": ", "!!str", "|"]),
    st.text(max_size=8),
)


VALUES = st.one_of(
    st.sampled_from([t for t in TOKENS if ":" not in t]),
    st.sampled_from(["true", "1", "-2.5", '"text"', "''", "[]", "{}", "~", "[alpha, open]", "{a: 1}", ".nan", "1e400",
                     "2020-01-01", "2020-01-01T10:00+01:00", '"+02:00"', "'state == \"open\"'", "count / 0 > 1",
                     "9999999999999999999999"]),
)
KEY_VALUE = re.compile(r"^(\s*(?:- )?[\w-]+:)(.*)$")


@st.composite
def mutated(draw) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1)) if lines else 0
        # mostly edits that keep the YAML valid, so that the checker itself is exercised
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "replace", "insert"] + ["value"] * 6))
        if not lines:
            lines.append(draw(NOISE))
        elif kind == "value":
            m = KEY_VALUE.match(lines[i])
            if m:
                lines[i] = f"{m.group(1)} {draw(VALUES)}"
        elif kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "indent":
            lines[i] = draw(st.sampled_from(["", "  ", "    "])) + lines[i].lstrip(" ")
        elif kind == "replace":
            words = re.findall(r"[\w:+\-\"\[\]]+", lines[i])
            if words:
                lines[i] = lines[i].replace(draw(st.sampled_from(words)), draw(NOISE), 1)
        else:
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(NOISE) + lines[i][at:]
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None, database=None)
@given(mutated())
def test_any_mutation_of_the_minimal_scenario_loads_or_raises_scenario_error(text):
    try:
        sc = scenario.build(yamlsource.parse(text, "s.yaml"), "s.yaml")
    except ScenarioError as exc:
        found = exc.problems
        assert found and all(p.loc.file == "s.yaml" and p.loc.line >= 1 and p.loc.col >= 1 for p in found)
        assert list(found) == sorted(found, key=lambda p: (p.loc.line, p.loc.col))
        return
    # what the checker lets through must run: a replay fails only with a NegsimError
    try:
        negsim.replay(sc)
    except NegsimError:
        pass


def test_a_broken_condition_is_not_reported_again_where_it_is_named(write):
    text = MINIMAL.replace("        when: ready\n", "        when: ready and\n").replace(
        "    set:\n      ready: true\n", "    set:\n      ready: true\n    drop_conditions:\n      alpha: [is_ready]\n"
    )
    assert problems(write(text)) == [
        "s.yaml:14:24: condition 'alpha.is_ready': guard ends too early; a value is missing"
    ]
