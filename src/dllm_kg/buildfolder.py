"""The build folder: a build writes its files all at once and never touches a file it did not write.

A build folder holds a manifest (:data:`MANIFEST_FILE`) naming each file the build wrote and
its SHA-256. The next build replaces exactly those files, and only while they are as it left
them; every other file in the folder stays as it is. The files are first written in full to
a staging folder inside the output folder, then moved into place one by one; a flag file
marks the point after which the move must finish, so a build killed while moving is finished
by the next build that opens the folder. Builds into one folder take turns (``flock``).
A file's name may hold ``/`` (``paper/x.html``, as ``dllm-kg site`` writes): its folders are
made as needed, and removed when a later build leaves them empty.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

from dllm_kg.errors import DllmKgError

#: The manifest: which files the last build wrote, with their SHA-256 (JSON).
MANIFEST_FILE = ".dllm-kg-build"
#: Where a build writes its files before it moves them into place.
STAGING_DIR = ".dllm-kg-staging"
#: In the staging folder: every file is written; moving them into place must finish.
COMMIT_FLAG = ".commit"
#: The signals held back while files move into place, so that Ctrl-C never splits a build.
_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


class ExportError(DllmKgError):
    """The output folder cannot be written, or holds files the build must not replace."""


def check_output_folder(out_dir: Path, names: tuple[str, ...] = ()) -> None:
    """Refuse an output folder that a build could not make or must not write into.

    A build calls this before its work, so a bad ``-o`` is reported first, and again when it
    writes.

    :param names: the files the build will write; none may be a file the build did not write.
    :raises ExportError: when ``out_dir`` or a folder above it is a file, ``out_dir`` holds
        files and is not a build folder, a file of ``names`` there was not written by a build
        or was changed since, or the folders cannot be read.
    """
    out_dir = out_dir.resolve()
    try:
        if out_dir.is_dir():
            with _turn(out_dir):  # a build moving its files in is never seen half-way
                _finish_or_drop(out_dir)
                _check(out_dir, names)
            return
    except OSError as error:
        raise ExportError(f"{out_dir}: cannot be used ({error.strerror})") from None
    _check(out_dir, names)


def write_build(files: Mapping[str, bytes | Path], out_dir: Path) -> list[Path]:
    """Write a build's files into ``out_dir``; a failure leaves the folder as it was.

    A file is given as its bytes, or as the path of a file written already, which is moved.

    Files of an earlier build that this build does not write again are removed, if they are
    still as that build wrote them. Nothing else in the folder is touched.

    :raises ExportError: as :func:`check_output_folder` does, or when a file cannot be written.
    """
    out_dir = out_dir.resolve()
    check_output_folder(out_dir, tuple(files))
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with _turn(out_dir):
            _finish_or_drop(out_dir)
            _check(out_dir, tuple(files))
            _stage(files, out_dir / STAGING_DIR)
            _move_into_place(out_dir)
    except OSError as error:
        shutil.rmtree(out_dir / STAGING_DIR, ignore_errors=True)
        if created:
            _remove_if_empty(out_dir)
        raise ExportError(f"{out_dir} cannot be written ({error.strerror})") from None
    return [out_dir / name for name in files]


def read_manifest(out_dir: Path) -> dict[str, str | None] | None:
    """The files an earlier build wrote in ``out_dir``, by name, with their SHA-256.

    ``None`` when the folder is no build folder. The manifest of an older dllm-kg, an empty
    file, names no file: every file in the folder counts as the build's, its contents
    unchecked (digest ``None``), so none is refused and none is removed.
    """
    path = out_dir / MANIFEST_FILE
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8").strip()
    if not text:
        return {child.name: None for child in out_dir.iterdir()}
    try:
        files = json.loads(text)["files"]
    except (ValueError, KeyError, TypeError):
        raise ExportError(f"{path} is damaged; remove it to build into this folder") from None
    return {str(name): str(digest) for name, digest in files.items()}


def digest(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


#: A digest that no file has: the name is not in the manifest.
_NOT_OURS = "not written by dllm-kg"


def _check(out_dir: Path, names: tuple[str, ...]) -> None:
    """:func:`check_output_folder` without finishing an interrupted build."""
    try:
        existing = next(path for path in (out_dir, *out_dir.parents) if path.exists())
        if not existing.is_dir():
            raise ExportError(f"{existing} is a file, not a folder")
        if existing != out_dir:
            return
        manifest = read_manifest(out_dir)
        if manifest is None and any(path.name != STAGING_DIR for path in out_dir.iterdir()):
            raise ExportError(
                f"{out_dir} holds other files and is not a dllm-kg build; choose another"
            )
        for name in names:
            _check_replaceable(out_dir / name, (manifest or {}).get(name, _NOT_OURS))
    except OSError as error:
        raise ExportError(f"{out_dir}: cannot be used ({error.strerror})") from None


def _check_replaceable(path: Path, recorded: str | None) -> None:
    """Refuse to replace a file the build did not write, or one changed since it wrote it."""
    if not path.exists() and not path.is_symlink():
        return
    if recorded == _NOT_OURS or path.is_symlink() or not path.is_file():
        raise ExportError(
            f"{path} was not written by dllm-kg and a build would replace it; "
            "move it away or choose another output folder"
        )
    if recorded is not None and digest(path) != recorded:
        raise ExportError(
            f"{path} was changed since dllm-kg wrote it and a build would replace it; "
            "move it away or delete it"
        )


@contextmanager
def _turn(out_dir: Path) -> Iterator[None]:
    """Hold the folder's lock: one build at a time writes into it."""
    descriptor = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _finish_or_drop(out_dir: Path) -> None:
    """Finish moving the files of a build killed after it staged them all; else drop them."""
    staging = out_dir / STAGING_DIR
    if (staging / COMMIT_FLAG).exists():
        _move_into_place(out_dir)
    elif staging.exists():
        shutil.rmtree(staging)


