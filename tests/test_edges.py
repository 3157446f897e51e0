"""Edges: serialization round-trips, the command line as a subprocess, notebook rendering."""

import contextlib
import json
import sys
from datetime import UTC, date, datetime

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from helpers import run_cli, run_cli_process
from okrkpi import (
    KPI,
    AlignmentTree,
    CheckIn,
    ConfidenceRating,
    Cycle,
    KeyResult,
    KeyResultKind,
    Measured,
    Measurement,
    MissingExtraError,
    Objective,
    OkrKpiError,
    ScoringPolicy,
    ValidationError,
    score,
)
from okrkpi._edges.display import markdown_text
from okrkpi.display import kpi_html, objective_html, render_tree, score_html, to_records, tree_html
from okrkpi.examples import EXAMPLE_AS_OF, example_kpis, example_objectives
from okrkpi.serde import (
    Document,
    converter,
    dumps,
    dumps_toml,
    from_dict,
    loads,
    loads_toml,
    to_dict,
)
from okrkpi.testing import cycles, key_results, kpis, objectives

# -- serde --------------------------------------------------------------------------------


def test_document_round_trips_through_json():
    document = Document(tuple(example_objectives()), tuple(example_kpis()))
    text = dumps(document)
    assert json.loads(text)["schema_version"] == 1
    assert loads(text, Document) == document


def test_json_shape_is_plain():
    kr = KeyResult.metric("Revenue", start=0, target=10).check_in(
        5, at=datetime(2026, 7, 1, 9, 30, tzinfo=UTC), confidence=7
    )
    data = to_dict(kr)
    assert data["measure"] == {"kind": "metric", "start": 0, "target": 10, "unit": None}
    assert data["check_ins"][0]["at"] == "2026-07-01T09:30:00+00:00"
    assert data["check_ins"][0]["confidence"] == 7
    assert from_dict(data, KeyResult) == kr
    assert to_dict(Cycle.quarter(2026, 3))["kind"] == "quarter"
    assert to_dict(score(kr))["inputs"]["current"] == 5


def test_user_written_file_round_trips(tmp_path):
    written = {
        "objectives": [
            {
                "title": "Delight customers",
                "cycle": "2026-Q3",
                "level": "team",
                "key_results": [
                    {"title": "NPS", "measure": {"kind": "metric", "start": 30, "target": 50},
                     "check_ins": [{"value": 40, "at": "2026-08-01"}]},
                    {"title": "Ship", "measure": {"kind": "milestones",
                                                  "milestones": ["beta", {"name": "ga", "weight": 2}]}},
                ],
            }
        ],
        "kpis": [{"name": "uptime", "target": [99.5, 100], "frequency": "weekly"}],
    }  # fmt: skip
    path = tmp_path / "okrs.json"
    path.write_text(json.dumps(written))
    document = loads(path.read_text(), Document)
    assert document.objectives[0].cycle == Cycle.quarter(2026, 3)
    assert score(document.objectives[0]).value == pytest.approx(0.25)
    again = loads(dumps(document), Document)
    assert again == document


def test_every_bad_field_is_reported_with_its_path():
    data = json.loads(dumps(Document(tuple(example_objectives()), tuple(example_kpis()))))
    data["objectives"][1]["key_results"][0]["measure"]["target"] = "abc"
    data["objectives"][0]["key_results"][1]["check_ins"][0]["at"] = "2026-13-01"
    data["kpis"][0]["unit"] = 3
    del data["objectives"][2]["title"]
    data["objectives"][0]["colour"] = "red"
    with pytest.raises(ValidationError) as caught:
        from_dict(data, Document)
    found = {str(problem) for problem in caught.value.problems}
    assert found == {
        "objectives[1].key_results[0].measure.target: expected a number, got 'abc'",
        "objectives[0].key_results[1].check_ins[0].at: expected an ISO date like '2026-07-01', got '2026-13-01'",
        "kpis[0].unit: expected a string, got 3",
        "objectives[2].title: required field missing",
        "objectives[0]: unknown field(s) 'colour'",
    }


@pytest.mark.parametrize(
    "text",
    [
        "[" * 50_000,
        "{" + '"a":' * 100 + "1" + "}" * 100,
        "NaN",
        '{"objectives": [NaN]}',
        "not json",
    ],
)
def test_hostile_json_fails_cleanly(text):
    with pytest.raises(ValidationError):
        loads(text, Document)


def test_schema_version_and_types_are_checked():
    with pytest.raises(ValidationError, match="schema_version: expected 1, got 2"):
        from_dict({"schema_version": 2}, Document)
    with pytest.raises(ValidationError, match="from_dict.cls"):
        from_dict({}, dict)
    with pytest.raises(ValidationError):
        from_dict([], Objective)
    with pytest.raises(ValidationError, match="without a time"):
        from_dict({"name": "x", "start": "2026-01-01T00:00", "end": "2026-02-01"}, Cycle)
    with pytest.raises(ValidationError, match=r"target.*\[low, high\]"):
        from_dict({"name": "x", "target": [1, 2, 3]}, KPI)


