"""The build's helper process: jobs run in order, their files come back, failures are one line."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from dllm_kg.beside import Beside, serialised_files
from dllm_kg.errors import DllmKgError
from dllm_kg.export import render_serialisations

NTRIPLES = b'<urn:x:s> <urn:x:p> "o" .\n'


@pytest.mark.parametrize("parallel", [False, True], ids=["here", "helper-process"])
def test_serialise_writes_what_render_serialisations_renders(parallel: bool) -> None:
    with Beside(NTRIPLES, [("serialise",)], parallel=parallel) as beside:
        files = {
            name: path.read_bytes()
            for name, path in serialised_files(beside.result("serialise")).items()
        }
    assert files == render_serialisations(NTRIPLES)


def test_a_failed_job_is_one_line_from_the_helper_process(tmp_path: Path) -> None:
    with Beside(NTRIPLES, [("serialise",), ("nothing",)], parallel=True) as beside:
        assert sorted(serialised_files(beside.result("serialise"))) == [
            "dllm-kg.jsonld",
            "dllm-kg.nt",
            "dllm-kg.ttl",
        ]
        with pytest.raises(DllmKgError, match=r"^no job 'nothing'$"):
            beside.result("nothing")


def test_the_helper_stores_the_graph_in_the_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DLLM_KG_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "list.md"
    source.write_text("a list\n")
    with Beside(NTRIPLES, [("store", str(source), "")], parallel=True) as beside:
        beside.result("store")
    [meta] = (tmp_path / "cache").glob("*/meta.json")
    stored = ox.Store.read_only(str(meta.parent / "store"))
    assert [str(quad.object) for quad in stored] == ['"o"']
