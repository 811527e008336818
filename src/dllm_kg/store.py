"""The built graph on disk: a pyoxigraph store per list, reused until the list or dllm-kg changes.

A stored graph lives in the cache folder (:func:`cache_dir`) under a key: the SHA-256 of the
package version, the list's name and bytes, and every hand-written input the build reads
(ontology, vocabularies, curated data, rules). ``dllm-kg build`` writes it; ``query``,
``render`` and the Python API open it, and build it only when it is missing or stale. Each
stored graph is written to a folder of its own and renamed into place when complete, so a
reader never sees half a store.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dllm_kg import __version__
from dllm_kg.constants import (
    ANNOTATIONS_PATH,
    DEFAULT_SOURCE,
    DIRECTION_MATCHES_PATH,
    DIRECTIONS_PATH,
    MODELS_PATH,
    RULES_DIR,
)
from dllm_kg.errors import DllmKgError
from dllm_kg.graph import VOCABULARY_PATHS, load_store
from dllm_kg.listfile import read_list_bytes

#: The environment variable that names the cache folder.
CACHE_VARIABLE = "DLLM_KG_CACHE"
#: The store's folder and the description of what it holds, inside a cache entry.
STORE_DIR = "store"
META_FILE = "meta.json"
#: How many stored graphs the cache keeps; older ones are removed when a new one is stored.
CACHE_ENTRIES = 8
#: A half-written entry this old belongs to a store that was killed: it is removed.
STALE_SECONDS = 24 * 3600
#: The names of a stored graph's folder (its key) and of one being written (see store_graph).
_ENTRY_NAME = re.compile(r"[0-9a-f]{64}\Z")
_STAGING_NAME = re.compile(r"\.[0-9a-f]{16}\.[A-Za-z0-9_]+\Z")


class StoreError(DllmKgError):
    """The cache folder cannot be used."""


@dataclass(frozen=True)
class StoredGraph:
    """A graph read from the cache, or built and stored there just now."""

    store: ox.Store
    #: The cache entry's folder.
    path: Path
    #: The list the graph was built from, as the user named it.
    source: str
    #: True when the graph was built for this call (missing or stale), False when reused.
    built: bool

    def describe(self) -> str:
        """One line for the user: which graph was read, and whether it was built now."""
        how = "built and stored" if self.built else "stored graph"
        return f"{how}: {self.source} ({len(self.store):,} triples, {self.path})"


def cache_dir() -> Path:
    """Where stored graphs live: ``$DLLM_KG_CACHE``, else ``$XDG_CACHE_HOME/dllm-kg``, else
    ``~/.cache/dllm-kg``."""
    if os.environ.get(CACHE_VARIABLE):
        return Path(os.environ[CACHE_VARIABLE])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dllm-kg"


def graph_key(source: Path, label: str) -> str:
    """The key of a list's stored graph: what the build reads, and the package version."""
    digest = hashlib.sha256(f"dllm-kg {__version__}\0{label}\0".encode())
    inputs = (
        source,
        *VOCABULARY_PATHS,
        ANNOTATIONS_PATH,
        MODELS_PATH,
        DIRECTIONS_PATH,
        DIRECTION_MATCHES_PATH,
        *sorted(RULES_DIR.glob("*.rq")),
    )
    digest.update(read_list_bytes(source, label))  # a regular file, not too large, or refused
    digest.update(b"\0")
    for path in inputs[1:]:
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def find_stored(source: Path | None = None, label: str | None = None) -> StoredGraph | None:
    """The stored graph of a list when the cache holds a current one, else ``None``."""
    source, label = _named(source, label)
    entry = cache_dir() / _readable_key(source, label)
    if not (entry / META_FILE).is_file():
        return None
    try:
        store = ox.Store.read_only(str(entry / STORE_DIR))
    except OSError:
        return None
    return StoredGraph(store, entry, label, built=False)


def store_graph(
    ntriples: bytes | Path, source: Path | None = None, label: str | None = None
) -> StoredGraph:
    """Store a list's graph, given as N-Triples (bytes or a file), in the cache; return it
    opened from there, read-only."""
    source, label = _named(source, label)
    key = _readable_key(source, label)
    root = cache_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{key[:16]}.", dir=root))
        try:
            _write_entry(ntriples, staging, label, key)
            _rename_into_place(staging, root / key)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        _evict(root, keep=root / key)
        stored = ox.Store.read_only(str(root / key / STORE_DIR))
    except OSError as error:
        raise StoreError(f"{root}: cannot store the graph ({error})") from None
    return StoredGraph(stored, root / key, label, built=True)


def _named(source: Path | None, label: str | None) -> tuple[Path, str]:
    """The list's path and the name the graph gives it (as in :func:`dllm_kg.parse.parse_file`)."""
    path = source or DEFAULT_SOURCE
    return path, label or path.name


def _readable_key(source: Path, label: str) -> str:
    try:
        return graph_key(source, label)
    except OSError as error:
        raise StoreError(f"{source}: cannot be read ({error.strerror})") from None


def _write_entry(ntriples: bytes | Path, folder: Path, label: str, key: str) -> None:
    """Write a store and its description into a new cache entry's folder."""
    on_disk = load_store(ntriples, folder / STORE_DIR)
    on_disk.flush()
    triples = len(on_disk)
    del on_disk  # closes the store before its folder moves
    meta = {"source": label, "key": key, "version": __version__, "triples": triples}
    (folder / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def _rename_into_place(staging: Path, entry: Path) -> None:
    """Move a complete entry into place; an entry of the same key stored meanwhile wins."""
    try:
        os.rename(staging, entry)
    except OSError:
        if not (entry / META_FILE).is_file():
            shutil.rmtree(entry, ignore_errors=True)
            os.rename(staging, entry)


def _is_entry(path: Path) -> bool:
    """Whether a folder is a stored graph: named by its key, which its description repeats."""
    if not _ENTRY_NAME.match(path.name) or not (path / META_FILE).is_file():
        return False
    try:
        return json.loads((path / META_FILE).read_text(encoding="utf-8")).get("key") == path.name
    except (OSError, ValueError, AttributeError):
        return False


def _evict(root: Path, keep: Path) -> None:
    """Remove all but the newest :data:`CACHE_ENTRIES` stored graphs, and the half-written
    entries of stores that were killed (older than :data:`STALE_SECONDS`).

    Only folders named as this module names them are touched, wherever the cache points.
    """
    stale = time.time() - STALE_SECONDS
    for staging in root.iterdir():
        if _STAGING_NAME.match(staging.name) and staging.stat().st_mtime < stale:
            shutil.rmtree(staging, ignore_errors=True)
    entries = sorted(
        (path for path in root.iterdir() if path != keep and _is_entry(path)),
        key=lambda path: (path / META_FILE).stat().st_mtime,
        reverse=True,
    )
    for old in entries[CACHE_ENTRIES - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