def test_converter_is_an_instance_users_can_copy():
    mine = converter.copy()
    mine.register_unstructure_hook(ConfidenceRating, lambda rating: rating.probability)
    entry = CheckIn(1, date(2026, 7, 1), 7)
    assert mine.unstructure(entry)["confidence"] == 0.7
    assert to_dict(entry)["confidence"] == 7
    assert to_dict(Measurement(1, date(2026, 7, 1)))["at"] == "2026-07-01"


@given(objectives())
def test_objectives_round_trip(objective):
    assert from_dict(to_dict(objective), Objective) == objective


@given(key_results())
def test_key_results_round_trip_through_json(kr):
    assert loads(dumps(kr), KeyResult) == kr


@given(kpis())
def test_kpis_round_trip(kpi):
    assert from_dict(to_dict(kpi), KPI) == kpi


@given(cycles())
def test_cycles_round_trip(cycle):
    assert from_dict(to_dict(cycle), Cycle) == cycle


JSON = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["title", "objectives", "key_results", "measure", "kind", "kpis", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@given(JSON, st.sampled_from([Document, Objective, KeyResult, KPI, Cycle, CheckIn]))
def test_from_dict_raises_nothing_but_okrkpi_errors(data, cls):
    with contextlib.suppress(OkrKpiError):
        from_dict(data, cls)


# -- command line -------------------------------------------------------------------------


def test_cli_names_the_committed_objectives_whose_grades_read_differently(tmp_path):
    lines = run_cli().stdout.splitlines()
    note = "Committed, so met (and green) only at 1.00: Ship a website customers love"
    assert lines[lines.index(note) - 1].startswith("    - Keep median page load")  # under it
    many = [
        Objective(f"Goal {n}", [KeyResult.binary("k")], id=f"g{n}", commitment="committed")
        for n in range(5)
    ]
    path = tmp_path / "committed.json"
    path.write_text(dumps(Document(tuple(many))))
    shown = run_cli("score", str(path), "--as-of", "2026-08-15").stdout
    assert "only at 1.00: Goal 0; Goal 1; Goal 2; and 2 more" in shown
    aspirational = tmp_path / "aspirational.json"
    aspirational.write_text(dumps(Document(tuple(example_objectives()[:1]))))
    assert "Committed" not in run_cli("score", str(aspirational)).stdout


def test_cli_scores_the_embedded_example():
    result = run_cli_process()
    assert result.returncode == 0, result.stderr
    assert "Become a market leader in SaaS industry" in result.stdout
    assert "0.21  Red    At risk" in result.stdout
    assert "Bring average reply time back under 60 minutes" in result.stdout


def test_cli_scores_a_file_as_json(tmp_path):
    path = tmp_path / "okrs.json"
    path.write_text(dumps(Document(tuple(example_objectives()))))
    result = run_cli_process("score", str(path), "--as-of", "2026-08-15", "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["as_of"] == "2026-08-15"
    assert [o["status"] for o in payload["objectives"]] == ["at_risk", "behind", "on_track"]
    assert payload["objectives"][0]["score"]["value"] == pytest.approx(0.21)


def test_cli_reads_toml(tmp_path):
    path = tmp_path / "okrs.toml"
    path.write_text(
        '[[objectives]]\ntitle = "Grow"\nlevel = "company"\ncycle = "2026-Q3"\n'
        '[[objectives.key_results]]\ntitle = "Revenue"\n'
        'measure = { kind = "metric", start = 0, target = 10 }\n'
        'check_ins = [{ value = 5, at = "2026-08-01" }]\n'
    )
    result = run_cli("score", str(path), "--as-of", "2026-08-15")
    assert result.returncode == 0, result.stderr
    assert "0.50" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"objectives": [{"title": 3}]}', "objectives[0].title"),
        ("{broken", "not valid JSON"),
    ],
)
def test_cli_bad_input_is_one_line_and_non_zero(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = run_cli("score", str(path))
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_missing_file_and_bad_date(tmp_path):
    missing = run_cli("score", str(tmp_path / "nope.json"))
    assert missing.returncode == 1
    assert "nope.json: cannot read" in missing.stderr
    bad_date = run_cli("--as-of", "yesterday")
    assert bad_date.returncode == 2
    assert "expected a date" in bad_date.stderr


def test_cli_main_in_process(capsys):
    from okrkpi._edges.cli import main

    assert main(["--format", "json", "--as-of", "2026-09-30"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2026-09-30"


# -- display ------------------------------------------------------------------------------


def test_render_tree_text():
    tree = AlignmentTree(example_objectives())
    text = render_tree(tree, as_of=EXAMPLE_AS_OF)
    lines = text.splitlines()
    assert lines[1].startswith("Become a market leader in SaaS industry")
    assert lines[3].startswith("  - Gain 1,000 new customers in Q3")
    assert "0.42  Yellow Behind" in lines[3]
    assert any(line.startswith("  Ship a website customers love") for line in lines)


def test_render_tree_puts_each_value_under_its_heading():
    lines = render_tree(AlignmentTree(example_objectives()), as_of=EXAMPLE_AS_OF).splitlines()
    heading = lines[0]
    columns = {name: heading.index(name) for name in ("score", "grade", "status")}
    for line in lines[1:]:
        score = line[columns["score"] : columns["score"] + len("score")]
        assert score == score.rstrip()  # right-aligned under it
        assert float(score) >= 0
        for name in ("grade", "status"):
            assert line[columns[name] - 1] == " "
            assert line[columns[name]].isupper()


def test_html_reprs_show_grades_and_statuses():
    objectives = example_objectives()
    tree = AlignmentTree(objectives)
    html = tree._repr_html_()
    assert html == tree_html(tree)
    assert "<table" in html
    assert "Become a market leader in SaaS industry" in html
    assert 'class="okrkpi-red"' in html
    assert 'class="okrkpi-at_risk"' in html
    assert objectives[2]._repr_html_() == objective_html(objectives[2])
    result = score(objectives[0])
    assert result._repr_html_() == score_html(result)
    assert 'class="okrkpi-red"' in score_html(result)
    assert "&lt;" not in score_html(result)
    kpi = example_kpis()[0]
    assert 'class="okrkpi-warning"' in kpi_html(kpi)
    assert "**average reply time** Warning" in kpi._repr_markdown_()
    assert "- **Become a market leader" in tree._repr_markdown_()
    assert objectives[0]._repr_markdown_().startswith("**Become")
    assert result._repr_markdown_().startswith("**Objective 'company'** 0.21 Red")
    bare = Objective("<script>", [KeyResult.binary("x")])
    assert "&lt;script&gt;" in objective_html(bare)
    assert "missing: target" in kpi_html(KPI("x", target=None))


RENDERERS = {"CommonMark": MarkdownIt("commonmark"), "GFM": MarkdownIt("gfm-like")}


def _shown(renderer, text, *, bold):
    """The HTML `renderer` makes of `text` as a list item (in bold, as the tree shows a
    title), its words only."""
    opening, closing = ("<strong>", "</strong>:") if bold else ("", "")
    rendered = RENDERERS[renderer].render(f"- **{text}**:" if bold else f"- {text}")
    start, end = f"<ul>\n<li>{opening}", f"{closing}</li>\n</ul>\n"
    assert rendered.startswith(start), rendered
    assert rendered.endswith(end), rendered
    return rendered[len(start) : -len(end)]


_TITLE_CHARACTERS = st.characters(codec="ascii", exclude_categories=("Cc",)) | st.sampled_from(
    "é→\t\u00a0\u3000"
)


@given(
    st.text(_TITLE_CHARACTERS, min_size=1).filter(lambda text: text.strip()),
    st.sampled_from(sorted(RENDERERS)),
    st.booleans(),
)
@example("1. first", "CommonMark", False)
@example("- item", "CommonMark", False)
@example("> quote", "CommonMark", False)
@example("# heading", "CommonMark", False)
@example("    code", "CommonMark", False)
@example("[l](https://x.example) ![i](x.png) <b>&amp;</b> *a* _b_ `c` ~~d~~ a|b", "GFM", True)
@example("===", "CommonMark", False)
@example("x #", "CommonMark", True)
@example("www.evil.com", "GFM", True)
@example("see evil.com or a@b.com, https://evil.example/x", "GFM", True)
@example("Sell\u00a0", "GFM", True)
def test_markdown_text_shows_any_title_as_written(title, renderer, bold):
    words = title.strip()
    expected = (
        words.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
    assert _shown(renderer, markdown_text(title), bold=bold) == expected


_LINK_PIECES = st.sampled_from(
    [*"wcom.:/@ab1 -*_", "www.", "http://", "https://", "mailto:", ".com", ".org", "xn--", "é"]
)


@given(
    st.lists(_LINK_PIECES, min_size=1, max_size=12).map("".join).filter(str.strip),
    st.booleans(),
)
def test_a_title_holding_an_address_is_no_link_even_where_renderers_link_bare_ones(title, bold):
    test_markdown_text_shows_any_title_as_written.hypothesis.inner_test(title, "GFM", bold)


def test_markdown_text_leaves_the_library_s_own_words_plain():
    assert markdown_text("Ship it: 0.25 -> 0.75 (+0.50)") == "Ship it: 0.25 -> 0.75 (+0.50)"
    assert markdown_text("Review 1 Aug 2026 -> 15 Aug 2026") == "Review 1 Aug 2026 -> 15 Aug 2026"


def test_markdown_views_show_titles_and_explanations_as_text():
    hostile = "Grow [now](javascript:alert(1)) ![x](http://evil.example/t.png) <b>\n- fake"
    objective = Objective(hostile, [KeyResult.binary("k")], id="o")
    caption, blank, line = AlignmentTree([objective])._repr_markdown_().split("\n")
    assert (caption, blank) == ("_No check-ins yet: scores as set up, no status_", "")
    assert line.startswith("- **")  # a line break in a title makes no new list item
    assert "](" not in line.replace("\\](", "")  # no live link or image
    assert "<b>" not in line
    assert "\\[now\\](javascript:alert(1))" in line  # its brackets escaped: no link

    @attrs.frozen
    class Ticks:  # a custom strategy whose formula holds backticks and HTML
        name: str = "ticks"
        monotone: bool = True

        def __call__(self, key_result, current):
            return Measured(0.5, "``x`` <script>alert(1)</script>")

    policy = ScoringPolicy(scorers={KeyResultKind.BINARY: Ticks()})
    shown = score(objective.key_results[0], policy=policy)._repr_markdown_()
    fence = shown.split(": ", 1)[1].split(" ", 1)[0]
    assert fence == "```"  # longer than the runs of backticks inside
    assert shown.endswith(fence)


def test_to_records_feed_a_dataframe():
    records = to_records(AlignmentTree(example_objectives()), as_of=EXAMPLE_AS_OF)
    assert len(records) == 6
    assert all(isinstance(row, dict) for row in records)
    first = records[0]
    assert first["objective_id"] == "company"
    assert first["status"] == "at_risk"
    assert first["objective_status"] == "at_risk"
    columns = set(first)
    assert all(set(row) == columns for row in records)
    assert json.dumps(records)  # plain values only
    loose = to_records([Objective("Empty")])
    assert loose[0]["key_result_id"] is None
    assert to_records([Objective("x", [KeyResult.binary("b")])])[0]["status"] is None


def test_from_dict_takes_the_data_first_and_the_old_order_warns():
    data = to_dict(Objective("Win", [KeyResult.binary("Ship it")]))
    assert from_dict(data, Objective).title == "Win"
    with pytest.warns(DeprecationWarning, match=r"from_dict\(data, cls\)"):
        assert from_dict(Objective, data).title == "Win"


# -- TOML -------------------------------------------------------------------------------


def test_a_document_round_trips_through_toml_and_the_cli_reads_it(tmp_path):
    document = Document(tuple(example_objectives()), tuple(example_kpis()))
    text = dumps_toml(document)
    assert "None" not in text  # TOML has no null: Nones are left out
    assert loads_toml(text, Document) == document
    path = tmp_path / "okrs.toml"
    path.write_text(text)
    from_toml = run_cli("score", str(path), "--as-of", "2026-08-15", "--format", "json")
    path.with_suffix(".json").write_text(dumps(document))
    from_json = run_cli("score", str(path.with_suffix(".json")), "--as-of", "2026-08-15")
    assert from_toml.returncode == from_json.returncode == 0, from_toml.stderr
    assert json.loads(from_toml.stdout)["objectives"][0]["score"]["value"] == pytest.approx(0.21)


@given(objectives())
def test_objectives_round_trip_through_toml(objective):
    assert loads_toml(dumps_toml(objective), Objective) == objective


def test_toml_needs_its_extra_to_write_and_nothing_to_read(monkeypatch):
    text = dumps_toml(Objective("Win"))
    monkeypatch.setitem(sys.modules, "tomli_w", None)
    with pytest.raises(MissingExtraError, match=r'pip install "okrkpi\[toml\]"') as caught:
        dumps_toml(Objective("Win"))
    assert isinstance(caught.value, ImportError)
    assert caught.value.extra == "toml"
    assert loads_toml(text, Objective) == Objective("Win")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title = ", "not valid TOML"),
        (b"title = '\xff'", "not UTF-8"),
        ("a" + ".b" * 100 + " = 1", "a TOML key of 101 dotted parts"),
        ("title = 3", "title: expected a string, got 3"),
    ],
)
def test_bad_toml_is_a_validation_error_naming_the_problem(text, message):
    with pytest.raises(ValidationError, match=message):
        loads_toml(text, Objective)


def test_only_tables_can_be_written_as_toml():
    with pytest.raises(ValidationError, match="a value that converts to a table"):
        dumps_toml(date(2026, 7, 1))
