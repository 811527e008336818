"""#15, the command line: help (-h, --version, examples), query --list with parameters,
suggestions for a paper's title, sizes as the list writes them, clean option errors, "not
both", a result table that fits 80 columns, and describe-paper with only the prefixes it uses.

Three tests guard what already held and must stay so: the query-name suggestion comes from
the API's error, the "or --list" message for no query at all, and Turtle that is the same
bytes on both engines.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shlex
import subprocess
from importlib.metadata import version

import pytest
from rdflib import Graph, URIRef
from typer.testing import CliRunner

from dllm_kg.cli import QUERY_EXAMPLES, app, main
from dllm_kg.constants import QUERIES_DIR
from dllm_kg.namespaces import PREFIXES
from dllm_kg.query import KnowledgeGraph, QueryError
from tests.serving import DLLM_KG

runner = CliRunner()


def dllm_kg(*args: str, columns: int = 80) -> subprocess.CompletedProcess[str]:
    """The installed console script, in a terminal of ``columns`` columns."""
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run([str(DLLM_KG), *args], capture_output=True, text=True, env=env)


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The console script's ``main`` in this process: exit code, stdout, stderr."""
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


# 1. -h, --version, flags without <bool>, examples ----------------------------------------------


@pytest.mark.parametrize("command", [[], ["query"], ["build"], ["check"], ["serve"]])
def test_h_is_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    short = run_main([*command, "-h"], capsys)
    long = run_main([*command, "--help"], capsys)
    assert short == long
    assert short[0] == 0 and "Usage: dllm-kg" in short[1]


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_main(["--version"], capsys) == (0, f"dllm-kg {version('dllm-kg')}\n", "")


@pytest.mark.parametrize(
    ("command", "flags"),
    [
        ([], ["--version", "--help"]),
        (["build"], ["--strict", "--help"]),
        (["query"], ["--list", "--help"]),
        (["check"], ["--help"]),
        (["tag"], ["--evaluate", "--help"]),
    ],
)
def test_help_shows_no_type_for_flags(command: list[str], flags: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout
    for flag in flags:
        [line] = [line for line in result.stdout.splitlines() if line.startswith(f"│ {flag} ")]
        assert "<" not in line, line


@pytest.mark.parametrize("command", [[], ["build"], ["query"], ["check"]])
def test_help_ends_with_examples(command: list[str]) -> None:
    out = dllm_kg(*command, "--help", columns=100).stdout
    examples = out[out.index("Examples:") :].splitlines()[1:]
    assert examples[0].startswith("   dllm-kg "), examples  # indented under the heading


@pytest.mark.parametrize(
    "example", [line.strip() for line in QUERY_EXAMPLES.splitlines() if "dllm-kg query" in line]
)
def test_every_query_example_in_the_help_runs(example: str) -> None:
    args = shlex.split(example)[2:]
    result = runner.invoke(app, ["query", *args])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip()


# 2. query --list shows each parameter ----------------------------------------------------------


def test_list_shows_each_parameter_with_its_kind_and_default() -> None:
    out = runner.invoke(app, ["query", "--list"]).stdout
    # Read the headers here with a pattern of this test's own, not with dllm_kg.catalogue.
    header = re.compile(r"^# param: (\w+) = (.+?) \(kind: (\w+)\)", re.MULTILINE)
    expected = []
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        for name, default, kind in header.findall(path.read_text(encoding="utf-8")):
            placeholder = {"literal": "TEXT"}.get(kind, kind.upper())
            expected.append(f"-p {name}={placeholder}  (default: {default})")
    shown = [line.strip() for line in out.splitlines() if line.startswith(" ")]
    assert shown == expected
    assert "-p budget=SIZE  (default: 1B)" in shown


def test_list_names_the_query_above_its_parameters() -> None:
    lines = runner.invoke(app, ["query", "--list"]).stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("papers-combining-techniques"))
    assert [line.split()[1] for line in lines[at + 1 : at + 3]] == [
        "first=TECHNIQUE",
        "second=TECHNIQUE",
    ]
    assert not lines[at + 3].startswith(" ")


# 3. Suggestions for a paper, in the API error that the CLI prints ------------------------------


