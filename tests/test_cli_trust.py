"""The command line's readers on hostile files and folders, and what it prints to a terminal."""

import json
import os
import re
import subprocess
import sys
import textwrap
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import run_cli, run_cli_process
from okrkpi import KeyResult, Objective
from okrkpi._edges.cli import SCALES
from okrkpi.serde import Document, dumps

HEADER = {
    "objectives": "id,title,cycle",
    "key_results": "objective_id,id,title,kind,start,target",
    "check_ins": "objective_id,key_result_id,at,value",
}


def folder_of(tmp_path, name="okrs", **tables):
    folder = tmp_path / name
    folder.mkdir()
    for table, rows in tables.items():
        (folder / f"{table}.csv").write_text("\n".join([HEADER[table], *rows]) + "\n")
    return folder


def grow(tmp_path, check_ins=("grow,arr,2026-07-01,250",), **more):
    return folder_of(
        tmp_path,
        objectives=["grow,Grow,2026-Q3"],
        key_results=["grow,arr,ARR,metric,0,2000"],
        check_ins=list(check_ins),
        **more,
    )


def one_line(result):
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    return line


# -- CSV rows ----------------------------------------------------------------------------------


def test_an_unquoted_thousands_comma_is_refused_naming_file_line_and_column(tmp_path):
    folder = grow(tmp_path, check_ins=["grow,arr,2026-07-01,250", "grow,arr,2026-07-02,1,250"])
    line = one_line(run_cli("score", str(folder)))
    assert line == (
        f"okrkpi: {folder / 'check_ins.csv'} line 3, column 5: 5 cells but 4 columns in the "
        "header (a comma in a number such as 1,250, or in text, needs the cell quoted)"
    )


def test_a_quoted_thousands_comma_is_a_number_and_missing_trailing_cells_are_empty(tmp_path):
    folder = grow(tmp_path, check_ins=['grow,arr,2026-07-01,"1,250"'])
    (folder / "objectives.csv").write_text("id,title,cycle,owner\ngrow,Grow,2026-Q3\n")
    result = run_cli("score", str(folder), "--as-of", "2026-08-15", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["objectives"][0]["score"]["value"] == 0.625


def test_problems_name_the_line_of_their_row_after_blank_lines_and_quoted_lines(tmp_path):
    folder = folder_of(
        tmp_path,
        objectives=['grow,"Grow', 'the business",2026-Q3', "", "keep,Keep,2026-Q9"],
    )
    line = one_line(run_cli("score", str(folder)))
    assert f"{folder / 'objectives.csv'} line 5, column cycle: " in line


def test_a_csv_that_is_not_utf8_names_its_line(tmp_path):
    folder = folder_of(tmp_path)
    (folder / "objectives.csv").write_bytes(b"id,title\ngrow,Grow\nkeep,K\xe9ep\n")
    line = one_line(run_cli("score", str(folder)))
    assert f"{folder / 'objectives.csv'}: not UTF-8 text (invalid continuation byte" in line


def test_an_empty_file_is_an_empty_table(tmp_path):
    folder = grow(tmp_path)
    (folder / "plans.csv").write_text("")
    (folder / "milestones.csv").write_text("objective_id,key_result_id,name\n")
    assert run_cli("score", str(folder), "--as-of", "2026-08-15").returncode == 0


def test_a_json_key_given_twice_is_refused_as_loads_refuses_it(tmp_path):
    document = tmp_path / "okrs.json"
    document.write_text(
        '{"objectives": [{"title": "A", "id": "a"}, {"title": "B", "id": "b"},'
        ' {"title": "X", "id": "x", "parents": {"a": 0.6, "a": 0.4}}]}'
    )
    result = run_cli("score", str(document), "--as-of", "2026-08-15")
    assert result.returncode == 1
    assert "invalid input: objectives[2].parents.a: the key 'a' is given twice" in result.stderr
    document.write_text('{"objectives": [{"title": "A", "weight": NaN}]}')
    assert "NaN is not a finite number" in run_cli("score", str(document)).stderr


# -- what is read: regular files, within bounds, within the folder -------------------------


def test_a_link_to_a_device_is_refused_before_anything_is_read(tmp_path):
    link = tmp_path / "x.json"
    link.symlink_to("/dev/zero")
    line = one_line(run_cli("score", str(link)))
    assert line == f"okrkpi: {link}: not a regular file (a device); not read"


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "x.json"
    os.mkfifo(fifo)
    result = run_cli_process("score", str(fifo))  # a real process: a hang would time out
    assert one_line(result) == f"okrkpi: {fifo}: not a regular file (a pipe); not read"
    folder = folder_of(tmp_path)
    os.mkfifo(folder / "objectives.csv")
    line = one_line(run_cli_process("score", str(folder)))
    assert line.endswith("objectives.csv: not a regular file (a pipe); not read")


def test_a_file_read_past_its_limit_is_refused_whatever_its_size_says(tmp_path):
    link = tmp_path / "status.json"
    link.symlink_to("/proc/self/status")  # a regular file whose size reads as 0
    line = one_line(run_cli("score", str(link), "--max-bytes", "10"))
    assert line == f"okrkpi: {link}: more than the limit of 10 bytes"


def test_a_link_out_of_the_folder_is_refused_without_reading_it(tmp_path):
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "objectives.csv").write_text("id,title,cycle\nx,TOP SECRET,not a cycle\n")
    folder = folder_of(tmp_path)
    (folder / "objectives.csv").symlink_to(secret / "objectives.csv")
    line = one_line(run_cli("score", str(folder)))
    assert line == (
        f"okrkpi: {folder / 'objectives.csv'}: a link out of the folder; links are followed "
        "only within it"
    )
    assert "SECRET" not in line
    assert str(secret) not in line


