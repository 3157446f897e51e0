"""The command line on careless and hostile files: one line naming the file, never a trace."""

from __future__ import annotations

import json
import resource
import subprocess
import sys

import pytest
from attrs import evolve as attrs_evolve

from helpers import run_cli, run_cli_process
from okrkpi.examples import example_objectives
from okrkpi.serde import Document, dumps


def one_line_error(result: subprocess.CompletedProcess[str], path: object) -> str:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("dotted.toml", "a" + ".a" * 100_000 + " = 1\n", "dotted parts"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "nested"),
        ("nan.json", '{"objectives": [], "kpis": [{"name": "k", "target": NaN}]}', "NaN"),
        ("latin.json", b"\xff\xfe{}", "not UTF-8"),
        ("empty.json", "{}", "no objectives and no KPIs"),
        (
            "huge.json",
            '{"objectives": [{"title": "o", "alignment_weight": 1' + "0" * 400 + "}]}",
            "alignment_weight",
        ),
        ("notes.csv", "a,b\n1,2\n", "unsupported file type '.csv'"),
        ("surrogate.json", '{"objectives": [{"title": "\\ud800"}]}', None),
    ],
)
def test_a_hostile_file_ends_in_one_line_naming_it(tmp_path, name, content, expected):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    result = run_cli("score", str(path), "--as-of", "2026-08-15")
    if expected is None:  # accepted, or refused in one line
        assert "Traceback" not in result.stderr
        assert result.returncode in (0, 1)
        return
    assert expected in one_line_error(result, path)


@pytest.mark.parametrize("name", ["okrs", "okrs.json", "notes.csv"])
def test_a_path_that_does_not_exist_is_named_as_missing(tmp_path, name):
    path = tmp_path / name
    line = one_line_error(run_cli("score", str(path), "--as-of", "2026-08-15"), path)
    assert line.endswith("cannot read: No such file or directory")  # not "unsupported ..."


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(" " * 2_000 + "{}")
    line = one_line_error(run_cli("score", str(path), "--max-bytes", "1000"), path)
    assert "more than the limit of 1,000" in line


def test_an_objective_without_a_cycle_is_reported_without_a_status(tmp_path):
    objectives = list(example_objectives())
    loose = {"title": "Loose", "key_results": [{"title": "k", "measure": {"kind": "binary"}}]}
    data = json.loads(dumps(Document(tuple(objectives))))
    data["objectives"].append(loose)
    path = tmp_path / "loose.json"
    path.write_text(json.dumps(data))
    result = run_cli("score", str(path), "--as-of", "2026-08-15", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["objectives"][-1]["status"] is None
    assert report["objectives"][0]["status"] is not None
    text = run_cli("score", str(path), "--as-of", "2026-08-15")
    assert text.returncode == 0
    assert "Loose" in text.stdout


def test_rollups_are_chosen_by_name(tmp_path):
    path = tmp_path / "example.json"
    path.write_text(dumps(Document(tuple(example_objectives()))))
    ok = run_cli("score", str(path), "--as-of", "2026-08-15", "--rollup", "children")
    assert ok.returncode == 0, ok.stderr
    unknown = run_cli("score", str(path), "--rollup", "median")
    assert unknown.returncode == 2  # a name on the command line: bad usage
    assert "argument --rollup" in unknown.stderr
    assert "key_results_and_children" in unknown.stderr


def test_a_closed_pipe_ends_quietly():
    command = f"{sys.executable} -m okrkpi | head -1"
    result = subprocess.run(
        command, shell=True, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.startswith("OKRs as of")
    assert result.stderr == ""


def _many_bad_entries(tmp_path, count):
    path = tmp_path / "many.json"
    path.write_text('{"objectives": [' + ",".join(["1"] * count) + "]}")
    return path


def test_many_bad_entries_are_counted_past_the_first_hundred(tmp_path):
    path = _many_bad_entries(tmp_path, 50_000)
    line = one_line_error(run_cli("score", str(path)), path)
    assert "objectives[99]: expected an object, got 1" in line
    assert "objectives[100]" not in line
    assert "... and 49,900 more problems" in line


@pytest.mark.slow
def test_ten_million_bad_entries_stay_within_a_gigabyte(tmp_path):
    path = _many_bad_entries(tmp_path, 10_000_000)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    line = one_line_error(run_cli_process("score", str(path)), path)  # stopped after 60 s
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert "... and 9,999,900 more problems" in line
    assert max(peak_kib, before) < 1024 * 1024


def test_a_review_of_a_bad_file_names_the_file(tmp_path):
    path = tmp_path / "ghost.json"
    path.write_text('{"objectives": [{"title": "a", "parent_id": "ghost"}]}')
    result = run_cli("review", str(path), "--since", "2026-08-01", "--as-of", "2026-08-15")
    assert "unknown parent 'ghost'" in one_line_error(result, path)


def test_a_size_limit_is_a_positive_number_of_bytes(tmp_path):
    result = run_cli("score", str(tmp_path / "x.json"), "--max-bytes", "-1")
    assert result.returncode == 2
    assert "a number of bytes > 0" in result.stderr


def test_a_byte_order_mark_is_read_past(tmp_path):
    path = tmp_path / "okrs.json"
    path.write_bytes(b"\xef\xbb\xbf" + dumps(Document(tuple(example_objectives()))).encode())
    assert run_cli("score", str(path), "--as-of", "2026-08-15").returncode == 0


def test_a_long_report_is_escaped_in_pieces_as_it_would_be_whole(capsys):
    from okrkpi._edges import cli
    from okrkpi._edges.words import visible_text

    # Controls and a lone surrogate on both sides of every piece's edge.
    report = ("row \x1b[31m\t\ud800 é\n" * (3 * cli._PIECE // 10))[: 3 * cli._PIECE + 7]
    assert cli._write(report) == 0
    written = capsys.readouterr().out
    assert written == visible_text(report).encode("utf-8", "backslashreplace").decode() + "\n"
    assert "\x1b" not in written
    assert written.count("\\x1b[31m") == report.count("\x1b")


def test_an_output_that_cannot_show_a_character_shows_its_escape(tmp_path):
    import os

    objective = example_objectives()[0]
    path = tmp_path / "accents.json"
    path.write_text(dumps(Document((attrs_evolve(objective, title="Café growth"),))))
    result = subprocess.run(
        [sys.executable, "-m", "okrkpi", "score", str(path)],
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert b"Caf\\xe9 growth" in result.stdout
