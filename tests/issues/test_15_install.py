"""#15, the install: the query API works without the ``[notebook]`` extra.

The extra (pandas, matplotlib, JupyterLab) takes minutes to install; without it, a new user can
still load the graph and run canned queries, and ``to_dataframe`` says in one line what to
install. Checked in a fresh interpreter where importing pandas, matplotlib or IPython fails, with
an empty cache, so the graph is built and stored there first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dllm_kg.query import KnowledgeGraph
from dllm_kg.store import CACHE_VARIABLE

#: Runs in the child: blocks the notebook's packages, then uses the query API as the README does.
CHILD = """
import json, sys

BLOCKED = {"pandas", "matplotlib", "IPython"}


class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


sys.meta_path.insert(0, Blocked())
from dllm_kg.query import load_graph

kg = load_graph()
result = kg.run("papers-by-model", model="CLIP")
table = result._repr_html_()  # what a notebook shows
try:
    result.to_dataframe()
    message = None
except ImportError as error:
    message = str(error)
loaded = sorted(name for name in sys.modules if name.partition(".")[0] in BLOCKED)
answer = {"rows": result.records(), "table": table, "message": message, "loaded": loaded}
print(json.dumps(answer))
"""


def test_canned_queries_run_without_pandas_matplotlib_or_ipython(
    tmp_path: Path, bundled_kg: KnowledgeGraph
) -> None:
    env = {**os.environ, CACHE_VARIABLE: str(tmp_path / "cache")}
    child = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=False
    )
    assert child.returncode == 0, child.stderr
    answer = json.loads(child.stdout)
    assert answer["rows"] == bundled_kg.run("papers-by-model", model="CLIP").records()
    assert len(answer["rows"]) > 0
    assert answer["table"].count("<tr>") == len(answer["rows"]) + 1  # the header and each row
    assert answer["message"] == "to_dataframe needs pandas: pip install 'dllm-kg[notebook]'"
    assert answer["loaded"] == []
