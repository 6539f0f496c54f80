"""yamlsource: located, typed YAML nodes, and hostile files that fail fast and plainly."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from negsim import yamlsource
from negsim.errors import Loc, ScenarioError
from negsim.yamlsource import MAX_BYTES, MAX_DEPTH, MAX_NODES, Map, Scalar, Seq

from .conftest import ARTICLE, MINIMAL

# A hostile file is rejected in milliseconds; a second leaves room for a slow CI machine.
QUICK = 5.0  # seconds: generous, so a loaded machine passes; a quadratic blow-up takes minutes

LOADERS = [pytest.param(yaml.SafeLoader, id="python")]
if hasattr(yaml, "CSafeLoader"):
    LOADERS.append(pytest.param(yaml.CSafeLoader, id="libyaml"))


@pytest.fixture(params=LOADERS)
def loader(request, monkeypatch):
    """Run the test once with PyYAML's pure-Python parser and once with libyaml."""
    monkeypatch.setattr(yamlsource, "_Loader", request.param)
    return "libyaml" if request.param is getattr(yaml, "CSafeLoader", None) else "python"


def errors(text: str, path: str = "f.yaml") -> list[str]:
    """Every problem parse() reports for ``text`` (it must report some)."""
    with pytest.raises(ScenarioError) as info:
        yamlsource.parse(text, path)
    return [str(p) for p in info.value.problems]


def timed(fn, *args) -> list[str]:
    """The problems ``fn(*args)`` raises, checking that it raised them quickly."""
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        fn(*args)
    elapsed = time.perf_counter() - start
    assert elapsed < QUICK, f"took {elapsed:.2f}s to reject"
    return [str(p) for p in info.value.problems]


# --- typed values, each with its place -----------------------------------


def test_scalars_are_typed_like_safe_load_and_keep_text_style_and_place():
    root = yamlsource.parse(
        'flag: true\nnum: 2000\nquoted: "2000"\nratio: 1.5\nnone: ~\nday: 2016-12-14\n'
        "stamp: 2016-12-14T05:00:00\nlocal: 2016-12-14T05:00\nsingle: 'it''s'\n",
        "f.yaml",
    )
    assert isinstance(root, Map)
    got = {k.value: (v.value, v.text, v.style, v.loc, v.kind) for k, v in root.items}
    assert got == {
        "flag": (True, "true", "", Loc("f.yaml", 1, 7), "boolean"),
        "num": (2000, "2000", "", Loc("f.yaml", 2, 6), "integer"),
        "quoted": ("2000", "2000", '"', Loc("f.yaml", 3, 9), "string"),
        "ratio": (1.5, "1.5", "", Loc("f.yaml", 4, 8), "number"),
        "none": (None, "~", "", Loc("f.yaml", 5, 7), "null"),
        "day": (date(2016, 12, 14), "2016-12-14", "", Loc("f.yaml", 6, 6), "date/time"),
        "stamp": (datetime(2016, 12, 14, 5, 0), "2016-12-14T05:00:00", "", Loc("f.yaml", 7, 8), "date/time"),
        "local": ("2016-12-14T05:00", "2016-12-14T05:00", "", Loc("f.yaml", 8, 8), "string"),
        "single": ("it's", "it's", "'", Loc("f.yaml", 9, 9), "string"),
    }
    assert root.loc == Loc("f.yaml", 1, 1)
    assert root.keys() == ["flag", "num", "quoted", "ratio", "none", "day", "stamp", "local", "single"]
    assert root.get("num").value == 2000 and root.get("missing") is None


def test_sequences_and_mappings_keep_their_places():
    root = yamlsource.parse("deal:\n  states: [open, signed]\n  initial:\n    - open\n", "f.yaml")
    deal = root.get("deal")
    assert isinstance(deal, Map) and deal.loc == Loc("f.yaml", 2, 3) and deal.kind == "mapping"
    states = deal.get("states")
    assert isinstance(states, Seq) and states.loc == Loc("f.yaml", 2, 11) and states.kind == "list"
    assert [(s.value, s.loc.col) for s in states.items] == [("open", 12), ("signed", 18)]
    (item,) = deal.get("initial").items
    assert (item.value, item.loc) == ("open", Loc("f.yaml", 4, 7))


