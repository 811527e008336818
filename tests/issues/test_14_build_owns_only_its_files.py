"""Issue #14, item 1: a build replaces only the files it wrote; every other file stays."""

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from dllm_kg import buildfolder
from dllm_kg.buildfolder import MANIFEST_FILE, STAGING_DIR, ExportError, write_build
from dllm_kg.constants import DEFAULT_SOURCE
from dllm_kg.pipeline import BUILD_FILES

BUILD = [sys.executable, "-m", "dllm_kg", "build"]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below a folder, by relative path, with its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def others(folder: Path) -> dict[str, bytes]:
    """The files below a folder that are not a build's own."""
    own = {*BUILD_FILES, MANIFEST_FILE}
    return {name: data for name, data in tree(folder).items() if name not in own}


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """An earlier build of the bundled list, in ``dist``."""
    out = tmp_path / "dist"
    subprocess.run([*BUILD, "-o", str(out)], check=True, capture_output=True)
    return out


def test_a_list_kept_in_the_output_folder_is_built_and_kept(dist: Path) -> None:
    source = dist / "list.md"
    shutil.copy(DEFAULT_SOURCE, source)
    result = subprocess.run([*BUILD, str(source), "-o", str(dist)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert source.read_bytes() == DEFAULT_SOURCE.read_bytes()
    assert set(tree(dist)) == {*BUILD_FILES, MANIFEST_FILE, "list.md"}


def test_notes_and_folders_put_into_a_build_folder_survive_the_next_build(dist: Path) -> None:
    (dist / "notes.md").write_text("my notes\n")
    (dist / "work").mkdir()
    (dist / "work" / "explore.ipynb").write_text("{}\n")
    before = others(dist)
    result = subprocess.run([*BUILD, "-o", str(dist)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert others(dist) == before == {"notes.md": b"my notes\n", "work/explore.ipynb": b"{}\n"}


def test_the_manifest_names_each_file_the_build_wrote_with_its_digest(dist: Path) -> None:
    files = json.loads((dist / MANIFEST_FILE).read_text())["files"]
    assert sorted(files) == sorted(BUILD_FILES)
    for name, digest in files.items():
        assert buildfolder.digest(dist / name) == digest, name


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        # A file of the user's that bears a build file's name, in a build folder.
        (lambda dist: (dist / MANIFEST_FILE).write_text(""), None),
        (
            lambda dist: (dist / "graph.html").write_text("edited by hand"),
            "graph.html was changed since dllm-kg wrote it and a build would replace it; "
            "move it away or delete it",
        ),
    ],
    ids=["older-manifest-is-trusted", "edited-file"],
)
def test_a_build_file_changed_by_hand_is_refused_and_nothing_changes(
    dist: Path, prepare, message: str | None
) -> None:
    prepare(dist)
    before = tree(dist)
    result = subprocess.run([*BUILD, "-o", str(dist)], capture_output=True, text=True)
    if message is None:  # an older dllm-kg's empty manifest: its files are the build's own
        assert result.returncode == 0, result.stderr
        return
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"dllm-kg: error: {dist / message}\n"
    assert tree(dist) == before


def test_a_file_of_the_users_with_a_build_files_name_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    write_build({"dllm-kg.ttl": b"old"}, out)
    (out / "graph.html").write_text("mine")
    before = tree(out)
    with pytest.raises(ExportError, match=r"graph\.html was not written by dllm-kg"):
        write_build({"dllm-kg.ttl": b"new", "graph.html": b"page"}, out)
    assert tree(out) == before


def test_files_the_last_build_wrote_and_this_one_does_not_are_removed_unless_edited(
    tmp_path: Path,
) -> None:
    out = tmp_path / "dist"
    write_build({"a.ttl": b"a", "old.ttl": b"old", "edited.ttl": b"e"}, out)
    (out / "edited.ttl").write_bytes(b"edited by hand")
    write_build({"a.ttl": b"a2"}, out)
    assert tree(out) == {
        "a.ttl": b"a2",
        "edited.ttl": b"edited by hand",  # changed by hand: now the user's, kept
        MANIFEST_FILE: (out / MANIFEST_FILE).read_bytes(),
    }
    assert json.loads((out / MANIFEST_FILE).read_text())["files"] == {
        "a.ttl": buildfolder.digest(out / "a.ttl")
    }


def test_a_build_killed_while_moving_files_is_finished_by_the_next(tmp_path: Path) -> None:
    """A killed build's staging folder, flagged complete, half moved: the next build ends it."""
    out = tmp_path / "dist"
    write_build({"a.ttl": b"a1", "b.ttl": b"b1"}, out)
    (out / "notes.md").write_text("mine")
    buildfolder._stage({"a.ttl": b"a2", "b.ttl": b"b2"}, out / STAGING_DIR)
    (out / STAGING_DIR / "a.ttl").replace(out / "a.ttl")  # killed after the first move
    write_build({"a.ttl": b"a3", "b.ttl": b"b3"}, out)
    assert tree(out) == {
        "a.ttl": b"a3",
        "b.ttl": b"b3",
        "notes.md": b"mine",
        MANIFEST_FILE: (out / MANIFEST_FILE).read_bytes(),
    }


def test_a_build_killed_while_staging_leaves_the_earlier_build(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    write_build({"a.ttl": b"a1"}, out)
    (out / STAGING_DIR).mkdir()
    (out / STAGING_DIR / "a.ttl").write_bytes(b"half")  # no commit flag: never finished
    assert out.joinpath("a.ttl").read_bytes() == b"a1"
    write_build({"a.ttl": b"a2"}, out)
    assert sorted(tree(out)) == [MANIFEST_FILE, "a.ttl"]


def test_builds_into_one_folder_at_once_leave_one_complete_result(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    (out).mkdir()
    start = threading.Barrier(6)
    failures: list[Exception] = []

    def one_build(number: int) -> None:
        start.wait()
        try:
            write_build({"a.ttl": b"a%d" % number, "b.ttl": b"b%d" % number}, out)
        except ExportError as error:
            failures.append(error)

    threads = [threading.Thread(target=one_build, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    files = tree(out)
    winner = files["a.ttl"][1:]
    assert files["b.ttl"] == b"b" + winner
    assert sorted(files) == [MANIFEST_FILE, "a.ttl", "b.ttl"]
    recorded = json.loads(files[MANIFEST_FILE])["files"]
    assert recorded == {name: buildfolder.digest(out / name) for name in ("a.ttl", "b.ttl")}


def test_a_failed_first_build_leaves_no_folder(tmp_path: Path, monkeypatch) -> None:
    def full_disk(path: Path, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(ExportError, match="No space left"):
        write_build({"a.ttl": b"a"}, tmp_path / "dist")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []
