"""TOML: the key guard sees every key TOML has and nothing TOML does not, in linear time."""

import tomllib

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import run_cli
from okrkpi import Objective, ValidationError
from okrkpi.serde import MAX_TOML_KEY_PARTS, Document, dumps_toml, loads_toml
from okrkpi.testing import kpis, objectives

LONG = MAX_TOML_KEY_PARTS + 6  # 70 parts


@pytest.mark.parametrize(
    "text",
    [
        "measure = {" + "a." * (LONG - 1) + "b = 1}",  # inside an inline table
        "x = [{" + "a." * (LONG - 1) + "b = 1}]",  # in an array of inline tables
        '"a".' * (LONG - 1) + '"b" = 1',  # quoted parts
        "'a' . " * (LONG - 1) + "b = 1",  # literal parts, spaced dots
        "[" + "a." * (LONG - 1) + "b]",  # a table header
        'title = "x"\n' + "a." * (LONG - 1) + "b = 1  # after a string",
    ],
)
def test_a_long_dotted_key_is_refused_wherever_toml_has_it(text, tmp_path):
    tomllib.loads(text)  # TOML itself reads it (slowly, as keys grow)
    with pytest.raises(ValidationError, match=f"a TOML key of {LONG} dotted parts; at most 64"):
        loads_toml(text, Document)
    path = tmp_path / "okrs.toml"
    path.write_text(text)
    result = run_cli("score", str(path))
    assert result.returncode == 1
    assert f"{path}: a TOML key of {LONG} dotted parts" in result.stderr


@pytest.mark.parametrize(
    "value",
    [
        "a." * 100,  # a dotted string value is no key
        "x\u2028" + "a." * 100 + "= 1",  # nor a line separator in one
        "x\n" + "a." * 100 + " = 1",  # a newline, escaped by the writer
        '"""' + "a." * 100,
        "'''" + "a." * 100 + " = '",
        "# " + "a." * 100,
        "\\" + "a." * 100,
    ],
)
def test_dots_in_strings_are_no_keys_so_what_dumps_toml_writes_loads_toml_reads(value):
    objective = Objective(value, id="o", owner=value)
    assert loads_toml(dumps_toml(objective), Objective) == objective


@pytest.mark.parametrize(
    "text",
    [
        'note = """\n' + "a." * 100 + ' = 1\n"""',
        "note = '''\n" + "a." * 100 + " = 1\n'''",
        'note = """a""""\ntitle = "' + "a." * 100 + '"',
        "# " + "a." * 100 + "\ntitle = 'x'",
    ],
)
def test_multi_line_strings_and_comments_are_passed_over_as_toml_reads_them(text):
    with pytest.raises(ValidationError) as raised:
        loads_toml(text, Document)  # not a document, but not refused for its dots
    assert "dotted parts" not in str(raised.value)


HOSTILE_TEXT = st.one_of(
    st.text(min_size=1, max_size=20),
    st.sampled_from(
        [
            "\u2028",
            "\u2029",
            "a.b.c." * 30,
            '"""',
            "'''",
            "\\u0000",
            "#",
            "[x]",
            "a = {b.c = 1}",
            "\x1b[2J",
            "\ud800",
            "\r\n",
        ]
    ),
).filter(lambda text: text.strip())


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(objectives(max_key_results=2), max_size=2, unique_by=lambda o: o.id),
    st.lists(kpis(), max_size=1),
    st.lists(HOSTILE_TEXT, min_size=4, max_size=4),
)
def test_whatever_dumps_toml_writes_loads_toml_reads_back_equal(items, indicators, texts):
    title, owner, note, name = texts
    hostile = []
    for objective in items:
        key_results = [
            attrs.evolve(
                kr,
                title=title,
                check_ins=[attrs.evolve(entry, note=note) for entry in kr.check_ins],
            )
            for kr in objective.key_results
        ]
        hostile.append(attrs.evolve(objective, title=title, owner=owner, key_results=key_results))
    # A KPI's name is an id (measurements and key results name it): no blanks at its ends.
    named = tuple(attrs.evolve(kpi, name=name.strip()) for kpi in indicators)
    document = Document(tuple(hostile), named)
    assert loads_toml(dumps_toml(document), Document) == document