def test_verbatim_is_true_only_where_columns_inside_a_scalar_can_be_computed():
    root = yamlsource.parse(
        'a: ready and x\nb: "ready and x"\nc: "say \\"x\\""\nd: \'it\'\'s\'\ne: ready and\n  x\nf: |\n  x\n',
        "f.yaml",
    )
    assert {k.value: v.verbatim for k, v in root.items} == {
        "a": True, "b": True, "c": False, "d": False, "e": False, "f": False,
    }


def test_aliases_and_merge_keys_work_with_explicit_keys_winning():
    root = yamlsource.parse("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\ncopy: *b\n", "f.yaml")
    use = root.get("use")
    assert [(k.value, v.value) for k, v in use.items] == [("y", 3), ("x", 1)]
    assert root.get("copy") is root.get("base")


def test_a_utf8_bom_is_accepted_and_does_not_shift_columns(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    root = yamlsource.load(str(path))
    assert root.get("a").value == 1 and root.loc == Loc(str(path), 1, 1)


def test_a_file_of_exactly_the_size_limit_is_read(write):
    text = MINIMAL + "#" * (MAX_BYTES - len(MINIMAL) - 1) + "\n"
    path = write(text)
    assert Path(path).stat().st_size == MAX_BYTES
    assert yamlsource.load(path).get("id").value == "mini"


# --- YAML syntax errors ----------------------------------------------------

SYNTAX = {
    "unclosed list": (
        "negsim: 1\nid: [a, b\ntitle: x\n",
        {
            "libyaml": "f.yaml:3:6: YAML syntax error: did not find expected ',' or ']' "
            "(while parsing a flow sequence started at line 2, column 5)",
            "python": "f.yaml:3:6: YAML syntax error: expected ',' or ']', but got ':' "
            "(while parsing a flow sequence started at line 2, column 5)",
        },
    ),
    "unclosed quote": (
        'negsim: 1\ntitle: "A deal\n',
        {
            "libyaml": "f.yaml:3:1: YAML syntax error: found unexpected end of stream "
            "(while scanning a quoted scalar started at line 2, column 8); "
            'the quote (") opened at line 2 is not closed on that line: close it with the same quote',
            "python": "f.yaml:3:1: YAML syntax error: found unexpected end of stream "
            "(while scanning a quoted scalar started at line 2, column 8); "
            'the quote (") opened at line 2 is not closed on that line: close it with the same quote',
        },
    ),
    "bad indentation": (
        "negsim: 1\n  id: x\n",
        {
            "libyaml": "f.yaml:2:5: YAML syntax error: mapping values are not allowed in this context; "
            "check this line's indentation: the keys of one mapping start in the same column",
            "python": "f.yaml:2:5: YAML syntax error: mapping values are not allowed here; "
            "check this line's indentation: the keys of one mapping start in the same column",
        },
    ),
    "tab indentation": (
        "deal:\n\tinitial: open\n",
        {
            "libyaml": "f.yaml:2:1: YAML syntax error: found character that cannot start any token; "
            "indent with spaces, not tabs",
            "python": "f.yaml:2:1: YAML syntax error: found character '\\t' that cannot start any token; "
            "indent with spaces, not tabs",
        },
    ),
    "value with a colon": (
        "title: Deal: agreed\n",
        {
            "libyaml": "f.yaml:1:12: YAML syntax error: mapping values are not allowed in this context; "
            "text that contains ': ' must be in quotes, such as cite: \"Talks: no agreement\"",
            "python": "f.yaml:1:12: YAML syntax error: mapping values are not allowed here; "
            "text that contains ': ' must be in quotes, such as cite: \"Talks: no agreement\"",
        },
    ),
    "unknown escape": (
        'title: "a \\q b"\n',
        {
            "libyaml": "f.yaml:1:11: YAML syntax error: found unknown escape character",
            "python": "f.yaml:1:12: YAML syntax error: found unknown escape character 'q'",
        },
    ),
}


@pytest.mark.parametrize("text, expected", SYNTAX.values(), ids=SYNTAX.keys())
def test_yaml_syntax_errors_say_where_and_what(loader, text, expected):
    assert errors(text) == [expected[loader]]


def test_a_broken_bracket_far_from_the_end_names_the_line_where_it_opened(loader):
    text = "facts:\n  ready: [true\n" + "  x: 1\n" * 40
    (message,) = errors(text)
    assert message.endswith("(while parsing a flow sequence started at line 2, column 10)")


# --- bad values and keys ---------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a: 1\nb: 2\na: 3\n", "f.yaml:3:1: duplicate key 'a' (first given at line 1)"),
        ("x:\n  k: 1\n  'k': 2\n", "f.yaml:3:3: duplicate key 'k' (first given at line 2)"),
        ("x: {1: a, 0x1: b}\n", "f.yaml:1:11: duplicate key '0x1' (first given at line 1)"),
        ("[a, b]: 1\n", "f.yaml:1:1: a mapping key must be a plain value, not a list or mapping"),
        ("? {a: 1}\n: 1\n", "f.yaml:1:3: a mapping key must be a plain value, not a list or mapping"),
        ("a: *nowhere\n", "f.yaml:1:4: unknown alias '*nowhere'"),
        ("m:\n  <<: 1\n", "f.yaml:2:3: a merge key '<<' takes a mapping or a list of mappings"),
        ("day: 2016-02-30\n", "f.yaml:1:6: bad value '2016-02-30': day is out of range for month"),
    ],
)
def test_bad_keys_and_values(loader, text, expected):
    assert errors(text) == [expected]