def test_a_link_within_the_folder_is_followed(tmp_path):
    folder = grow(tmp_path)
    (folder / "v2").mkdir()
    (folder / "check_ins.csv").rename(folder / "v2" / "check_ins.csv")
    (folder / "check_ins.csv").symlink_to(folder / "v2" / "check_ins.csv")
    result = run_cli("score", str(folder), "--as-of", "2026-08-15", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["objectives"][0]["score"]["value"] == 0.125


def test_a_folder_named_like_a_table_is_refused(tmp_path):
    folder = grow(tmp_path)
    (folder / "plans.csv").mkdir()
    assert one_line(run_cli("score", str(folder))).endswith(
        "plans.csv: not a regular file (a folder); not read"
    )


# -- many problems, bounded memory ----------------------------------------------------------


def test_past_the_first_problems_the_rest_are_counted_not_kept(tmp_path):
    folder = folder_of(tmp_path, objectives=[f"o{n}," for n in range(20_000)])
    line = one_line(run_cli("score", str(folder)))
    assert line.count("a value is required") == 100
    assert line.endswith("; ... and at least 19,900 more problems")


def test_repeated_ids_alone_stop_the_keeping_too(tmp_path):
    folder = folder_of(tmp_path, objectives=["x,X,2026-Q3"] * 5_000)
    line = one_line(run_cli("score", str(folder)))
    assert f"{folder / 'objectives.csv'} line 3, column id: 'x' is already line 2's" in line
    assert line.endswith("; ... and at least 4,899 more problems")


def _peak_rss_of_the_cli(folder):
    """Peak RSS (bytes) of `okrkpi score FOLDER`, run as the only child of a fresh process."""
    measure = textwrap.dedent(
        f"""
        import resource, subprocess, sys
        subprocess.run([sys.executable, "-m", "okrkpi", "score", {str(folder)!r}],
                       capture_output=True, check=False)
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", measure], capture_output=True, text=True, check=True, timeout=600
    )
    return int(result.stdout)


@pytest.mark.slow
def test_a_folder_of_millions_of_bad_rows_peaks_under_three_times_its_size(tmp_path):
    folder = tmp_path / "okrs"
    folder.mkdir()
    with (folder / "objectives.csv").open("w") as handle:
        handle.write("id,title\n")
        handle.writelines(f"o{n},\n" for n in range(6_000_000))
    size = (folder / "objectives.csv").stat().st_size
    assert size > 50_000_000
    assert _peak_rss_of_the_cli(folder) < 3 * size


# -- reading options ---------------------------------------------------------------------------


def test_a_tools_confidence_scale_reads_its_labels(tmp_path):
    folder = grow(tmp_path)
    (folder / "check_ins.csv").write_text(
        "objective_id,key_result_id,at,value,confidence\ngrow,arr,2026-07-01,250,Yellow\n"
    )
    refused = one_line(run_cli("score", str(folder)))
    assert "check_ins.csv line 2, column confidence: expected a rating from 0 to 10" in refused
    result = run_cli("score", str(folder), "--confidence-scale", "traffic_light")
    assert result.returncode == 0, result.stderr


def test_a_header_with_a_trailing_space_is_named_with_its_space_showing(tmp_path):
    folder = grow(tmp_path)
    (folder / "key_results.csv").write_text(
        "objective_id,id,title,kind,start,Target \ngrow,arr,ARR,metric,0,2000\n"
    )
    line = one_line(run_cli("score", str(folder)))
    assert line.endswith(
        "'Target ' is not a column of key_results: column names are exact, did you mean "
        "'target'? (rename it in the file's header)"
    )


def test_extra_columns_are_refused_warned_about_or_ignored_as_asked(tmp_path):
    folder = grow(tmp_path)
    (folder / "objectives.csv").write_text("id,title,cycle,url\ngrow,Grow,2026-Q3,x\n")
    refused = one_line(run_cli("score", str(folder)))
    assert refused.endswith(
        f"{folder / 'objectives.csv'}, column url: 'url' is not a column of objectives "
        "(--extra-columns ignore reads past columns okrkpi does not use)"
    )
    warned = run_cli("score", str(folder), "--extra-columns", "warn")
    assert warned.returncode == 0
    assert warned.stderr == (
        "okrkpi: warning: objectives: read past the columns 'url', which okrkpi does not read\n"
    )
    ignored = run_cli("score", str(folder), "--extra-columns", "ignore")
    assert (ignored.returncode, ignored.stderr) == (0, "")


def test_dates_in_another_format_read_with_a_date_format(tmp_path):
    folder = grow(tmp_path, check_ins=["grow,arr,7/14/2026,250"])
    assert "expected an ISO date" in one_line(run_cli("score", str(folder)))
    result = run_cli("score", str(folder), "--date-format", "%m/%d/%Y", "--as-of", "2026-08-15")
    assert result.returncode == 0, result.stderr


def test_table_options_on_a_json_file_are_refused_not_ignored(tmp_path):
    path = tmp_path / "okrs.json"
    path.write_text(dumps(Document((Objective("Grow"),))))
    line = one_line(run_cli("score", str(path), "--confidence-scale", "traffic_light"))
    assert line == f"okrkpi: {path}: --confidence-scale only apply to a folder of CSV tables"


@pytest.mark.parametrize("scale", [None, "ten_point", "percent", "traffic_light"])
def test_confidence_hints_name_the_flag_and_a_scale_it_takes(tmp_path, scale):
    cells = ["0.35", "70%", "85", "7", "Yellow", "high", "on track", "amber"]
    rows = [f"grow,arr,2026-07-{day:02},250,{cell}" for day, cell in enumerate(cells, 1)]
    folder = grow(tmp_path)
    (folder / "check_ins.csv").write_text(
        "\n".join(["objective_id,key_result_id,at,value,confidence", *rows]) + "\n"
    )
    line = one_line(
        run_cli("score", str(folder), *(() if scale is None else ("--confidence-scale", scale)))
    )
    assert "confidence_scale" not in line  # the keyword is the library's word
    hints = re.findall(r"\((?:a |labels )[^()]*\)", line)
    assert len(hints) >= 4, line
    for hint in hints:
        assert "--confidence-scale" in hint
        named = re.findall(r"--confidence-scale (\w+)", hint)
        assert set(named) <= set(SCALES)


def problems_printed(line, folder):
    """The command line's one line of problems as (file, line, column, message) each."""
    found = []
    for part in line.split(f"{folder}{os.sep}")[1:]:
        where, message = part.rstrip("; ").split(": ", 1)
        name, _, rest = where.partition(" line ")
        number, _, column = rest.partition(", column ")
        if not rest:  # a column's problem: the header's
            name, _, column = where.partition(", column ")
        found.append((name, int(number or 1), column, message))
    return found


def test_problems_are_printed_file_by_file_in_line_and_column_order(tmp_path):
    folder = folder_of(
        tmp_path,
        objectives=["grow,Grow,2026-Q3", "keep,Keep,not a cycle"],
        key_results=["grow,arr,ARR,metric,0,2000", "keep,nps,NPS,metric,x,y"],
        check_ins=[
            "grow,arr,2026-07-01,250",
            "grow,arr,2026-07-02,abc",
            *(f"grow,arr,2026-07-{day:02},250" for day in range(3, 8)),
            "grow,arr,bad,oops",
            "keep,zzz,2026-07-01,5",
        ],
    )
    found = problems_printed(one_line(run_cli("score", str(folder))), folder)
    assert [where[:3] for where in found] == [
        ("objectives.csv", 3, "cycle"),
        ("key_results.csv", 3, "start"),
        ("key_results.csv", 3, "target"),
        ("check_ins.csv", 3, "value"),
        ("check_ins.csv", 9, "at"),
        ("check_ins.csv", 9, "value"),
        ("check_ins.csv", 10, "key_result_id"),
    ]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    bad=st.lists(
        st.tuples(st.sampled_from(["objectives", "check_ins"]), st.integers(0, 30)),
        min_size=1,
        max_size=12,
        unique=True,
    )
)
def test_problems_are_printed_in_file_order_whatever_they_are(tmp_path_factory, bad):
    tmp_path = tmp_path_factory.mktemp("okrs")
    objectives = [f"o{n},O{n},2026-Q3" for n in range(31)]
    check_ins = [f"o0,arr,2026-07-01T{n // 60:02}:{n % 60:02},{n}" for n in range(31)]
    for table, row in bad:  # a bad cycle, or a bad moment and a link to no key result
        if table == "objectives":
            objectives[row] = f"o{row},O{row},Q{row}"
        else:
            check_ins[row] = f"o{row},nope,yesterday,{row}"
    folder = folder_of(
        tmp_path,
        objectives=objectives,
        key_results=["o0,arr,ARR,metric,0,2000"],
        check_ins=check_ins,
    )
    found = problems_printed(one_line(run_cli("score", str(folder))), folder)
    files = ["objectives.csv", "key_results.csv", "check_ins.csv"]
    keys = [(files.index(name), line) for name, line, _, _ in found]
    assert keys == sorted(keys)
    assert {(name[:-4], line - 2) for name, line, _, _ in found} == set(bad)


def test_the_count_of_the_rest_stays_last(tmp_path):
    folder = folder_of(
        tmp_path,
        objectives=[f"o{n},O{n},Q{n}" for n in range(70)],
        check_ins=[f"o0,arr,day {n},{n}" for n in range(70)],
    )
    line = one_line(run_cli("score", str(folder)))
    *problems, rest = line.split("; ")
    assert rest.startswith("... and ")
    assert rest.endswith(" more problems")
    found = problems_printed("; ".join(problems), folder)
    files = ["objectives.csv", "check_ins.csv"]
    keys = [(files.index(name), line, column) for name, line, column, _ in found]
    assert keys == sorted(keys)


def test_a_bad_date_format_is_named(tmp_path):
    folder = grow(tmp_path)
    line = one_line(run_cli("score", str(folder), "--date-format", "M/D/Y"))
    assert "--date-format: expected a strptime format" in line


# -- what reaches the terminal --------------------------------------------------------------

HOSTILE_TITLE = "Grow\x1b[2J\x1b]0;pwned\x07 \u202eevil\u202c \x9b31m\r"


def hostile_document(tmp_path):
    kr = KeyResult.metric("ARR\x1b[31m", start=0, target=10, id="arr").check_in(
        5, at=date(2026, 7, 14), note="\x1b[5mblink"
    )
    path = tmp_path / "okrs.json"
    path.write_text(dumps(Document((Objective(HOSTILE_TITLE, [kr], cycle="2026-Q3"),))))
    return path


def folder_of_titles(tmp_path, name, breaks):
    """A folder whose titles, initiative and KPI name hold `breaks` (a line break, a tab)."""
    folder = tmp_path / name
    folder.mkdir()
    files = {
        "objectives": [
            "id,title,cycle",
            'grow,"Grow{0}revenue",2026-Q3',
            'keep,"Keep{1}it",2026-Q3',
        ],
        "key_results": ["objective_id,id,title,kind,start,target", 'grow,arr,"A{0}RR",metric,0,9'],
        "initiatives": ["objective_id,id,title,status", 'grow,ship,"Ship{0}it",in_progress'],
        "kpis": ["name,target,unit", '"NPS{0}score",50,points'],
        "measurements": ["kpi,at,value", '"NPS{0}score",2026-07-01,10'],
    }
    for table, lines in files.items():
        (folder / f"{table}.csv").write_text("\n".join(lines).format(*breaks) + "\n")
    return folder


def test_a_line_break_in_a_title_stays_on_its_row_in_text_output(tmp_path):
    broken = folder_of_titles(tmp_path, "broken", ("\n", "\t"))
    spaced = folder_of_titles(tmp_path, "spaced", (" ", " "))
    result = run_cli("score", str(broken), "--as-of", "2026-08-01")
    assert result.returncode == 0, result.stderr
    plain = run_cli("score", str(spaced), "--as-of", "2026-08-01").stdout
    lines = result.stdout.splitlines()
    assert len(lines) == len(plain.splitlines())  # not one line more
    assert "\t" not in result.stdout
    for shown in ("Grow\\x0arevenue", "A\\x0aRR", "Ship\\x0ait", "Keep\\x09it"):
        assert shown in result.stdout
    # The KPI's line and the objective proposed for it, each on one line.
    assert sum("NPS\\x0ascore" in line for line in lines) == 2
    rows = [line for line in lines if line.startswith(("Grow", "  - A", "Keep"))]
    assert len(rows) == 3
    assert {row[58:64] for row in rows} == {"  0.00"}  # the score column stays put
    as_json = json.loads(run_cli("score", str(broken), "--format", "json").stdout)
    assert {"Grow\nrevenue", "Keep\tit"} <= set(strings(as_json))  # JSON keeps the text


@pytest.mark.parametrize(
    "command",
    [
        ("score",),
        ("review", "--since", "2026-07-01"),
        ("review", "--since", "2026-07-01", "--format", "md"),
        ("review", "--since", "2026-07-01", "--format", "html"),
    ],
)
def test_control_sequences_in_titles_and_notes_reach_the_terminal_escaped(tmp_path, command):
    path = hostile_document(tmp_path)
    result = run_cli(command[0], str(path), *command[1:], "--as-of", "2026-08-15")
    assert result.returncode == 0, result.stderr
    for raw in ("\x1b", "\x07", "\u202e", "\u202c", "\x9b", "\r"):
        assert raw not in result.stdout
    for shown in ("\\x1b", "\\x07", "\\u202e", "\\u202c", "\\x9b"):  # visible instead
        assert shown in result.stdout


@pytest.mark.parametrize("command", [("score",), ("review", "--since", "2026-07-01")])
def test_json_output_keeps_titles_as_they_are(tmp_path, command):
    path = hostile_document(tmp_path)
    result = run_cli(
        command[0], str(path), *command[1:], "--as-of", "2026-08-15", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    assert HOSTILE_TITLE in strings(json.loads(result.stdout))  # as it is, once parsed
    assert "\x1b" not in result.stdout  # JSON escapes it itself


def strings(data):
    if isinstance(data, dict):
        return [text for value in data.values() for text in strings(value)]
    if isinstance(data, list):
        return [text for value in data for text in strings(value)]
    return [data] if isinstance(data, str) else []


def test_error_messages_are_escaped_too(tmp_path):
    path = tmp_path / "bad\x1b[31m.json"
    path.write_text('{"objectives": [{"title": "x", "parent_id": "\\u001b[2Jghost"}]}')
    line = one_line(run_cli("score", str(path)))
    assert "\x1b" not in line
    assert "bad\\x1b[31m.json" in line


def test_a_loop_of_links_is_refused_naming_the_link(tmp_path):
    folder = folder_of(tmp_path)
    (folder / "objectives.csv").symlink_to(folder / "objectives.csv")
    line = one_line(run_cli("score", str(folder)))
    assert line == f"okrkpi: {folder / 'objectives.csv'}: cannot read: a loop of links"
    looped = tmp_path / "x.json"
    looped.symlink_to(looped)
    assert "cannot read: Too many levels of symbolic links" in one_line(
        run_cli("score", str(looped))
    )


def test_a_socket_is_refused_as_a_socket(tmp_path):
    import socket

    path = tmp_path / "x.json"
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(path))
        line = one_line(run_cli("score", str(path)))
    # Linux refuses to open a socket at all; elsewhere the check after opening refuses it.
    refused = ("cannot read: No such device or address", "not a regular file (a socket); not read")
    assert line.endswith(tuple(f"x.json: {reason}" for reason in refused))


def test_bad_cells_past_the_budget_are_counted_while_nothing_is_kept(tmp_path):
    rows = [f"o{n},O,2026-Q3,heavy,x" for n in range(300)]
    folder = folder_of(tmp_path, objectives=rows)
    (folder / "objectives.csv").write_text(
        "id,title,cycle,alignment_weight,url\n" + "\n".join(rows) + "\n"
    )
    line = one_line(run_cli("score", str(folder), "--extra-columns", "ignore"))
    assert line.count("expected a finite number, got 'heavy'") == 100
    assert line.endswith("... and at least 200 more problems")


def test_a_table_without_its_id_column_is_named_once(tmp_path):
    folder = grow(tmp_path)
    (folder / "key_results.csv").write_text("objective_id,title,kind\ngrow,ARR,binary\n")
    line = one_line(run_cli("score", str(folder)))
    assert line.endswith(f"{folder / 'key_results.csv'}, column id: a required column is missing")
