"""JSON Schemas for negsim's file formats (``negsim schema KIND``).

The schemas (draft 2020-12) live in ``negsim/schemas/KIND.json``; a new
file format gets its schema by dropping ``KIND.json`` there. They describe
the shape of a file (keys, types, ids) so that an editor can complete and
check it as it is typed; the references between parts (a transition's
states, a guard's facts) are checked only by ``negsim validate``. Tests
keep the schemas and the loader in agreement on every bundled and
documented file.
"""

from __future__ import annotations

import os

from .errors import UsageError, did_you_mean

SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas")


def kinds() -> list[str]:
    """The file kinds there is a schema for, sorted."""
    return sorted(n[: -len(".json")] for n in os.listdir(SCHEMAS) if n.endswith(".json"))


def schema_text(kind: str) -> str:
    """The JSON text of the schema for ``kind`` (raises UsageError for an unknown kind)."""
    known = kinds()
    if kind not in known:
        raise UsageError(f"no schema for '{kind}'{did_you_mean(kind, known)} (schemas: {', '.join(known)})")
    with open(os.path.join(SCHEMAS, kind + ".json"), encoding="utf-8") as fh:
        return fh.read()
