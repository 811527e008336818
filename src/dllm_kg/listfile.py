"""Read a list file: a regular file only, and no more than the maximums below.

The maximums leave room for far longer lists than the real one (135 rows, 24 kB, cells of
at most 207 characters): the benchmarks' synthetic 100,000-entry list has 100,048 lines in
18.9 MB. They keep a hostile or broken input (``/dev/zero``, a pipe that never ends, a
gigabyte of newlines) from using all memory or time; beyond them the list is refused with
one line that names the file (and for a row or a cell, its line). The parser
(:mod:`dllm_kg.parse`) checks the lines, rows and cells; this module the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from dllm_kg.constants import DEFAULT_SOURCE
from dllm_kg.errors import DllmKgError

#: The largest list file read, in bytes (64 MiB; 3.4 times the 100,000-entry list).
MAX_FILE_BYTES = 64 * 2**20
#: The most lines a list may have (10 times the 100,000-entry list; markdown-it keeps a
#: few numbers per line, and a line costs up to about 25 µs to read).
MAX_LINES = 1_000_000
#: The most table rows a list may have (5 times the 100,000-entry list).
MAX_ROWS = 500_000
#: The longest table cell, in characters (the real list's longest is 207).
MAX_CELL_CHARS = 10_000
#: How much of a file is read at a time beyond the size it reports.
_CHUNK = 2**20
#: What a file that is not a regular file is, by its ``stat`` type.
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class ListError(DllmKgError):
    """The input cannot be read at all (missing, unreadable, not text, beyond a maximum)."""


def read_list_bytes(path: Path, label: str) -> bytes:
    """The bytes of a list file; ``label`` is the file's name in messages.

    :raises ListError: when ``path`` is missing, not a regular file, unreadable or larger
        than :data:`MAX_FILE_BYTES`.
    """
    try:
        _refuse_special(os.stat(path).st_mode, label)
        # O_NONBLOCK: should a pipe replace the file after the check, opening it cannot hang.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
        with open(descriptor, "rb") as file:
            status = os.fstat(file.fileno())
            _refuse_special(status.st_mode, label)
            data = b"" if status.st_size > MAX_FILE_BYTES else _read_capped(file, status.st_size)
    except FileNotFoundError:
        raise ListError(f"{label}: no such file") from None
    except OSError as error:
        raise ListError(f"{label}: cannot be read ({error.strerror})") from None
    if status.st_size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
        most = f"{MAX_FILE_BYTES // 2**20} MiB"
        raise ListError(f"{label}: larger than {most}, the most a list file may be")
    return data


def _read_capped(file: BinaryIO, size: int) -> bytes:
    """A file's bytes, at most one more than :data:`MAX_FILE_BYTES` (to tell it is too large).

    ``size`` is the size the file reports, read in one go; a file that grows while read, or
    that reports none (under ``/proc``), is read on in chunks up to the cap.
    """
    chunks = [file.read(size + 1)]
    total = len(chunks[0])
    while total <= MAX_FILE_BYTES and (chunk := file.read(min(_CHUNK, MAX_FILE_BYTES + 1 - total))):
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def read_list_text(path: Path, label: str) -> str:
    """The text of a list file, which must be UTF-8 (see :func:`read_list_bytes`)."""
    data = read_list_bytes(path, label)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ListError(f"{label}: not UTF-8 text (byte {error.start})") from None


def _refuse_special(mode: int, label: str) -> None:
    """Refuse what is not a regular file: a folder, a pipe, a device (``/dev/zero``)."""
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "a special file")
    if kind == "a folder":
        raise ListError(f"{label}: is a folder, not a list file")
    raise ListError(f"{label}: is {kind}, not a list file (dllm-kg reads regular files only)")


def shown_path(path: Path, cwd: Path | None = None) -> str:
    """A list file's path as a terminal user opens it (a click, an editor's ``file:line``):
    relative to the working folder when the file is inside it, else absolute.

    >>> shown_path(Path("/work/list/README.md"), cwd=Path("/work"))
    'list/README.md'
    >>> shown_path(Path("../other/README.md"), cwd=Path("/work/list"))
    '/work/other/README.md'
    """
    try:
        here = cwd or Path.cwd()
    except OSError:  # the working folder was removed
        return str(path)
    absolute = Path(os.path.normpath(here / path))
    return str(absolute.relative_to(here)) if absolute.is_relative_to(here) else str(absolute)


def shown_list_path(source: Path | None) -> str:
    """The path findings name a list by: :func:`shown_path` of ``source``, or of where the
    bundled list really is (``data/`` of a checkout, or the installed copy)."""
    return shown_path(source if source is not None else DEFAULT_SOURCE.resolve())
