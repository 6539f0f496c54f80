"""Writing output files: atomically, and never over a user's file unless asked."""

from __future__ import annotations

import os
import tempfile

from .errors import UsageError


def write_text(path: str, text: str, *, force: bool = False) -> None:
    """Write ``text`` (UTF-8, '\\n' line ends) to ``path`` via a temporary file and a rename.

    Refuses to replace an existing file unless ``force`` is true, so a typo
    in ``-o`` never destroys work; a reader never sees a half-written file.
    """
    if os.path.isdir(path):
        raise UsageError(f"cannot write to {path}: it is a directory")
    if os.path.exists(path) and not force:
        raise UsageError(f"{path} already exists; use --force to overwrite it")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"cannot write to {path}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=".negsim-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
