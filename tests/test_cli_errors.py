"""Every error of the command line, usage errors too, is one line on stderr and exit 2."""

import subprocess
import sys
from pathlib import Path

import pytest

from dllm_kg.cli import main

from .conftest import DATA

#: The console script that pip installed next to this Python.
DLLM_KG = Path(sys.executable).parent / "dllm-kg"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the console script's ``main`` in this process: exit code, stdout, stderr."""
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def assert_one_line_error(err: str, message: str) -> None:
    assert err.startswith("dllm-kg: error: "), err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert message in err, err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "x", "--format", "bad"], "--format takes table, csv, tsv or json, not 'bad'"),
        (["query", "x", "--engine", "bad"], "--engine takes rdflib or oxigraph, not 'bad'"),
        (["query", "--source"], "'--source' requires an argument"),
        (["stats", "--top", "0"], "--top takes 1 or more, not '0'"),
        (["build", "a.md", "b.md"], "unexpected extra argument"),
        (["--bogus"], "No such option: --bogus (see 'dllm-kg --help')"),
        (["nocmd"], "No such command 'nocmd' (see 'dllm-kg --help')"),
        (["check", "nowhere.md"], "nowhere.md: no such file"),
        (["build", "nowhere.md"], "nowhere.md: no such file"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(args, capsys)
    assert (code, out) == (2, "")
    assert_one_line_error(err, message)


def test_an_output_folder_the_system_refuses_to_look_at_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A name longer than the file system allows: Path.exists() raises instead of saying no.
    out = tmp_path / ("x" * 300) / "out"
    code, out_text, err = run(["build", "-o", str(out)], capsys)
    assert (code, out_text) == (2, "")
    assert_one_line_error(err, "cannot be used (File name too long)")


def test_an_output_under_a_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x")
    for args in (["build", "-o", "file/sub"], ["render", "-o", "file/graph.html"]):
        code, out, err = run([args[0], args[1], str(tmp_path / args[2])], capsys)
        assert (code, out) == (2, "")
        assert_one_line_error(err, str(tmp_path / "file"))


def test_help_still_works(capsys: pytest.CaptureFixture[str]) -> None:
    for args in ([], ["--help"], ["query", "--help"], ["build", "--help"]):
        code, out, err = run(args, capsys)
        assert (code, err) == (0, "")
        assert "Usage: dllm-kg" in out


def test_a_bad_turtle_file_names_itself_and_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    source = DATA / "cli-bad-syntax.ttl"
    code, out, err = run(["query", "papers-in-area", "--source", str(source)], capsys)
    assert (code, out) == (2, "")
    assert_one_line_error(err, f"{source}: not valid RDF (line 3: ")


def test_a_json_string_is_not_a_json_ld_document(capsys: pytest.CaptureFixture[str]) -> None:
    source = DATA / "cli-json-string.jsonld"
    for engine in ("rdflib", "oxigraph"):
        args = ["query", "papers-in-area", "--source", str(source), "--engine", engine]
        code, out, err = run(args, capsys)
        assert (code, out) == (2, "")
        assert_one_line_error(err, f"{source}: not a JSON-LD document")


def test_a_remote_context_inside_an_array_is_not_fetched(
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = DATA / "cli-remote-context-in-array.jsonld"
    code, _, err = run(["query", "-e", "ASK { ?s ?p ?o }", "--source", str(source)], capsys)
    assert code == 2
    assert_one_line_error(err, "is not a local file; it is not fetched")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "x", "--format", "bad"], "--format takes table, csv, tsv or json"),
        (["query", "papers-in-area", "--source", str(DATA / "cli-bad-syntax.ttl")], "line 3: "),
        (["query", "papers-in-area", "--source", str(DATA / "cli-json-string.jsonld")], "JSON-LD"),
        (["build", "--strict", "-o", "{tmp}/afile"], "afile is a file, not a folder"),
    ],
)
def test_the_installed_script_prints_one_line(
    tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "afile").write_text("x")
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    result = subprocess.run([DLLM_KG, *args], capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert_one_line_error(result.stderr, message)


def test_csv_lines_end_with_crlf_on_stdout() -> None:
    query = "SELECT (COUNT(?p) AS ?surveys) WHERE { ?p dllm:isSurvey true }"
    result = subprocess.run([DLLM_KG, "query", "-e", query, "-f", "csv"], capture_output=True)
    assert (result.returncode, result.stdout) == (0, b"surveys\r\n16\r\n")