# --- hostile files -----------------------------------------------------------


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_fails_fast_naming_the_alias_that_crosses_the_limit(loader):
    assert timed(yamlsource.parse, billion_laughs(), "f.yaml") == [
        f"f.yaml:6:15: document has more than {MAX_NODES:,} values once aliases are expanded; is it an alias bomb?"
    ]


def test_a_bomb_of_nested_mappings_fails_fast_too(loader):
    lines = ["m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10}"]
    for i in range(1, 10):
        lines.append(f"m{i}: &m{i} {{" + ", ".join(f"k{j}: *m{i - 1}" for j in range(10)) + "}")
    (message,) = timed(yamlsource.parse, "\n".join(lines) + "\n", "f.yaml")
    assert message.endswith("is it an alias bomb?")


def test_many_aliases_below_the_limit_are_fine(loader):
    root = yamlsource.parse(billion_laughs(levels=3), "f.yaml")
    assert len(root.get("a3").items) == 9


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a: &a [1, *a]\n", "f.yaml:1:11: alias '*a' refers to a value that contains it; recursive values are not allowed"),
        ("a: &a\n  b: *a\n", "f.yaml:2:6: alias '*a' refers to a value that contains it; recursive values are not allowed"),
        ("a: &a\n  - &b\n    - *a\n", "f.yaml:3:7: alias '*a' refers to a value that contains it; recursive values are not allowed"),
    ],
)
def test_recursive_aliases_are_refused(loader, text, expected):
    assert timed(yamlsource.parse, text, "f.yaml") == [expected]


def test_a_file_over_4_mib_is_refused_before_parsing(write):
    path = write("negsim: 1\n# " + "x" * MAX_BYTES + "\n")
    assert timed(yamlsource.load, path) == [f"{path}:1:1: file is larger than 4 MiB; a scenario is a few KiB"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # the first list opens at depth 2 (the root mapping is depth 1): the 64th list is too deep
        ("a: " + "[" * 100_000 + "]" * 100_000 + "\n", "f.yaml:1:67: values nested more than 64 levels deep"),
        ("a: " + "{b: " * 1000 + "1" + "}" * 1000 + "\n", "f.yaml:1:253: values nested more than 64 levels deep"),
        ("".join("  " * i + "k:\n" for i in range(200)), "f.yaml:64:127: values nested more than 64 levels deep"),
        ("".join("  " * i + "-\n" for i in range(200)), "f.yaml:65:129: values nested more than 64 levels deep"),
    ],
    ids=["flow lists", "flow mappings", "block mappings", "block lists"],
)
def test_deeply_nested_documents_fail_fast(loader, text, expected):
    assert timed(yamlsource.parse, text, "f.yaml") == [expected]


