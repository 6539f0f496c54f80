"""Writing output files: atomically, and never over a user's file unless asked."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from .errors import NegsimError, UsageError


def write_text(path: str, text: str, *, force: bool = False) -> None:
    """Write ``text`` (UTF-8, '\\n' line ends) to ``path``, as :func:`atomic` does."""
    write_bytes(path, text.encode("utf-8"), force=force)


def write_bytes(path: str, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path``, as :func:`atomic` does."""
    with atomic(path, force=force) as fh:
        fh.write(data)


def check_target(path: str, *, force: bool = False, option: str = "-o") -> None:
    """Refuse ``path`` now, before long work, for the reasons :func:`atomic` would later."""
    _target(path, force, option)


def _target(path: str, force: bool, option: str) -> tuple[str, os.stat_result | None]:
    """The real path to write and what is there now; raises UsageError when it must not be written."""
    if not path:
        raise UsageError(f"{option} needs a file name")
    target = os.path.realpath(path)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise NegsimError(f"cannot write {path}: {exc.strerror or exc}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UsageError(f"cannot write to {path}: it is a directory")
    if info is not None and stat.S_ISREG(info.st_mode) and not force:
        raise UsageError(f"{path} already exists; use --force to overwrite it")
    if info is None and not os.path.isdir(os.path.dirname(target)):
        raise UsageError(f"cannot write to {path}: folder {os.path.dirname(path) or os.path.dirname(target)} does not exist")
    return target, info


@contextmanager
def atomic(path: str, *, force: bool = False, option: str = "-o") -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through, for output too big to hold in memory.

    A regular file is written through a temporary file in the same folder and
    a rename when the block ends without an error, so a reader never sees
    half a file, and an existing file is replaced only with ``force``
    (keeping its permissions); a new file gets the usual permissions (the
    umask). If the block fails or is interrupted, the temporary file is
    removed and the old file is untouched. A symbolic link is followed: the
    file it points to is the one written. Something that is not a regular
    file, such as ``/dev/null`` or a named pipe, is written into directly: it
    cannot be replaced, and writing to it loses nothing.
    """
    target, info = _target(path, force, option)
    if info is not None and not stat.S_ISREG(info.st_mode):
        try:
            with open(target, "wb") as fh:
                yield fh
        except OSError as exc:
            raise NegsimError(f"cannot write {path}: {exc.strerror or exc}") from None
        return
    folder = os.path.dirname(target)
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=".negsim-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise NegsimError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise NegsimError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
