"""``dllm-kg query``: canned queries by name, .rq files, -e SPARQL, formats, sources, errors."""

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from dllm_kg.buildfolder import write_build
from dllm_kg.cli import app
from dllm_kg.export import render_exports
from dllm_kg.query import list_queries, load_graph

from .conftest import DATA

runner = CliRunner()


def query(*args: str) -> tuple[int, str, str]:
    """Run ``dllm-kg query ARGS``: exit code, stdout, stderr."""
    result = runner.invoke(app, ["query", *args])
    return result.exit_code, result.stdout, result.stderr


def test_list_prints_one_line_per_query_name_first() -> None:
    code, out, _ = query("--list")
    assert code == 0
    lines = [line for line in out.splitlines() if not line.startswith(" ")]  # not parameters
    assert len(lines) == len(list_queries())
    for line, canned in zip(lines, list_queries(), strict=True):
        name, title = line.split(maxsplit=1)
        assert (name, title) == (canned.name, canned.title)


def test_a_canned_query_as_a_table() -> None:
    code, out, _ = query("papers-by-model", "--param", "model=Flamingo")
    assert code == 0
    assert "paper:flamingo-a-" in out  # rich folds long cells
    assert out.rstrip().endswith("1 row; model = model:flamingo")  # the parameter, said once


def test_formats_csv_tsv_json() -> None:
    code, out, _ = query("shared-repositories", "--format", "csv")
    assert code == 0
    github = "https://w3id.org/dllm-kg/repository/github/"
    assert list(csv.reader(io.StringIO(out))) == [
        ["repository", "label", "papers"],
        [github + "edge-llm-inference", "edge-llm-inference", "2"],
        [github + "fast-inference-serving", "fast-inference-serving", "2"],
    ]
    code, out, _ = query("shared-repositories", "-f", "tsv")
    assert out.splitlines()[0] == "?repository\t?label\t?papers"
    code, out, _ = query("shared-repositories", "-f", "json", "--engine", "oxigraph")
    document = json.loads(out)
    assert document["head"]["vars"] == ["repository", "label", "papers"]
    assert [b["papers"]["value"] for b in document["results"]["bindings"]] == ["2", "2"]


def test_both_engines_print_the_same_json() -> None:
    rdflib = query("small-models", "-p", "budget=100000000", "-f", "json")
    oxigraph = query("small-models", "-p", "budget=100000000", "-f", "json", "--engine", "oxigraph")
    assert rdflib == oxigraph and rdflib[0] == 0


def test_graph_queries_print_turtle() -> None:
    code, out, _ = query("describe-paper", "-p", "paper=visual instruction tuning", "-f", "json")
    assert code == 0
    # 19 statements about the paper (type, title, dataset, row, record, arXiv id, year, areas
    # A and D, code, survey flag, link, task, four models, two techniques), 7 about its row
    # (the arXiv PDF link is listed as given) and 2 about its annotation record; and 9 that
    # restate the paper's in schema.org and BIBO terms (dllm_kg.align): two types, name, url,
    # code repository and the four models as schema:mentions.
    assert len(Graph().parse(data=out, format="turtle")) == 28 + 9


def test_hand_written_sparql() -> None:
    code, out, _ = query(
        "-e",
        "SELECT (COUNT(?p) AS ?surveys) WHERE { ?p dllm:isSurvey true }",
        "--format",
        "csv",
    )
    assert (code, out) == (0, "surveys\n16\n")


def test_a_query_file(tmp_path: Path) -> None:
    file = tmp_path / "my.rq"
    file.write_text(
        "# title: Papers of one task\n# question: Which papers are benchmarks?\n"
        "# param: task = Benchmark (kind: task) - the task\n# output: ?task ?paper\n"
        "PREFIX dllm: <https://w3id.org/dllm-kg/ontology#>\n"
        "SELECT ?task ?paper WHERE { ?paper dllm:task ?task }\n"
    )
    code, out, _ = query(str(file), "-f", "csv")
    assert code == 0 and len(out.splitlines()) == 1 + 5  # five benchmark papers
    code, out, _ = query(str(file), "-f", "csv", "-p", "task=retrieval")
    assert "/paper/frag-toward-federated-vector-database-management-" in out.splitlines()[1]