def test_nesting_up_to_the_limit_is_fine(loader):
    root = yamlsource.parse("[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n", "f.yaml")
    depth = 0
    while isinstance(root, Seq) and root.items:
        root, depth = root.items[0], depth + 1
    assert depth == MAX_DEPTH - 1


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"negsim: 1\nid: caf\xe9\n", "2:8: not UTF-8 text (byte 0xe9); save the file as UTF-8"),
        (b"\xff\xfen\x00e\x00", "1:1: not UTF-8 text (byte 0xff); save the file as UTF-8"),
        # the column counts characters, as editors do, not bytes
        ("a: 1\ntitle: Caf\u00e9 \u00e0 ".encode() + b"\x80\n", "2:15: not UTF-8 text (byte 0x80); save the file as UTF-8"),
        (b"\xef\xbb\xbfa: \xc3\n", "1:4: not UTF-8 text (byte 0xc3); save the file as UTF-8"),
        (b"negsim: 1\nid: a\x00b\n", "2:6: file contains a NUL byte; is it binary?"),
        (b"\x00\x00\x00\x00", "1:1: file contains a NUL byte; is it binary?"),
    ],
    ids=["latin-1", "utf-16", "after accents", "after a bom", "nul", "binary"],
)
def test_bytes_that_are_not_text_are_reported_with_line_and_column(tmp_path, data, expected):
    path = tmp_path / "f.yaml"
    path.write_bytes(data)
    assert timed(yamlsource.load, str(path)) == [f"{path}:{expected}"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a: b\x07c\n", "f.yaml:1:5: the character U+0007 is not allowed in YAML; delete it"),
        ("a: 1\ntitle: \u00e9\u00e9\x1b[31m\n", "f.yaml:2:10: the character U+001B is not allowed in YAML; delete it"),
        ("a: \ufffe\n", "f.yaml:1:4: the character U+FFFE is not allowed in YAML; delete it"),
        ("a: \ud800\n", "f.yaml:1:4: the character U+D800 is not allowed in YAML; delete it"),
    ],
    ids=["bell", "escape after accents", "non-character", "lone surrogate"],
)
def test_characters_yaml_forbids_are_reported_where_they_are(loader, text, expected):
    assert errors(text) == [expected]


EMPTY = "1:1: file is empty; a scenario file starts with 'negsim: 1'"


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "   \n\t\n", "# just a comment\n", "# one\n   # two\n\n#three"],
    ids=["empty", "blank lines", "spaces", "comment", "comments"],
)
def test_empty_and_comment_only_files(write, text):
    path = write(text)
    assert timed(yamlsource.load, path) == [f"{path}:{EMPTY}"]


def test_a_directory_is_not_a_yaml_file(tmp_path):
    assert timed(yamlsource.load, str(tmp_path)) == [f"{tmp_path}: is a directory, not a YAML file"]


def test_a_missing_file(tmp_path):
    path = str(tmp_path / "nowhere.yaml")
    assert timed(yamlsource.load, path) == [f"{path}: no such file"]