def _stage(files: Mapping[str, bytes | Path], staging: Path) -> None:
    """Write every file and the new manifest into the staging folder, then flag it complete."""
    staging.mkdir()
    manifest = {}
    for name, data in sorted(files.items()):
        if isinstance(data, Path):
            shutil.move(data, staging / name)
            manifest[name] = digest(staging / name)
        else:
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(data)
            manifest[name] = hashlib.sha256(data).hexdigest()
    document = json.dumps({"generator": "dllm-kg", "files": manifest}, indent=1) + "\n"
    (staging / MANIFEST_FILE).write_text(document, encoding="utf-8")
    _fsync_tree(staging)
    (staging / COMMIT_FLAG).write_bytes(b"")
    _fsync(staging)


def _move_into_place(out_dir: Path) -> None:
    """Move the staged files into place, remove what the old build wrote and this one not.

    Signals that would stop the process wait until the move is done.
    """
    staging = out_dir / STAGING_DIR
    if not (staging / MANIFEST_FILE).exists():  # moved already: killed while tidying up
        shutil.rmtree(staging)
        return
    old = read_manifest(out_dir) or {}
    new = set(json.loads((staging / MANIFEST_FILE).read_text(encoding="utf-8"))["files"])
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        for name in sorted(new):
            if (staging / name).exists():
                (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / name, out_dir / name)
        for name, recorded in old.items():
            if name not in new and _still_as_written(out_dir / name, recorded):
                (out_dir / name).unlink()
                _remove_empty_folders(out_dir, name)
        os.replace(staging / MANIFEST_FILE, out_dir / MANIFEST_FILE)
        _fsync(out_dir)
        shutil.rmtree(staging)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _still_as_written(path: Path, recorded: str | None) -> bool:
    """True when a file of an earlier build is there and unchanged since."""
    return recorded is not None and path.is_file() and digest(path) == recorded


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), reverse=True):  # a folder's files before the folder
        _fsync(path)


def _remove_empty_folders(out_dir: Path, name: str) -> None:
    """Remove the folders of a removed file's name that are now empty, innermost first."""
    for parent in (out_dir / name).relative_to(out_dir).parents:
        if parent != Path("."):
            _remove_if_empty(out_dir / parent)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_if_empty(folder: Path) -> None:
    with suppress(OSError):
        folder.rmdir()
