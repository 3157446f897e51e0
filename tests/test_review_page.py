"""The review as one page to open, print or e-mail: self-contained, and tried in a real browser.

The browser is headless Chromium, the system package (`apt-get install chromium`; CI
installs it). Where it is missing, only the browser tests are skipped, saying why.
"""

import json
import re
import struct
import sys
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from chromium import CHROMIUM, Browser
from helpers import Q3, numbered_objectives, run_cli
from okrkpi import (
    KPI,
    AlignmentTree,
    Initiative,
    KeyResult,
    MissingExtraError,
    Objective,
    Review,
    ValidationError,
    review,
)
from okrkpi.examples import EXAMPLE_AS_OF, example_kpis, example_objectives
from okrkpi.serde import Document, dumps

SINCE = date(2026, 8, 1)
HOSTILE = [
    "<script>alert(1)</script> Grow",
    'Keep " onmouseover="alert(2)" churn low',
    "Square $x^2$ and $\\undefinedcmd$, at 50% of $200",
]


def objectives():
    """The example, with hostile titles on a team's objectives and an initiative."""
    made = example_objectives()
    for number, title in enumerate(HOSTILE):
        kr = KeyResult.metric(title, start=0, target=100, id=f"k{number}")
        kr = kr.check_in(10, at=date(2026, 7, 20)).check_in(30 + 10 * number, at=date(2026, 8, 10))
        made.append(
            Objective(
                title,
                [kr],
                id=f"hostile-{number}",
                parent_id="company",
                cycle=Q3,
                level="team",
                initiatives=[Initiative(title, progress=0.5)],
            )
        )
    return made


def reviewed():
    return review(
        AlignmentTree(objectives()), since=SINCE, as_of=EXAMPLE_AS_OF, kpis=example_kpis()
    )


@pytest.fixture(scope="module")
def page():
    return reviewed().to_html(charts=True)


