"""``negsim new``: a starting scenario, or a copy of an existing one, that validates as it is.

A new author's first file should run before they change anything, so that
every later error is one they just made. The starting scenario is
``negsim/data/new-scenario.yaml``; a copy keeps the original's text and
comments and changes only its ``id``. A scenario's source files are copied
along (to the same relative place) so that the copy validates wherever it
is written. Nothing is ever overwritten.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple

from .checks import SCENARIO_ID
from .errors import NegsimError, UsageError

TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "new-scenario.yaml")
_ID_LINE = re.compile(r"^id:[ \t]*\S.*$", re.MULTILINE)


class Written(NamedTuple):
    """What ``new`` wrote: the scenario file, its id, and any source files copied along."""

    path: str
    id: str
    sources: tuple[str, ...]


def path_and_id(name: str) -> tuple[str, str]:
    """The file to write for NAME (NAME.yaml unless it names a .yaml/.yml path) and the id to give it."""
    if not name or not name.strip():
        raise UsageError("NAME is empty; give a name such as my-deal")
    path = name if name.endswith((".yaml", ".yml")) else name + ".yaml"
    stem = os.path.basename(path).rsplit(".", 1)[0]
    sid = re.sub(r"[^a-z0-9_.-]+", "-", stem.lower()).strip("-.")
    if not SCENARIO_ID.match(sid):
        raise UsageError(
            f"cannot make a scenario id from '{stem}': name the file with letters, digits, '-', '_' or '.', such as my-deal"
        )
    return path, sid


def new(name: str, from_: str | None = None) -> Written:
    """Write a new scenario for NAME; see the module docstring. Raises NegsimError."""
    path, sid = path_and_id(name)
    _refuse_existing(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"cannot write to {path}: folder {os.path.dirname(path)} does not exist")
    copies: list[tuple[str, str]] = []  # (from, to) source files
    if from_ is None:
        with open(TEMPLATE, encoding="utf-8") as fh:
            text = fh.read().replace("@ID@", sid).replace("@FILE@", path)
    else:
        text, copies = _copy_of(from_, sid, os.path.dirname(path))
    from .outputs import write_text

    texts = [(dest, _source_text(src)) for src, dest in copies]  # all read before anything is written
    for dest, source_text in texts:
        os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
        write_text(dest, source_text)
    write_text(path, text)
    return Written(path, sid, tuple(dest for _, dest in copies))


def _refuse_existing(path: str) -> None:
    if os.path.lexists(path):
        raise NegsimError(f"{path} already exists; negsim new never overwrites a file: choose another name, or move the file away")


def _copy_of(name: str, sid: str, folder: str) -> tuple[str, list[tuple[str, str]]]:  # folder: as the user wrote it
    """The text of scenario ``name`` with its id changed, and the source files to copy along."""
    from .catalog import resolve
    from .scenario import kind_of, load
    from .yamlsource import parse, read_text

    source_path = resolve(name)
    text = read_text(source_path)
    kind = kind_of(parse(text, source_path))
    if kind != "scenario":
        raise UsageError(f"--from {name}: this is {'an' if kind[0] in 'aeiou' else 'a'} {kind} file; --from copies a scenario")
    scenario = load(source_path)  # a copy of an invalid file would not validate
    text = text[3:] if text.startswith("\ufeff") else text
    text = _ID_LINE.sub(lambda m: f"id: {sid}", text, count=1)
    base = os.path.dirname(os.path.abspath(source_path))
    copies = []
    for source in scenario.sources:
        if source.file is None:
            continue
        rel = os.path.relpath(source.file, base)
        if rel.startswith(os.pardir) or os.path.isabs(rel):
            raise NegsimError(
                f"--from {name}: source file {source.file} lies outside the scenario's folder; "
                "copy it by hand, or remove the 'file:' key from the copy"
            )
        dest = os.path.join(folder, rel)
        if os.path.exists(dest):
            if _same(dest, source.file):
                continue
            raise NegsimError(
                f"{dest} already exists and differs from the source file of '{scenario.id}'; "
                "negsim new never overwrites a file: write the copy in another folder"
            )
        copies.append((source.file, dest))
    return text, copies


def _source_text(path: str) -> str:
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise NegsimError(f"source file {path} is not UTF-8 text; save it as UTF-8, or copy it by hand") from None


def _same(a: str, b: str) -> bool:
    with open(a, "rb") as fa, open(b, "rb") as fb:
        return fa.read() == fb.read()
