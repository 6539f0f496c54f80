"""JSON Schemas: shipped, printed by 'negsim schema', and in agreement with the loader.

Every bundled and documented file is accepted by both the schema and the
loader; every file in BAD is rejected by both. (The loader checks more than
a schema can: references between parts, reachability, time order. Files
broken only in those ways, such as docs/examples/my-deal.yaml, are not in
either list.) docs/examples/harrowmere-drill.yaml is in GOOD: its mistakes
are left for 'negsim exercise check' to find, and both accept its shape.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")

import negsim  # noqa: E402
from negsim import codes, schema, yamlsource  # noqa: E402
from negsim.scenario import kind_of  # noqa: E402
from negsim.yamlsource import Map, Scalar, Seq  # noqa: E402

from .conftest import MINIMAL, ROOT  # noqa: E402
from .test_cli import negsim_cmd, run  # noqa: E402


def plain(node):
    """A parsed file as JSON data, as an editor's YAML 1.2 reading sees it (dates and times are text)."""
    if isinstance(node, Map):
        return {str(k.value) if isinstance(k.value, str) else k.text: plain(v) for k, v in node.items}
    if isinstance(node, Seq):
        return [plain(v) for v in node.items]
    assert isinstance(node, Scalar)
    return node.value if node.value is None or isinstance(node.value, (bool, int, float, str)) else node.text


def validator(kind: str):
    data = json.loads(schema.schema_text(kind))
    jsonschema.Draft202012Validator.check_schema(data)
    return jsonschema.Draft202012Validator(data)


def schema_errors(path: str) -> list[str]:
    root = yamlsource.load(path)
    return [e.message for e in validator(kind_of(root)).iter_errors(plain(root))]


# The key that tells a whole file of each kind from a fragment in the docs (add new kinds here).
WHOLE = {"negsim": "\ntimeline:", "negsim-variant": "\nbase:", "negsim-exercise": "\ninjects:"}

# Scenarios that exercises shown in the docs name by a path, as the reader would have them
# next to the exercise: exercise-format.md's small exercise plays 'my-deal.yaml', a scenario
# with MINIMAL's fact 'ready', party 'alpha', trigger 'sign' and state 'signed' (not the
# broken docs/examples/my-deal.yaml).
PLAYED_ON = {"my-deal.yaml": MINIMAL}


