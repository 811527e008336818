"""#14, item 3: a query with no end is stopped at the time limit, on both engines, from the
command line (one line, exit 1) and from Python (QueryTimeout), and the graph goes on.

The endless queries never finish on their own (a cross product of the graph filtered row by
row on pyoxigraph; a regular expression that backtracks exponentially on rdflib), so each
test waits for the limit itself, not for a clock of its own.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from dllm_kg.options import QUERY_TIMEOUT
from dllm_kg.query import (
    KnowledgeGraph,
    QueryError,
    QueryTimeout,
    list_queries,
    load_graph,
    run_query,
)
from tests.serving import DLLM_KG, children, wait_gone

#: Endless on both engines: a three-way cross product of 5,765 triples, each row filtered.
CROSS_PRODUCT = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
    'FILTER (CONCAT(STR(?c), STR(?f), STR(?i)) = "never") }'
)
#: Endless on rdflib (Python's backtracking regular expressions); pyoxigraph's are linear.
CATASTROPHIC = 'ASK { FILTER (REGEX("' + "a" * 40 + '!", "^(a|aa)+$")) }'


@pytest.mark.parametrize(
    ("engine", "query"), [("oxigraph", CROSS_PRODUCT), ("rdflib", CATASTROPHIC)]
)
def test_the_command_line_stops_an_endless_query_with_one_line_and_exit_1(
    engine: str, query: str
) -> None:
    result = subprocess.run(
        [str(DLLM_KG), "query", "-e", query, "--engine", engine, "--timeout", "1"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "dllm-kg: error: query -e: stopped after 1 s, the time limit (--timeout)"
    )


def test_the_default_limit_is_documented_and_shown() -> None:
    assert QUERY_TIMEOUT == 60
    help_text = subprocess.run(
        [str(DLLM_KG), "query", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    ).stdout
    assert "Seconds the query may run before it is stopped; 0: no limit." in help_text
    assert "[default: 60.0]" in help_text


@pytest.fixture
def kg() -> KnowledgeGraph:
    """A graph of the test's own, so that its child process is the test's own too."""
    return load_graph()


@pytest.mark.parametrize(
    ("engine", "query"), [("oxigraph", CROSS_PRODUCT), ("rdflib", CATASTROPHIC)]
)
def test_python_gets_query_timeout_and_the_graph_answers_the_next_query(
    kg: KnowledgeGraph, engine: str, query: str
) -> None:
    with pytest.raises(QueryTimeout, match=r"^query: stopped after 0\.5 s, the time limit$"):
        kg.sparql(query, engine=engine, timeout=0.5)
    assert isinstance(QueryTimeout("x"), QueryError)  # caught where query errors are
    assert kg.sparql("ASK { ?p a dllm:Paper }", engine=engine).boolean is True


def test_a_query_under_the_limit_gives_what_it_gives_without_one(kg: KnowledgeGraph) -> None:
    for query in list_queries():
        for engine in ("oxigraph", "rdflib"):
            limited = run_query(kg, query, engine=engine, timeout=120)
            assert limited == run_query(kg, query, engine=engine, timeout=None), query.name


def test_errors_raised_in_the_child_come_back_as_they_are(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="syntax error at line 1"):
        kg.sparql("SELECT ?x WHERE { ?x ?p }", timeout=30)


def test_the_query_process_ends_with_the_command_that_started_it() -> None:
    """SIGKILL leaves the command no time to stop its child: the kernel ends the child."""
    command = subprocess.Popen(
        [str(DLLM_KG), "query", "-e", CROSS_PRODUCT, "--timeout", "600"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    child = None
    while child is None:  # until the command has forked the query's process
        child = next(iter(children(command.pid)), None)
        os.sched_yield()
    command.kill()
    command.wait()
    assert wait_gone(child)