FWDLLM = "FwdLLM: Efficient FedLLM Using Forward Gradient"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "fwdllm",
            f"describe-paper: parameter paper: no paper 'fwdllm' in the graph; "
            f"did you mean '{FWDLLM}'?",
        ),
    ],
)
def test_a_title_that_is_not_exact_gets_a_suggestion(
    bundled_kg: KnowledgeGraph, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(QueryError) as error:
        bundled_kg.run("describe-paper", paper=value)
    assert str(error.value) == message
    code, out, err = run_main(["query", "describe-paper", "-p", f"paper={value}"], capsys)
    assert (code, out, err) == (2, "", f"dllm-kg: error: {message}\n")


def test_a_word_of_many_titles_points_to_the_title_search(bundled_kg: KnowledgeGraph) -> None:
    titles = bundled_kg.sparql("SELECT ?t WHERE { ?p a dllm:Paper ; dcterms:title ?t }").rows
    holding = sum("federated" in str(row[0]).lower() for row in titles or [])
    assert holding > 3
    with pytest.raises(QueryError) as error:
        bundled_kg.run("describe-paper", paper="federated")
    assert str(error.value).endswith(
        f"({holding} titles hold 'federated': the query title-search lists them)"
    )


def test_a_bad_query_name_is_suggested_by_the_api_and_the_cli_alike(
    bundled_kg: KnowledgeGraph, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(QueryError) as error:
        bundled_kg.run("small-model")
    assert str(error.value) == "no canned query 'small-model'; did you mean small-models?"
    code, _, err = run_main(["query", "small-model"], capsys)
    assert (code, err) == (2, f"dllm-kg: error: {error.value}\n")


def test_a_canned_query_named_as_a_file_is_pointed_to_its_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run_main(["query", "small-models.rq"], capsys)
    assert (code, err) == (
        2,
        "dllm-kg: error: small-models.rq: no such file; the canned query small-models goes by "
        "its name\n",
    )


# 4. Sizes as the list writes them --------------------------------------------------------------


def budget_rows(budget: str) -> list[list[str]]:
    result = runner.invoke(app, ["query", "small-models", "-p", f"budget={budget}", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    return list(csv.reader(io.StringIO(result.stdout)))[1:]


@pytest.mark.parametrize(
    ("written", "count"),
    [("3B", 3_000_000_000), ("1.5B", 1_500_000_000), ("500M", 500_000_000), ("7b", 7 * 10**9)],
)
def test_a_budget_as_the_list_writes_sizes(written: str, count: int) -> None:
    rows = budget_rows(written)
    assert rows == budget_rows(str(count))
    assert rows and {row[0] for row in rows} == {str(count)}
    assert all(int(row[3]) <= count for row in rows)


def test_phi_2_is_within_3b_and_llama_2_7b_is_not() -> None:
    labels = {row[2] for row in budget_rows("3B")}
    assert "Phi-2" in labels and "LLaMA-2 7B" not in labels


@pytest.mark.parametrize("nonsense", ["lots", "3X", "<=1B", "-3", "1.5", "1e9", ""])
def test_a_size_that_is_none_is_one_line(nonsense: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["query", "small-models", "-p", f"budget={nonsense}"], capsys)
    assert (code, out) == (2, "")
    assert err == (
        "dllm-kg: error: small-models: parameter budget takes a parameter count such as 3B, "
        f"1.5B or 500M, not {nonsense!r}\n"
    )


# 5. Option errors without pydantic's words -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "x", "-f", "xml"], "--format takes table, csv, tsv or json, not 'xml'"),
        (["check", "-f", "xml"], "--format takes text, turtle or json, not 'xml'"),
        (["query", "x", "--engine", "jena"], "--engine takes rdflib or oxigraph, not 'jena'"),
        (["stats", "--top", "abc"], "--top takes a whole number, not 'abc'"),
        (["stats", "--top", "0"], "--top takes 1 or more, not '0'"),
        (["query", "x", "--timeout", "soon"], "--timeout takes a number, not 'soon'"),
        (["query", "x", "--timeout", "-1"], "--timeout takes 0 or more, not '-1'"),
        (["serve", "--port", "99999"], "--port takes 65535 or less, not '99999'"),
        (["serve", "--timeout", "0"], "--timeout takes 0.1 or more, not '0'"),
    ],
)
def test_a_bad_option_value_is_said_plainly(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_main(args, capsys)
    assert (code, out) == (2, "")
    assert err == f"dllm-kg: error: {message} (see 'dllm-kg {args[0]} --help')\n"
    assert "Value error" not in err and "Input should" not in err


# 6. A name and -e: not both --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["surveys", "-e", "ASK {}"], "give a query NAME or FILE.rq, or -e SPARQL, not both"),
        ([], "give a query NAME or FILE.rq, or -e SPARQL, or --list"),
        (["--list", "surveys"], "--list takes no query NAME or -e SPARQL"),
    ],
)
def test_name_and_expression_together(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_main(["query", *args], capsys) == (2, "", f"dllm-kg: error: {message}\n")


# 7. A table that fits 80 columns ---------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["papers-combining-techniques"],
        ["papers-by-technique", "-p", "technique=quantization"],
        ["technique-co-occurrence"],
        ["shared-repositories"],
        ["small-models", "-p", "budget=3B"],
    ],
)
def test_the_table_cuts_nothing_at_80_columns(args: list[str]) -> None:
    result = dllm_kg("query", *args)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in result.stdout  # rich's mark of a cut cell
    assert "https://w3id.org/" not in result.stdout


