"""negsim new: a starting scenario or a copy that validates as it is, never overwriting."""

from __future__ import annotations

import os

import pytest

import negsim
from negsim import yamlsource
from negsim.errors import NegsimError, UsageError
from negsim.lint import lint
from negsim.new import new, path_and_id

from .conftest import ARTICLE, MINIMAL, ROOT
from .test_cli import negsim_cmd, run


def test_the_starting_scenario_validates_lints_clean_and_replays(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    written = new("my-deal")
    assert written == ("my-deal.yaml", "my-deal", ())
    sc = negsim.load("my-deal.yaml")
    assert sc.id == "my-deal"
    assert lint(sc, yamlsource.load("my-deal.yaml")) == []
    trace = negsim.replay(sc)
    assert trace.path == ("talks", "truce", "convoy_crossed")
    text = (tmp_path / "my-deal.yaml").read_text(encoding="utf-8")
    assert "#     negsim validate my-deal.yaml\n" in text and "@" not in text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("my-deal", ("my-deal.yaml", "my-deal")),
        ("sub/Goma Truce.yml", ("sub/Goma Truce.yml", "goma-truce")),
        ("x.yaml", ("x.yaml", "x")),
    ],
)
def test_path_and_id(name, expected):
    assert path_and_id(name) == expected


def test_names_that_make_no_id():
    with pytest.raises(UsageError, match="cannot make a scenario id from '---'"):
        path_and_id("---")
    with pytest.raises(UsageError, match="NAME is empty"):
        path_and_id(" ")


def test_never_overwrites(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.yaml").write_text("precious\n", encoding="utf-8")
    with pytest.raises(NegsimError) as info:
        new("mine")
    assert str(info.value) == "mine.yaml already exists; negsim new never overwrites a file: choose another name, or move the file away"
    assert info.value.exit_code == 1
    assert (tmp_path / "mine.yaml").read_text(encoding="utf-8") == "precious\n"


def test_copy_of_a_bundled_scenario_brings_its_source(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    written = new("out/aleppo-mine", "aleppo-2016-12")
    assert written == ("out/aleppo-mine.yaml", "aleppo-mine", ("out/sources/aleppo-2016-12-15.txt",))
    copy = negsim.load("out/aleppo-mine.yaml")
    original = negsim.load(str(ARTICLE))
    assert copy.id == "aleppo-mine"
    assert [e.id for e in copy.timeline] == [e.id for e in original.timeline]
    assert negsim.replay(copy).path == negsim.replay(original).path
    text = (tmp_path / "out" / "aleppo-mine.yaml").read_text(encoding="utf-8")
    assert text == ARTICLE.read_text(encoding="utf-8").replace("\nid: aleppo-2016-12\n", "\nid: aleppo-mine\n")
    # a second copy beside it shares the identical source file
    assert new("out/again", "out/aleppo-mine.yaml").sources == ()


def test_copy_refuses_a_different_source_file_in_the_way(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "aleppo-2016-12-15.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(NegsimError, match="sources/aleppo-2016-12-15.txt already exists and differs"):
        new("copy", "aleppo-2016-12")
    assert not (tmp_path / "copy.yaml").exists()


def test_copy_refuses_variants_and_invalid_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match="--from aleppo-no-shelling: this is a variant file; --from copies a scenario"):
        new("v", "aleppo-no-shelling")
    with pytest.raises(negsim.ScenarioError):
        new("broken", str(ROOT / "docs" / "examples" / "my-deal.yaml"))
    assert os.listdir(tmp_path) == []


def test_new_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("new", "my-deal")
    assert result.exit_code == 0
    assert result.stdout == (
        "wrote my-deal.yaml (scenario 'my-deal')\n"
        "Next: edit it, then run 'negsim validate my-deal.yaml' and 'negsim replay my-deal.yaml'\n"
    )
    again = run("new", "my-deal")
    assert again.exit_code == 1
    assert again.stderr == "Error: my-deal.yaml already exists; negsim new never overwrites a file: choose another name, or move the file away\n"
    assert run("new", "nowhere/x").exit_code == 2


def test_new_subprocess(tmp_path):
    result = negsim_cmd("new", "copy", "--from", "aleppo-2016-12", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.decode().splitlines()[0] == "wrote sources/aleppo-2016-12-15.txt"
    assert negsim_cmd("validate", "copy.yaml", cwd=tmp_path).returncode == 0


def test_copy_refuses_an_exercise_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ex.yaml").write_text("negsim-exercise: 1\nid: x\n", encoding="utf-8")
    with pytest.raises(UsageError, match="^--from ex.yaml: this is an exercise file; --from copies a scenario$"):
        new("copy", "ex.yaml")


def test_copy_refuses_a_source_that_is_not_utf8(tmp_path, monkeypatch):
    (tmp_path / "orig").mkdir()
    (tmp_path / "orig" / "src.txt").write_bytes(b"caf\xe9\n")
    (tmp_path / "orig" / "s.yaml").write_text(
        MINIMAL.replace('timezone: "+00:00"\n', 'timezone: "+00:00"\nsources:\n  - id: s\n    title: S\n    file: src.txt\n'),
        encoding="utf-8",
    )
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path / "out")
    with pytest.raises(NegsimError, match="src.txt is not UTF-8 text; save it as UTF-8, or copy it by hand"):
        new("copy", "../orig/s.yaml")
    assert os.listdir(tmp_path / "out") == []
