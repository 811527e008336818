"""#14, item 4: an update is refused as an update, not as a syntax error, on both engines."""

from __future__ import annotations

import subprocess

import pytest

from tests.serving import DLLM_KG

UPDATES = [
    "INSERT DATA { <https://example.org/s> <https://example.org/p> 1 }",
    "LOAD <https://example.org/data.ttl>",
    "DROP ALL",
    "# a comment first\nPREFIX ex: <https://example.org/>\ndelete where { ?s ex:p ?o }",
    "CLEAR DEFAULT",
    "WITH <https://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("update", UPDATES)
def test_an_update_is_refused_because_queries_are_read_only(update: str, engine: str) -> None:
    result = subprocess.run(
        [str(DLLM_KG), "query", "-e", update, "--engine", engine], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "dllm-kg: error: query -e: updates are refused: queries are read-only\n"