def doc_files(tmp: Path) -> list[Path]:
    """Every complete scenario, variant or exercise file shown in a ```yaml block of the docs, written out."""
    out = []
    for md in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        text = md.read_text(encoding="utf-8")
        for m in re.finditer(r"^```yaml\n(.*?)^```", text, re.M | re.S):
            body = m.group(1)
            lines = [ln for ln in body.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
            m_kind = re.match(r"(negsim(?:-[a-z]+)?): ", lines[0]) if lines else None
            if m_kind is None or "..." in body:
                continue
            if WHOLE.get(m_kind.group(1), "\0") in body:  # a whole file, not a fragment
                name = f"{md.stem}-{sum(1 for p in out if p.name.startswith(md.stem + '-')) + 1}.yaml"
                (tmp / name).write_text(body, encoding="utf-8")
                out.append(tmp / name)
    for name, text in PLAYED_ON.items():
        (tmp / name).write_text(text, encoding="utf-8")
    return out


GOOD = sorted((ROOT / "scenarios").glob("*.yaml")) + [
    ROOT / "docs" / "examples" / "ceasefire-town.yaml",
    ROOT / "docs" / "examples" / "harrowmere-drill.yaml",
]


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_bundled_and_example_files_pass_schema_and_loader(path):
    assert schema_errors(str(path)) == []
    assert negsim.validate(str(path)) == []


# Shown with a mistake on purpose, one only validate can see (a reference, not the shape).
BROKEN_ON_PURPOSE = {"your-own-scenario-1.yaml"}


def test_files_shown_in_the_docs_pass_schema_and_loader(tmp_path):
    files = doc_files(tmp_path)
    assert len(files) >= 10
    assert any(p.read_text(encoding="utf-8").startswith("negsim-exercise:") for p in files)
    assert BROKEN_ON_PURPOSE <= {p.name for p in files}
    for path in files:
        assert (path.name, schema_errors(str(path))) == (path.name, [])
        problems = [str(p) for p in negsim.validate(str(path))]
        assert (path.name, bool(problems)) == (path.name, path.name in BROKEN_ON_PURPOSE), problems


def test_generated_starting_scenario_passes_schema(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from negsim.new import new

    new("fresh")
    assert schema_errors("fresh.yaml") == []


VARIANT = """\
negsim-variant: 1
id: v
title: A variant
question: What if?
base: aleppo-2016-12
skip: buses_arrive
"""

EXERCISE = """\
negsim-exercise: 1
id: drill
title: A drill
scenario: fenmarch-water-truce
brief: Keep the pause.
roles: [guard]
objectives:
  - id: calm
    text: The pause holds
    never: broken
injects:
  - at: 2031-03-10T10:30
    id: guns
    to: guard
    message: Guns are near the plant.
    decision:
      prompt: Pull back?
      options:
        - label: Stay
        - label: Pull back
          expected: true
          effects:
            skip: [shelling]
"""

# (name, base text, old, new): each breaks the shape of a valid file in one way
BAD = [
    ("unknown top key", MINIMAL, "title: A minimal deal\n", "title: A minimal deal\nsummary: x\n"),
    ("missing timeline", MINIMAL, "timeline:\n", "timeline_:\n"),
    ("wrong version", MINIMAL, "negsim: 1\n", "negsim: 2\n"),
    ("bad scenario id", MINIMAL, "id: mini\n", "id: Mini Deal\n"),
    ("bad timezone", MINIMAL, 'timezone: "+00:00"\n', "timezone: Europe/Paris\n"),
    ("fact is a list", MINIMAL, "  count: 2\n", "  count: [2]\n"),
    ("fact id with capitals", MINIMAL, "  count: 2\n", "  Count: 2\n"),
    ("condition without when", MINIMAL, "        when: ready\n", ""),
    ("active is text", MINIMAL, "        when: ready\n", "        when: ready\n        active: later\n"),
    ("party without name", MINIMAL, "    name: Alpha\n", ""),
    ("no states", MINIMAL, "    open: Talks are open\n    signed: The deal is signed\n", "    {}\n"),
    ("transition without to", MINIMAL, "      to: signed\n", ""),
    ("reserved trigger", MINIMAL, "    - trigger: sign\n", "    - trigger: is_signed\n"),
    ("event without id", MINIMAL, "    id: first_try\n", ""),
    ("date without time", MINIMAL, "  - at: 2020-01-01T10:00\n", "  - at: 2020-01-01\n"),
    ("unknown event key", MINIMAL, "    id: first_try\n", "    id: first_try\n    when: ready\n"),
    ("otherwise without trigger", MINIMAL, "    id: first_try\n    trigger: sign\n", "    id: first_try\n    otherwise: sign\n"),
    ("cite is a mapping", MINIMAL, "    id: first_try\n", "    id: first_try\n    cite: {a: b}\n"),
    ("unquoted event code", MINIMAL, "    id: first_try\n", "    id: first_try\n    codes: {event: 196}\n"),
    ("unknown event code", MINIMAL, "    id: first_try\n", '    id: first_try\n    codes: {event: "0879"}\n'),
    ("lowercase actor", MINIMAL, "    id: first_try\n", '    id: first_try\n    codes: {event: "196", source: syr}\n'),
    ("p above one", MINIMAL, "    id: first_try\n", "    id: first_try\n    p: 1.5\n"),
    ("jitter without unit", MINIMAL, "    id: first_try\n", "    id: first_try\n    jitter: 90\n"),
    ("draw of two kinds", MINIMAL, "  count: 2\n", "  count: {value: 2, draw: {uniform: [1, 3], choice: [1]}}\n"),
    ("normal without between", MINIMAL, "  count: 2\n", "  count: {value: 2, draw: {normal: [2, 1]}}\n"),
    ("uniform of one number", MINIMAL, "  count: 2\n", "  count: {value: 2, draw: {uniform: [1]}}\n"),
    ("variant chance with nothing", VARIANT, "skip: buses_arrive\n", "skip: buses_arrive\nchance:\n  buses_arrive: {}\n"),
    ("variant draw of unknown kind", VARIANT, "skip: buses_arrive\n", "skip: buses_arrive\ndraw:\n  shelling: {poisson: 1}\n"),
    ("variant without question", VARIANT, "question: What if?\n", ""),
    ("variant changes nothing", VARIANT, "skip: buses_arrive\n", ""),
    ("variant unknown key", VARIANT, "skip: buses_arrive\n", "skip: buses_arrive\nremove: x\n"),
    ("variant set is a list", VARIANT, "skip: buses_arrive\n", "skip: buses_arrive\nset: [shelling]\n"),
    ("variant retime without time", VARIANT, "skip: buses_arrive\n", "skip: buses_arrive\nretime:\n  buses_arrive: soon\n"),
    ("exercise unknown top key", EXERCISE, "brief: Keep the pause.\n", "brief: Keep the pause.\nplayers: 2\n"),
    ("exercise wrong version", EXERCISE, "negsim-exercise: 1\n", "negsim-exercise: 2\n"),
    ("exercise with a negsim key", EXERCISE, "negsim-exercise: 1\n", "negsim-exercise: 1\nnegsim: 1\n"),
    ("bad exercise id", EXERCISE, "id: drill\n", "id: Drill Two\n"),
    ("exercise without brief", EXERCISE, "brief: Keep the pause.\n", ""),
    ("roles empty", EXERCISE, "roles: [guard]\n", "roles: []\n"),
    ("roles is text", EXERCISE, "roles: [guard]\n", "roles: guard\n"),
    ("role listed twice", EXERCISE, "roles: [guard]\n", "roles: [guard, guard]\n"),
    ("variants is a mapping", EXERCISE, "roles: [guard]\n", "roles: [guard]\nvariants: {v: 1}\n"),
    ("inject without to", EXERCISE, "    to: guard\n", ""),
    ("inject to nobody", EXERCISE, "    to: guard\n", "    to: []\n"),
    ("inject date without time", EXERCISE, "  - at: 2031-03-10T10:30\n", "  - at: 2031-03-10\n"),
    ("inject id with capitals", EXERCISE, "    id: guns\n", "    id: Guns\n"),
    ("unknown inject key", EXERCISE, "    to: guard\n", "    to: guard\n    when: later\n"),
    ("inject if is a list", EXERCISE, "    to: guard\n", "    to: guard\n    if: [pause]\n"),
    ("decision without prompt", EXERCISE, "      prompt: Pull back?\n", ""),
    ("decision of one option", EXERCISE, "        - label: Stay\n", ""),
    ("option label is a number", EXERCISE, "        - label: Stay\n", "        - label: 1\n"),
    ("option label is digits", EXERCISE, "        - label: Stay\n", '        - label: "2"\n'),
    ("option without label", EXERCISE, "        - label: Stay\n", "        - debrief: Stay\n"),
    ("option expected is text", EXERCISE, "          expected: true\n", "          expected: hoped for\n"),
    ("effects is a list", EXERCISE, "          effects:\n            skip: [shelling]\n", "          effects: [shelling]\n"),
    ("unknown effect", EXERCISE, "            skip: [shelling]\n", "            remove: [shelling]\n"),
    ("effect otherwise without fire", EXERCISE, "            skip: [shelling]\n", "            skip: [shelling]\n            otherwise: resume\n"),
    ("effect retime without time", EXERCISE, "            skip: [shelling]\n", "            retime:\n              shelling: soon\n"),
    ("effect event without id", EXERCISE, "            skip: [shelling]\n", "            events:\n              - at: 2031-03-10T12:00\n                trigger: resume\n"),
    ("objective without a kind", EXERCISE, "    never: broken\n", ""),
    ("objective of two kinds", EXERCISE, "    never: broken\n", "    never: broken\n    reach: repairs\n"),
    ("objective by without reach", EXERCISE, "    never: broken\n", "    never: broken\n    by: 2031-03-10T12:00\n"),
    ("objective fact without equals", EXERCISE, "    never: broken\n", "    fact: engineers_released\n"),
    ("objective without text", EXERCISE, "    text: The pause holds\n", ""),
]


@pytest.mark.parametrize(("name", "base", "old", "new"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_rejected_by_schema_and_loader(tmp_path, name, base, old, new):
    assert base.count(old) == 1
    path = tmp_path / "bad.yaml"
    path.write_text(base.replace(old, new), encoding="utf-8")
    assert schema_errors(str(path)) != [], "the schema accepts it"
    assert negsim.validate(str(path)) != [], "the loader accepts it"


def test_the_bases_of_bad_are_valid(tmp_path):
    for base in (MINIMAL, VARIANT, EXERCISE):
        path = tmp_path / "good.yaml"
        path.write_text(base, encoding="utf-8")
        assert (schema_errors(str(path)), negsim.validate(str(path))) == ([], [])


def test_the_schemas_code_list_is_the_shipped_one():
    for kind in ("scenario", "variant", "exercise"):
        data = json.loads(schema.schema_text(kind))
        assert data["$defs"]["codes"]["properties"]["event"]["enum"] == list(codes.event_codes())


def test_scenario_and_variant_share_their_definitions():
    a, b = (json.loads(schema.schema_text(k))["$defs"] for k in ("scenario", "variant"))
    assert a == b


def test_the_exercise_copies_the_scenarios_definitions():
    """Self-contained, but each definition it shares with the scenario schema is the same."""
    a, b = (json.loads(schema.schema_text(k))["$defs"] for k in ("scenario", "exercise"))
    shared = set(a) & set(b)
    assert {"text", "value", "guard", "local_time", "codes", "event"} <= shared
    assert {k: b[k] for k in shared} == {k: a[k] for k in shared}


def test_schema_command(tmp_path):
    result = run("schema", "scenario")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "negsim scenario"
    assert result.stdout == (Path(schema.SCHEMAS) / "scenario.json").read_text(encoding="utf-8")
    bad = run("schema", "scenari")
    assert bad.exit_code == 2
    assert bad.stderr == "Error: no schema for 'scenari'; did you mean 'scenario'? (schemas: exercise, scenario, variant)\n"
    out = tmp_path / "variant.schema.json"
    proc = negsim_cmd("schema", "variant", "-o", str(out))
    assert proc.returncode == 0 and json.loads(out.read_text(encoding="utf-8"))["title"] == "negsim variant"
    assert negsim_cmd("schema", "variant", "-o", str(out)).returncode == 2
    result = run("schema", "exercise")
    assert result.exit_code == 0 and json.loads(result.stdout)["title"] == "negsim exercise"


def test_kinds_are_the_files_in_the_schemas_folder():
    assert schema.kinds() == sorted(p.stem for p in Path(schema.SCHEMAS).glob("*.json"))
    assert {"scenario", "variant", "exercise"} <= set(schema.kinds())


def keys_of(node: object) -> set[str]:
    """Every property name anywhere in a schema."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                found |= set(value)
            found |= keys_of(value)
    elif isinstance(node, list):
        for item in node:
            found |= keys_of(item)
    return found


# (kind, its format reference, the $defs copied from the scenario schema whose keys the scenario
# format names: an exercise's added events are "written as in a scenario's timeline")
@pytest.mark.parametrize(
    ("kind", "page", "from_scenario"),
    [
        ("scenario", "docs/scenario-format.md", ()),
        ("variant", "docs/reference/variant-format.md", ()),
        ("exercise", "docs/reference/exercise-format.md", ("event", "codes")),
    ],
)
def test_the_format_reference_names_every_key_of_the_schema(kind, page, from_scenario):
    text = (ROOT / page).read_text(encoding="utf-8")
    data = json.loads(schema.schema_text(kind))
    scenario_defs = json.loads(schema.schema_text("scenario"))["$defs"]
    for name in from_scenario:
        assert data["$defs"].pop(name) == scenario_defs[name]  # its keys: the scenario case
    missing = sorted(k for k in keys_of(data) if f"`{k}`" not in text and f"{k}:" not in text)
    assert missing == []
