"""#15, the notebook introduces the whole tool: run top to bottom, it shows the check report,
the tagger's proposals, the connection figure and the downloads loaded as they are.

Each section's cell is found by its tag; what it shows is compared with what the library
itself answers here (the check's findings, the tagger's proposal, the graph's size).
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator

import nbformat
import pytest
from nbclient import NotebookClient
from rdflib import Graph

from dllm_kg.constants import PROJECT_DIR
from dllm_kg.curate import load_tagger
from dllm_kg.pipeline import check

NOTEBOOK = PROJECT_DIR / "notebooks" / "explore.ipynb"
#: The title the notebook's tagger section tags.
TITLE = "Federated LoRA Fine-Tuning of CLIP on Phones"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[nbformat.NotebookNode]:
    """The notebook run top to bottom in a ``python3`` kernel of this interpreter."""
    kernels = tmp_path_factory.mktemp("jupyter")
    spec = kernels / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Python 3 (dllm-kg tests)", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(kernels))
        patch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        client = NotebookClient(
            notebook,
            kernel_name="python3",
            timeout=300,
            resources={"metadata": {"path": str(NOTEBOOK.parent)}},
        )
        client.execute()
    yield notebook


def shown(notebook: nbformat.NotebookNode, tag: str, kind: str = "text/plain") -> str:
    """What the cell tagged ``tag`` shows as ``kind`` (its printed text too, for text/plain)."""
    [cell] = [cell for cell in notebook.cells if tag in cell.metadata.get("tags", [])]
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream" and kind == "text/plain":
            parts.append(output.text)
        parts.append(output.get("data", {}).get(kind, ""))
    return "".join(parts)


def test_the_check_section_counts_the_findings_of_each_severity(
    executed: nbformat.NotebookNode,
) -> None:
    text = shown(executed, "check-summary")
    counted = {severity: int(n) for severity, n in re.findall(r"^(\w+) +(\d+)$", text, re.M)}
    expected = Counter(finding.severity.value.lower() for finding in check().findings)
    assert counted == dict(expected)
    assert set(counted) == {"violation", "warning", "info"}


def test_the_tagger_section_shows_each_proposal(executed: nbformat.NotebookNode) -> None:
    text = shown(executed, "tagger")
    proposal = load_tagger().propose(TITLE)
    found = {**proposal.techniques, **proposal.models, **proposal.tasks}
    assert {"lora", "federated-learning", "clip"} <= set(found)
    for target in found:
        assert re.search(rf"\b{re.escape(target)}\b", text), target


def test_the_figure_section_shows_the_figure_inline(executed: nbformat.NotebookNode) -> None:
    svg = shown(executed, "figure", "image/svg+xml")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "CC BY 4.0" in svg  # the figure's attribution comes along


def test_the_downloads_load_as_they_are_to_the_graph_s_size(
    executed: nbformat.NotebookNode, bundled_graph: Graph
) -> None:
    text = shown(executed, "downloads")
    rows = re.findall(r"^\d+ +(dllm-kg\.\w+) +(\d+) +(\d+)$", text, re.M)
    assert [name for name, _, _ in rows] == ["dllm-kg.ttl", "dllm-kg.jsonld"]
    for _, rdflib_count, oxigraph_count in rows:
        assert int(rdflib_count) == int(oxigraph_count) == len(bundled_graph)
