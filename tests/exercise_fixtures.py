"""A small exercise on the minimal scenario, with a known tree of choices."""

from __future__ import annotations

import textwrap
from pathlib import Path

from .conftest import MINIMAL

# Three options at 'early': 1 waits (signs at 11:00), 2 signs at 10:00, 3 sets a
# fact to the value it already has (changes nothing: it joins option 1).
# 'late' comes at 12:00 only if the deal is still open, which it never is.
# 'never_open' cannot be met: the deal starts open.
FIXTURE = """\
negsim-exercise: 1
id: fixture
title: A fixture exercise
scenario: s.yaml
brief: Alpha decides whether to get ready early.
roles: [alpha]
objectives:
  - id: signed_early
    text: The deal is signed by 10:30
    reach: signed
    by: 2020-01-01T10:30
  - id: ends_signed
    text: The deal ends signed
    final: signed
  - id: never_open
    text: The deal is never open
    never: open
injects:
  - at: 2020-01-01T09:00
    id: early
    to: alpha
    message: The mediators ask whether Alpha is ready.
    expected: Alpha gets ready at once.
    decision:
      prompt: Is Alpha ready now?
      options:
        - label: Wait
        - label: Get ready now
          expected: true
          effects:
            set:
              ready: true
            fire: sign
        - label: Count again
          effects:
            set:
              count: 2
  - at: 2020-01-01T09:30
    id: news
    to: alpha
    message: A note from the capital.
  - at: 2020-01-01T12:00
    id: late
    to: alpha
    if: state == "open"
    message: Still open at noon?
    decision:
      prompt: Try again?
      options:
        - label: Try again
          effects:
            fire: sign
        - label: Give up
"""


def write_fixture(tmp_path: Path, exercise: str = FIXTURE, name: str = "x.yaml") -> str:
    (tmp_path / "s.yaml").write_text(MINIMAL, encoding="utf-8")
    path = tmp_path / name
    path.write_text(textwrap.dedent(exercise), encoding="utf-8")
    return str(path)
