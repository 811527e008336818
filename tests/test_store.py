"""The stored graph: built once, read by later commands, rebuilt when the list changes."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from dllm_kg import store
from dllm_kg.constants import DEFAULT_SOURCE

MARKER = ox.Quad(ox.NamedNode("urn:x:marker"), ox.NamedNode("urn:x:p"), ox.Literal("stored"))
ASK_MARKER = "ASK { <urn:x:marker> <urn:x:p> 'stored' }"


def dllm_kg(cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, store.CACHE_VARIABLE: str(cache)}
    command = [sys.executable, "-m", "dllm_kg", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=True)


@pytest.fixture
def listed(tmp_path: Path) -> Path:
    source = tmp_path / "list.md"
    shutil.copy(DEFAULT_SOURCE, source)
    return source


def entries(cache: Path) -> list[Path]:
    return sorted(path for path in cache.iterdir() if (path / store.META_FILE).is_file())


def mark(entry: Path) -> None:
    """Add a triple that no build makes to a stored graph."""
    stored = ox.Store(str(entry / store.STORE_DIR))
    stored.add(MARKER)
    stored.flush()
    del stored


def test_a_second_query_reads_the_stored_graph_and_an_edit_rebuilds_it(
    tmp_path: Path, listed: Path
) -> None:
    cache = tmp_path / "cache"
    first = dllm_kg(cache, "query", "-e", ASK_MARKER, "--source", str(listed))
    assert first.stderr.startswith(f"graph: built and stored: {listed} (6,533 triples, ")
    [entry] = entries(cache)
    mark(entry)
    second = dllm_kg(cache, "query", "-e", ASK_MARKER, "--source", str(listed))
    assert (first.stdout, second.stdout) == ("false\n", "true\n")  # the marked store was read
    assert second.stderr == f"graph: stored graph: {listed} (6,534 triples, {entry})\n"

    listed.write_text(listed.read_text().replace("FwdLLM", "FwdLLM2"))
    title = "SELECT ?t { ?p dcterms:title ?t FILTER(STRSTARTS(?t, 'FwdLLM')) }"
    edited = dllm_kg(cache, "query", "-e", title, "--source", str(listed), "-f", "csv")
    assert edited.stdout.splitlines()[1] == "FwdLLM2: Efficient FedLLM Using Forward Gradient"
    assert edited.stderr.startswith("graph: built and stored: ")
    assert len(entries(cache)) == 2
    again = dllm_kg(cache, "query", "-e", ASK_MARKER, "--source", str(listed))
    assert again.stdout == "false\n"


def test_a_build_stores_the_graph_that_queries_then_read(tmp_path: Path, listed: Path) -> None:
    cache = tmp_path / "cache"
    dllm_kg(cache, "build", str(listed), "-o", str(tmp_path / "out"))
    [entry] = entries(cache)
    mark(entry)
    result = dllm_kg(cache, "query", "-e", ASK_MARKER, "--source", str(listed))
    assert (result.stdout, result.stderr.split(":")[1]) == ("true\n", " stored graph")
    stored = ox.Store.read_only(str(entry / store.STORE_DIR))
    exported = {quad.triple for quad in ox.parse(path=str(tmp_path / "out" / "dllm-kg.nt"))}
    assert {quad.triple for quad in stored if quad != MARKER} == exported


def test_the_key_follows_the_lists_name_and_bytes(tmp_path: Path, listed: Path) -> None:
    key = store.graph_key(listed, "list.md")
    assert store.graph_key(listed, "other.md") != key
    listed.write_text(listed.read_text() + "\n")
    assert store.graph_key(listed, "list.md") != key


def test_the_cache_keeps_its_newest_entries(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(store.CACHE_VARIABLE, str(tmp_path / "cache"))
    for number in range(store.CACHE_ENTRIES + 2):
        source = tmp_path / f"list-{number}.md"
        source.write_text(f"list {number}\n")
        saved = store.store_graph(b"<urn:x:s> <urn:x:p> <urn:x:o> .\n", source)
        os.utime(saved.path / store.META_FILE, (number, number))  # entries in age order
    kept = [path.name for path in entries(tmp_path / "cache")]
    assert len(kept) == store.CACHE_ENTRIES
    oldest = store.graph_key(tmp_path / "list-1.md", "list-1.md")
    assert oldest not in kept


def test_a_killed_stores_half_written_entry_is_removed_a_day_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(store.CACHE_VARIABLE, str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    old = tmp_path / "cache" / ".0123456789abcdef.k1"
    recent = tmp_path / "cache" / ".fedcba9876543210.k2"
    users = tmp_path / "cache" / ".config"  # the cache may point at a folder of the user's
    for folder in (old, recent, users):
        folder.mkdir()
    day_ago = old.stat().st_mtime - store.STALE_SECONDS - 1
    for folder in (old, users):
        os.utime(folder, (day_ago, day_ago))
    source = tmp_path / "list.md"
    source.write_text("a list\n")
    store.store_graph(b"<urn:x:s> <urn:x:p> <urn:x:o> .\n", source)
    assert (old.exists(), recent.exists(), users.exists()) == (False, True, True)


def test_a_cache_pointed_at_a_folder_of_the_users_removes_none_of_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    for name in ("notes", ".config", "0" * 64):
        (home / name).mkdir(parents=True)
        (home / name / store.META_FILE).write_text("{}")  # even folders that look like ours
    (home / "file.txt").write_text("mine")
    before = sorted(str(path) for path in home.rglob("*"))
    monkeypatch.setenv(store.CACHE_VARIABLE, str(home))
    for number in range(store.CACHE_ENTRIES + 2):
        source = tmp_path / f"list-{number}.md"
        source.write_text(f"list {number}\n")
        store.store_graph(b"<urn:x:s> <urn:x:p> <urn:x:o> .\n", source)
    after = sorted(str(path) for path in home.rglob("*"))
    assert set(before) <= set(after)