def test_a_path_through_a_file_cannot_be_read(write):
    path = write(MINIMAL) + "/inside.yaml"
    (message,) = timed(yamlsource.load, path)
    assert message.startswith(f"{path}: cannot read the file: ")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("negsim: 1\nid: !!python/object/apply:os.system ['touch {marker}']\n",
         "f.yaml:2:5: unsupported YAML tag '!!python/object/apply:os.system'; only plain YAML values are allowed"),
        ("!!python/object/apply:os.system\nargs: ['touch {marker}']\n",
         "f.yaml:1:1: unsupported YAML tag '!!python/object/apply:os.system'; only plain YAML values are allowed"),
        ("a: !!python/name:os.system\n",
         "f.yaml:1:4: unsupported YAML tag '!!python/name:os.system'; only plain YAML values are allowed"),
        ("? !!python/object/new:os.system ['touch {marker}']\n: 1\n",
         "f.yaml:1:3: unsupported YAML tag '!!python/object/new:os.system'; only plain YAML values are allowed"),
        ("a: !!binary aGVsbG8=\n", "f.yaml:1:4: unsupported YAML tag '!!binary'; only plain YAML values are allowed"),
        ("a: !!set {x, y}\n", "f.yaml:1:4: unsupported YAML tag '!!set'; only plain YAML values are allowed"),
        ("a: !!omap [x: 1]\n", "f.yaml:1:4: unsupported YAML tag '!!omap'; only plain YAML values are allowed"),
        ("a: !deal x\n", "f.yaml:1:4: unsupported YAML tag '!deal'; only plain YAML values are allowed"),
    ],
    ids=["apply", "apply at the root", "name", "object as key", "binary", "set", "omap", "local tag"],
)
def test_unsupported_tags_are_refused_and_nothing_runs(loader, tmp_path, text, expected):
    marker = tmp_path / "ran"
    assert timed(yamlsource.parse, text.replace("{marker}", str(marker)), "f.yaml") == [expected]
    assert not marker.exists()


def test_standard_tags_are_allowed(loader):
    root = yamlsource.parse('a: !!str 2000\nb: !!int "7"\nc: ! x\n', "f.yaml")
    assert [v.value for _, v in root.items] == ["2000", 7, "x"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("negsim: 1\n---\nnegsim: 1\n", "f.yaml:2:1: a second YAML document ('---') in one file; keep one document per file"),
        ("---\nnegsim: 1\n...\n---\nid: x\n", "f.yaml:4:1: a second YAML document ('---') in one file; keep one document per file"),
    ],
)
def test_multiple_documents_are_refused(loader, text, expected):
    assert errors(text) == [expected]


# --- properties ---------------------------------------------------------------

YAML_PIECES = list("ab1 -:[]{},&*!|>'\"#?%@`\n\t\\") + ["  ", "- ", ": ", "&a ", "*a", "<<: ", "!!str ", "---\n"]
YAML_PIECES += ["\x00", "\x07", "\r", "\x85", "\u2028", "\ufeff", "\ufffe", "\ud800", "é"]  # odd characters
YAMLISH = st.lists(st.sampled_from(YAML_PIECES), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.one_of(
        st.text(max_size=200),
        YAMLISH,
        st.text(st.characters(exclude_categories=()), max_size=40),  # surrogates and control characters too
        st.binary(max_size=80).map(lambda b: b.decode("latin-1")),
    )
)
def test_parse_raises_nothing_but_scenario_error(text):
    for param in LOADERS:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(yamlsource, "_Loader", param.values[0])
            try:
                node = yamlsource.parse(text, "f.yaml")
            except ScenarioError as exc:
                assert exc.problems and all(p.loc.file == "f.yaml" and p.message for p in exc.problems)
            else:
                assert isinstance(node, (Map, Seq, Scalar))


@settings(max_examples=100, deadline=None, database=None)
@given(st.binary(max_size=200))
def test_decode_raises_nothing_but_scenario_error(data):
    try:
        text = yamlsource.decode(data, "f.yaml")
    except ScenarioError as exc:
        (problem,) = exc.problems
        assert problem.loc.line >= 1 and problem.loc.col >= 1
    else:
        assert "\x00" not in text


def test_the_real_scenario_parses(loader):
    root = yamlsource.load(str(ARTICLE))
    assert root.get("negsim").value == 1 and root.get("id").value == "aleppo-2016-12"