class _Elements(HTMLParser):
    """Every start tag and its attributes, and the text between tags."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parsed(html):
    elements = _Elements()
    elements.feed(html)
    return elements


def test_the_page_is_one_self_contained_document(page):
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<html") == 1
    assert page.isascii()  # anything else as character references: any mail client reads it
    elements = parsed(page)
    tags = [tag for tag, _ in elements.tags]
    assert "script" not in tags
    assert not {"link", "img", "iframe", "object", "embed", "base"} & set(tags)
    for _, attributes in elements.tags:
        assert not [name for name in attributes if name.startswith("on")]  # no handlers
        for name in ("href", "xlink:href", "src"):  # only references inside the page
            assert (attributes.get(name) or "#").startswith("#")
    assert re.findall(r"url\((?!#)", page) == []  # CSS and SVG point inside the page only
    assert "@import" not in page
    assert "@media print" in page
    assert tags.count("svg") == 4  # statuses, scores, timeline, the KPI needing attention


def test_hostile_titles_are_text_in_the_page_and_in_the_charts(page):
    elements = parsed(page)
    text = "".join(elements.text)
    for title in HOSTILE:
        assert title in text
    charts = re.findall(r"<svg.*?</svg>", page, re.DOTALL)
    in_charts = "".join(
        "".join(parsed(chart).text) for chart in charts
    )  # the SVG's <text>, as a browser reads it
    assert "<script>alert(1)</script> Grow" in in_charts
    assert "Square $x^2$ and $\\undefinedcmd$" in in_charts  # not drawn as maths
    assert 'Keep " onmouseover=' in in_charts


def test_each_chart_has_its_own_ids_and_a_label(page):
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    labels = re.findall(r'<svg role="img" aria-label="([^"]*)"', page)
    assert labels == [
        "Objectives by status",
        "Progress over time",
        "Timeline",
        "average reply time (minutes)",
    ]


def test_ids_are_renamed_in_tags_never_in_a_title():
    from okrkpi.plot import kpi_chart

    title = 'id="x" href="#y" url(#z)'
    svg = kpi_chart(KPI(title, target=1).record(2, at=date(2026, 7, 1))).to_svg(id_prefix="a-")
    assert 'id="x" href="#y" url(#z)' in "".join(parsed(svg).text)
    assert re.findall(r'\bid="(?!a-)', svg.replace(title, "")) == []
    with pytest.raises(ValidationError, match="id_prefix"):
        kpi_chart(KPI("k", target=1)).to_svg(id_prefix="1 bad")


def test_the_same_review_gives_the_same_page(page):
    assert reviewed().to_html(charts=True) == page


def test_the_snippet_for_notebooks_stays_a_snippet():
    made = reviewed()
    assert made.to_html() == made._repr_html_()
    assert made.to_html().startswith('<div class="okrkpi-review">')
    assert "<svg" not in made.to_html()
    with pytest.raises(ValidationError, match="Review.to_html.charts"):
        made.to_html(charts="yes")


def test_a_review_made_by_hand_still_has_a_page_without_charts():
    made = reviewed()
    by_hand = Review(
        made.since,
        made.as_of,
        made.movers,
        made.newly_worse,
        made.stale,
        made.confidence_drops,
        made.kpi_alerts,
        made.ending_soon,
    )
    assert by_hand == made  # the objectives kept for the charts are not compared
    page = by_hand.to_html(charts=True)
    assert "<svg" not in page
    assert "Movers (" in page


def test_the_page_needs_matplotlib_and_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(MissingExtraError, match=r"okrkpi\[plot\]"):
        reviewed().to_html(charts=True)


def test_the_command_line_writes_the_page(tmp_path, page):
    path = tmp_path / "okrs.json"
    path.write_text(dumps(Document(tuple(objectives()), tuple(example_kpis()))))
    arguments = ["review", str(path), "--since", str(SINCE), "--as-of", str(EXAMPLE_AS_OF)]
    result = run_cli(*arguments, "--format", "html", "--charts")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == page.strip()
    wrong = run_cli(*arguments, "--format", "md", "--charts")
    assert wrong.returncode == 2
    assert "--charts: needs --format html" in wrong.stderr


def test_the_command_line_names_the_extra_the_charts_need(tmp_path, monkeypatch):
    path = tmp_path / "okrs.json"
    path.write_text(dumps(Document(tuple(objectives()), ())))
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    days = ["--since", str(SINCE), "--as-of", str(EXAMPLE_AS_OF)]
    result = run_cli("review", str(path), *days, "--format", "html", "--charts")
    assert result.returncode == 1
    assert result.stderr.startswith(
        "okrkpi: Drawing charts needs matplotlib"
    )  # not "invalid input"
    assert 'pip install "okrkpi[plot]"' in result.stderr


def test_a_horizon_of_timedelta_max_is_an_answer_not_an_overflow():
    made = review(
        AlignmentTree(objectives()), since=SINCE, as_of=EXAMPLE_AS_OF, ends_within=timedelta.max
    )
    assert {item.objective_id for item in made.ending_soon} == {o.id for o in objectives()}
    none = review(
        AlignmentTree(objectives()), since=SINCE, as_of=date(2026, 10, 2), ends_within=timedelta.max
    )
    assert none.ending_soon == ()  # every cycle ended before this meeting


# -- in a real browser --------------------------------------------------------------------

browser_needed = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (Debian: apt-get install chromium); "
    "CI installs it, see .ci/run",
)

MEASURE = """JSON.stringify({
  page: document.documentElement.clientWidth,
  scrolled: document.documentElement.scrollWidth,
  wider: [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .map(e => e.tagName),
  charts: [...document.querySelectorAll("svg")].map(s => {
    const box = s.getBoundingClientRect(), style = getComputedStyle(s);
    return {width: box.width, height: box.height, shown: style.visibility === "visible"
      && style.display !== "none" && s.querySelectorAll("path, text").length > 5,
      text: s.textContent};
  }),
  text: document.body.innerText,
  scripts: document.scripts.length,
  handlers: [...document.querySelectorAll("*")].filter(
    e => [...e.attributes].some(a => a.name.startsWith("on"))).length,
})"""


def _png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@browser_needed
def test_the_page_renders_in_chromium_offline_at_800_pixels(tmp_path, page):
    path = tmp_path / "review.html"
    path.write_text(page, encoding="ascii")
    with Browser(CHROMIUM) as browser:
        shown = browser.open(path, width=800, script=MEASURE)
    assert shown["console"] == []
    assert shown["requests"] == []  # nothing left the machine
    measured = json.loads(shown["measured"])
    assert measured["scrolled"] <= measured["page"] <= 800  # nothing wider than the page
    assert measured["wider"] == []
    assert len(measured["charts"]) == 4
    for chart in measured["charts"]:
        assert chart["shown"]
        assert chart["width"] > 300
        assert chart["height"] > 200
    assert measured["scripts"] == 0
    assert measured["handlers"] == 0
    for title in HOSTILE:  # as text, in the page and in a chart
        assert title in measured["text"]
    assert any("<script>alert(1)</script> Grow" in c["text"] for c in measured["charts"])
    width, height = _png_size(shown["screenshot"])
    assert width >= 700
    assert height > 2000  # the whole page, charts and sections
    assert len(shown["screenshot"]) > 50_000  # drawn, not blank
    assert shown["pdf"].startswith(b"%PDF")  # it prints


@browser_needed
def test_a_review_of_200_objectives_fits_the_page_too(tmp_path):
    many = numbered_objectives(
        200,
        "Objective {n} with a title long enough to need cutting on any chart axis",
        owner=lambda number: f"Owner {number % 7}",
    )
    slow = KPI("reply time", target=60, warning=90, higher_is_better=False, frequency="weekly")
    slow = slow.record(75, at=date(2026, 8, 1))
    made = review(AlignmentTree(many), since=SINCE, as_of=EXAMPLE_AS_OF, kpis=[slow])
    path = tmp_path / "review.html"
    path.write_text(made.to_html(charts=True), encoding="ascii")
    with Browser(CHROMIUM) as browser:
        shown = browser.open(path, width=800, script=MEASURE)
    measured = json.loads(shown["measured"])
    assert shown["console"] == []
    assert measured["wider"] == []
    assert [chart["shown"] for chart in measured["charts"]] == [True] * 4
    timeline_height = measured["charts"][2]["height"]
    assert timeline_height > 3000  # grows a row at a time


def test_the_text_forms_can_always_be_written():
    title = "lone \ud800 surrogate \x1b[2J and\na break"
    kr = KeyResult.metric(title, start=0, target=10).check_in(5, at=date(2026, 8, 10))
    made = review([Objective(title, [kr], cycle=Q3)], since=SINCE, as_of=EXAMPLE_AS_OF)
    for shown in (made.to_text(), made.to_markdown(), made.to_html()):
        shown.encode("utf-8")  # a lone surrogate could not be written to any file
        assert "\x1b" not in shown  # nor a control sequence reach a terminal
    assert "lone \\ud800 surrogate \\x1b[2J and a break: 0.00 -> 0.50" in made.to_text()