def test_repositories_show_as_github_urls_and_csv_keeps_the_iris() -> None:
    table = dllm_kg("query", "shared-repositories").stdout
    as_csv = dllm_kg("query", "shared-repositories", "-f", "csv").stdout
    iris = [row[0] for row in csv.reader(io.StringIO(as_csv))][1:]
    assert iris and all(
        iri.startswith("https://w3id.org/dllm-kg/repository/github/") for iri in iris
    )
    for iri in iris:
        github = "https://github.com/" + iri.removeprefix(
            "https://w3id.org/dllm-kg/repository/github/"
        )
        assert github in table


def test_a_parameter_column_is_said_once_under_the_table() -> None:
    result = dllm_kg("query", "papers-combining-techniques")
    lines = result.stdout.rstrip().splitlines()
    header = lines[1]
    assert "first" not in header and "second" not in header and "repository" in header
    assert lines[-1].rstrip() == (
        "6 rows; first = technique:federated-learning; second = technique:lora"
    )
    as_csv = dllm_kg("query", "papers-combining-techniques", "-f", "csv").stdout
    assert as_csv.splitlines()[0] == "first,second,paper,title,repository"


def test_prefixed_names_are_shown_whole(bundled_kg: KnowledgeGraph) -> None:
    out = dllm_kg("query", "papers-by-technique", "-p", "technique=quantization").stdout
    expected = bundled_kg.run("papers-by-technique", technique="quantization").rows or []
    vias = {str(row[3]).removeprefix(PREFIXES["technique"]) for row in expected}
    assert "quantization-aware-training" in vias
    column = "".join(line.split("│")[3].strip() for line in out.splitlines() if "│" in line)
    for via in vias:
        assert f"technique:{via}" in column


# 8. describe-paper declares only the prefixes it uses ------------------------------------------


def test_describe_paper_declares_only_the_prefixes_it_uses() -> None:
    result = dllm_kg("query", "describe-paper")
    assert result.returncode == 0, result.stderr
    declared = dict(re.findall(r"^@prefix (\w+): <([^>]+)> \.$", result.stdout, re.MULTILINE))
    graph = Graph().parse(data=result.stdout, format="turtle")
    iris = {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}
    iris |= {str(o.datatype) for _, _, o in graph if getattr(o, "datatype", None)}
    used = {
        name for name, namespace in PREFIXES.items() if any(i.startswith(namespace) for i in iris)
    }
    assert set(declared) == used
    assert {"dllm", "paper", "dcterms"} <= used and "void" not in used and "foaf" not in used
    assert len(declared) < len(PREFIXES)


def test_describe_paper_is_the_same_bytes_each_time() -> None:
    first = dllm_kg("query", "describe-paper").stdout
    assert first == dllm_kg("query", "describe-paper", "--engine", "rdflib").stdout