def test_another_list_and_an_exported_graph(tmp_path: Path) -> None:
    code, out, _ = query(
        "annotation-sources", "--source", str(DATA / "custom-list.md"), "-f", "csv"
    )
    assert code == 0 and ",dllm-kg title tagger,5," in out.splitlines()[2]
    write_build(render_exports(load_graph().store), tmp_path / "dist")
    nt = str(tmp_path / "dist" / "dllm-kg.nt")
    for engine in ("oxigraph", "rdflib"):
        code, out, _ = query("papers-per-area", "--source", nt, "--engine", engine, "-f", "csv")
        assert code == 0 and out.splitlines()[1].endswith(",Algorithmic Framework,107,15")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "no canned query 'nope'"),
        (["papers-by-model", "-p", "modle=CLIP"], "papers-by-model has no parameter 'modle'"),
        (["papers-by-model", "-p", "model"], "--param takes KEY=VALUE, not 'model'"),
        (["small-models", "-p", "budget=1e9"], "parameter budget takes a parameter count"),
        (["small-models", "-p", "budget=1; DROP ALL"], "parameter budget takes a parameter count"),
        (["papers-by-technique", "-p", "technique=}} ; DROP"], "no technique '}} ; DROP'"),
        (["-e", "SELECT ?x WHERE { ?x ?p }", "-p", "x=1"], "-e takes no --param"),
        (["-e", "SELECT ?x WHERE {\n ?x ?p }"], "query -e: syntax error at line 2"),
        (["-e", "DROP ALL"], "query -e: updates are refused: queries are read-only"),
        ([], "give a query NAME or FILE.rq, or -e SPARQL, or --list"),
        (["papers-per-area", "--source", "nowhere.md"], "nowhere.md: no such file"),
        (["missing.rq"], "missing.rq: no such file"),
    ],
)
def test_errors_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    code, out, err = query(*args)
    assert code == 2
    assert out == ""
    assert err.startswith("dllm-kg: error: ") and message in err
    assert len(err.splitlines()) == 1


def test_a_syntax_error_in_a_file_names_it_and_the_line(tmp_path: Path) -> None:
    file = tmp_path / "typo.rq"
    file.write_text(
        "# title: Typo\n# question: ?\nSELECT ?p\nWHERE {\n  ?p a dllm:Paper\n  FILTR (true)\n}\n"
    )
    for engine in ("rdflib", "oxigraph"):
        code, _, err = query(str(file), "--engine", engine)
        assert code == 2
        assert err.startswith("dllm-kg: error: typo: syntax error at line 6, column ")


def test_an_injection_attempt_is_a_plain_value() -> None:
    code, out, _ = query("title-search", "-p", 'keyword=" } ; DROP ALL ; #', "-f", "csv")
    assert (code, out) == (0, "keyword,paper,title,link\n")


def test_evaluation_errors_and_service_calls_are_one_line_errors(tmp_path: Path) -> None:
    bad_regex = 'SELECT ?t WHERE { ?p dcterms:title ?t FILTER(REGEX(?t, "(")) }'
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    binary = tmp_path / "binary.rq"
    binary.write_bytes(b"\xff\xfe\x00")
    # On rdflib a bad regex is an error; pyoxigraph follows SPARQL (an error in a FILTER is
    # false), so it answers no rows.
    for argv in (["-e", bad_regex, "--engine", "rdflib"], ["-e", service], [str(binary)]):
        result = runner.invoke(app, ["query", *argv])
        assert result.exit_code == 2, (argv, result.output)
        assert "Traceback" not in result.output
        assert result.output.startswith("dllm-kg: error: "), result.output


def test_json_ld_with_a_remote_context_is_refused_not_fetched(tmp_path: Path) -> None:
    source = tmp_path / "remote.jsonld"
    source.write_text('{"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "http://a/x"}')
    result = runner.invoke(app, ["query", "-e", "ASK { ?s ?p ?o }", "--source", str(source)])
    assert result.exit_code == 2, result.output
    assert "is not a local file; it is not fetched" in result.output


def test_an_exported_json_ld_is_read_with_its_local_context(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert runner.invoke(app, ["build", "-o", str(out)]).exit_code == 0
    query = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a dllm:Paper }"
    result = runner.invoke(
        app, ["query", "-e", query, "--source", str(out / "dllm-kg.jsonld"), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["n", "109"]
    assert result.stderr == f"graph: file: {out / 'dllm-kg.jsonld'}\n"
