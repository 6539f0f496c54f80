"""Shared fixtures: the repository's real files, and a way to write small scenarios."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import negsim

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
ARTICLE = SCENARIOS / "aleppo-2016-12.yaml"

# The smallest valid scenario; tests change one thing at a time.
MINIMAL = """\
negsim: 1
id: mini
title: A minimal deal
timezone: "+00:00"
facts:
  ready: false
  count: 2
parties:
  alpha:
    name: Alpha
    conditions:
      is_ready:
        text: Alpha is ready
        when: ready
deal:
  initial: open
  states:
    open: Talks are open
    signed: The deal is signed
  transitions:
    - trigger: sign
      from: open
      to: signed
      consent: [alpha]
timeline:
  - at: 2020-01-01T10:00
    id: first_try
    trigger: sign
  - at: 2020-01-01T11:00
    id: alpha_ready
    set:
      ready: true
    trigger: sign
"""


@pytest.fixture(scope="session")
def article() -> negsim.Scenario:
    return negsim.load(str(ARTICLE))


@pytest.fixture(scope="session")
def article_trace(article: negsim.Scenario) -> negsim.Trace:
    return negsim.replay(article)


@pytest.fixture
def write(tmp_path: Path):
    """write(text, name='s.yaml') -> path of a file holding the dedented text."""

    def _write(text: str, name: str = "s.yaml") -> str:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return str(path)

    return _write
