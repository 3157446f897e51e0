"""The weekly review: every section from a small quarter built to show each one."""

import json
import re
from datetime import date, timedelta

import pytest
from markdown_it import MarkdownIt

from helpers import Q3, run_cli
from okrkpi import (
    KPI,
    AlignmentTree,
    Health,
    KeyResult,
    Objective,
    Review,
    Status,
    ValidationError,
    review,
)
from okrkpi.plot import colour_of
from okrkpi.serde import Document, dumps

SINCE, AS_OF = date(2026, 9, 8), date(2026, 9, 22)


def quarter():
    moving = KeyResult.metric("Sign-ups", start=0, target=100, id="signups")
    moving = moving.check_in(60, at=date(2026, 9, 1), confidence=8).check_in(
        90, at=date(2026, 9, 20), confidence=5
    )
    stuck = KeyResult.metric("Churn", start=5, target=3, id="churn").check_in(
        4.6, at=date(2026, 8, 1)
    )
    return AlignmentTree(
        [
            Objective("Grow", [moving], id="grow", level="company", cycle=Q3),
            Objective("Keep", [stuck], id="keep", parent_id="grow", cycle=Q3),
        ]
    )


def reply_time():
    kpi = KPI("reply time", target=60, warning=90, higher_is_better=False, frequency="weekly")
    return kpi.record(75, at=date(2026, 9, 1))


def test_the_review_finds_movers_worse_statuses_stale_drops_kpis_and_endings():
    made = review(quarter(), since=SINCE, as_of=AS_OF, kpis=[reply_time()])
    (mover,) = made.movers
    assert (mover.objective_id, mover.before, mover.after) == ("grow", 0.6, 0.9)
    assert mover.change == pytest.approx(0.3)
    assert made.newly_worse == ()  # both were already behind / at risk on SINCE
    assert [s.key_result_id for s in made.stale] == ["churn"]
    (drop,) = made.confidence_drops
    assert (drop.key_result_id, drop.before, drop.after) == ("signups", 8.0, 5.0)
    (alert,) = made.kpi_alerts
    assert alert.health is Health.WARNING
    assert alert.overdue
    assert alert.proposed == "Bring reply time back under 60"
    assert [e.objective_id for e in made.ending_soon] == ["grow", "keep"]
    assert made.ending_soon[0].days_left == (Q3.end - AS_OF).days


def test_newly_behind_means_worse_than_at_the_last_meeting():
    made = review(quarter(), since=date(2026, 7, 10), as_of=date(2026, 8, 20))
    before = quarter().status(date(2026, 7, 10))
    after = quarter().status(date(2026, 8, 20))
    expected = [
        oid
        for oid in after
        if after[oid] in (Status.BEHIND, Status.AT_RISK, Status.MISSED)
        and after[oid].severity > before[oid].severity
    ]
    assert [change.objective_id for change in made.newly_worse] == expected
    assert expected


def test_renderings_hold_the_same_sections():
    made = review(quarter(), since=SINCE, as_of=AS_OF, kpis=[reply_time()])
    text, markdown, html = made.to_text(), made.to_markdown(), made.to_html()
    for title in (
        "Movers (1)",
        "No recent check-in (1)",
        "Confidence drops (1)",
        "KPIs needing attention (1)",
    ):
        assert title in text
        assert title in markdown
        assert title in html
    assert "Sign-ups: 8/10 -> 5/10" in text
    assert "### Movers (1)" in markdown
    assert made._repr_html_() == html
    assert 'class="okrkpi-warning" style="background:' in html  # statuses as coloured badges
    data = made.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["movers"][0]["change"] == pytest.approx(0.3)
    assert data["kpi_alerts"][0]["health"] == "warning"
    assert str(made) == text


def test_an_empty_review_says_none():
    quiet = review(
        [Objective("Idle", [], cycle=Q3)], since=date(2026, 7, 1), as_of=date(2026, 7, 2)
    )
    assert isinstance(quiet, Review)
    assert "Movers (0)\n  - none" in quiet.to_text()


@pytest.mark.parametrize(
    ("arguments", "path"),
    [
        ({"since": AS_OF, "as_of": SINCE}, "review.since"),
        ({"since": "2026-09-01", "as_of": AS_OF}, "review.since"),
        ({"since": SINCE, "as_of": None}, "review.as_of"),
        ({"since": SINCE, "as_of": AS_OF, "kpis": ["kpi"]}, r"review.kpis\[0\]"),
        ({"since": SINCE, "as_of": AS_OF, "ends_within": 14}, "review.ends_within"),
        ({"since": SINCE, "as_of": AS_OF, "stale_after": 5}, "review.stale_after"),
        ({"since": SINCE, "as_of": AS_OF, "stale_after": timedelta(0)}, "review.stale_after"),
        ({"since": SINCE, "as_of": AS_OF, "kpis": 5}, "review.kpis"),
        ({"since": SINCE, "as_of": AS_OF, "kpis": None}, "review.kpis"),
        ({"since": SINCE, "as_of": AS_OF, "kpis": KPI("k", target=1)}, "review.kpis"),
        ({"since": SINCE, "as_of": AS_OF, "min_change": "x"}, "review.min_change"),
        ({"since": SINCE, "as_of": AS_OF, "min_change": float("nan")}, "review.min_change"),
        ({"since": SINCE, "as_of": AS_OF, "min_change": 2}, "review.min_change"),
    ],
)
def test_bad_arguments_are_refused_naming_them(arguments, path):
    with pytest.raises(ValidationError, match=path):
        review(quarter(), **arguments)


@pytest.mark.parametrize("output", ["text", "md", "html", "json"])
def test_the_review_command(tmp_path, output):
    path = tmp_path / "okrs.json"
    path.write_text(dumps(Document(tuple(quarter()), (reply_time(),))))
    result = run_cli(
        "review", str(path), "--since", str(SINCE), "--as-of", str(AS_OF), "--format", output
    )
    assert result.returncode == 0, result.stderr
    made = review(quarter(), since=SINCE, as_of=AS_OF, kpis=[reply_time()])
    expected = {
        "text": made.to_text(),
        "md": made.to_markdown(),
        "html": made.to_html(),
        "json": json.dumps(made.to_dict(), indent=2),
    }[output]
    assert result.stdout.strip() == expected.strip()
    backwards = run_cli("review", str(path), "--since", str(AS_OF), "--as-of", str(SINCE))
    assert backwards.returncode == 1
    assert "review.since" in backwards.stderr
    assert timedelta(0) < AS_OF - SINCE


def test_unhealthy_has_its_own_colour_in_html():
    sick = KPI("u", target=100, warning=80).record(50, at=date(2026, 9, 20))
    html = review([], since=SINCE, as_of=AS_OF, kpis=[sick]).to_html()
    assert f'class="okrkpi-unhealthy" style="background:{colour_of("UNHEALTHY")}' in html
    assert ">Unhealthy</span>" in html
    assert ">Healthy</span>" not in html


def test_markdown_and_text_show_a_hostile_title_as_one_line_of_text():
    title = "x\n## Injected\n- fake [re-login](https://evil.example) a \\*bold\\* b"
    kr = KeyResult.metric("k", start=0, target=10).check_in(1, at=date(2026, 9, 1))
    made = review([Objective(title, [kr], cycle=Q3)], since=SINCE, as_of=AS_OF)
    markdown = made.to_markdown()
    assert "\n## Injected" not in markdown
    assert "<a " not in MarkdownIt("commonmark").render(markdown)  # no live link
    assert "\\\\\\*bold" in markdown  # the title's backslash, then the star, escaped
    lines = made.to_text().splitlines()
    assert not any(line.startswith(("## ", "- fake")) for line in lines)  # one line per item


def test_movers_are_changes_of_at_least_min_change_and_only_changes():
    def at(value):
        kr = KeyResult.metric("k", start=0, target=10, id="k")
        return kr.check_in(2, at=date(2026, 9, 1)).check_in(value, at=date(2026, 9, 20))

    moved = review([Objective("o", [at(3)], cycle=Q3)], since=SINCE, as_of=AS_OF, min_change=0.1)
    assert len(moved.movers) == 1  # 0.3 - 0.2 is 0.09999999999999998: still 0.1
    still = review([Objective("o", [at(2)], cycle=Q3)], since=SINCE, as_of=AS_OF, min_change=0)
    assert still.movers == ()


def test_confidence_after_the_cycle_does_not_drop_it():
    kr = KeyResult.metric("k", start=0, target=10, id="k")
    kr = kr.check_in(5, at=date(2026, 9, 15), confidence=8)
    kr = kr.check_in(5, at=date(2026, 10, 3), confidence=2)  # after Q3: not Q3's
    made = review(
        [Objective("o", [kr], cycle=Q3)], since=date(2026, 9, 20), as_of=date(2026, 10, 5)
    )
    assert made.confidence_drops == ()


def _read_as_text(html):
    """What a browser shows of an HTML list item: tags gone, entities read."""
    import re
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", html))


def test_badges_keep_the_spaces_around_them_in_html():
    import re

    tree = quarter()
    worse = review(tree, since=date(2026, 7, 10), as_of=date(2026, 8, 20))
    alerting = review(tree, since=SINCE, as_of=AS_OF, kpis=[reply_time()])
    for made in (worse, alerting):
        items = re.findall(r"<li>(.*?)</li>", made.to_html())
        lines = [line[4:] for line in made.to_text().splitlines() if line.startswith("  - ")]
        assert [_read_as_text(item) for item in items] == lines
    assert "Grow: Behind -> At risk" in worse.to_text()
    assert "reply time: Warning (overdue) - " in alerting.to_text()


def test_a_review_of_a_list_of_objectives_takes_a_policy():
    from datetime import datetime, timezone

    from okrkpi import ScoringPolicy

    last_evening = datetime(2026, 9, 30, 18, 30, tzinfo=timezone(timedelta(hours=-7)))
    kr = KeyResult.metric("Sales", start=0, target=100, id="sales").check_in(90, at=last_evening)
    objectives = [Objective("Sell", [kr], id="sell", cycle=Q3)]
    days = {"since": date(2026, 9, 1), "as_of": date(2026, 9, 30)}
    assert [m.after for m in review(objectives, **days).movers] == [0.9]
    utc = ScoringPolicy(day_of="utc")  # 1 October in UTC: not yet on the 30th
    assert review(objectives, **days, policy=utc).movers == ()
    assert review(AlignmentTree(objectives), **days, policy=utc).movers == ()
    assert review(objectives, **days, policy=utc).tree.policy == utc
    with pytest.raises(ValidationError, match=r"review\.policy"):
        review(objectives, **days, policy="utc")


def test_the_review_says_days_as_people_write_them(tmp_path):
    made = review(quarter(), since=SINCE, as_of=AS_OF, kpis=[reply_time()])
    assert made.heading == "Review 8 Sep 2026 -> 22 Sep 2026"
    assert "ends 30 Sep 2026 (8 days)" in made.to_text()
    assert made.to_dict()["as_of"] == "2026-09-22"  # data keeps ISO dates
    path = tmp_path / "okrs.json"
    path.write_text(dumps(Document(tuple(quarter()), ())))
    backwards = run_cli("review", str(path), "--since", str(AS_OF), "--as-of", str(SINCE))
    assert "got 2026-09-22" in backwards.stderr
    assert "datetime.date" not in backwards.stderr


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def test_a_stale_key_result_reads_in_people_s_days_and_keeps_iso_in_its_data():
    made = review(quarter(), since=SINCE, as_of=AS_OF, kpis=[reply_time()])
    (stale,) = made.stale
    assert stale.last_check_in == date(2026, 8, 1)  # Churn's one check-in
    days = (AS_OF - stale.last_check_in).days
    words = f"Churn: last check-in 1 Aug 2026, {days} days before 22 Sep 2026"
    for shown in (made.to_text(), made.to_markdown(), made.to_html()):
        assert "1 Aug 2026" in shown  # Markdown escapes the punctuation around it
        assert ISO_DAY.findall(shown) == []  # no day a person reads in ISO form
    assert words in made.to_text()
    assert words in made.to_html()
    page = made.to_html(charts=True)
    assert words in page
    words_of_page = re.sub(r"<figure>.*?</figure>", "", page, flags=re.DOTALL)
    assert ISO_DAY.findall(words_of_page) == []
    data = made.to_dict()["stale"][0]
    assert data["last_check_in"] == "2026-08-01"
    assert data["reason"] == f"last check-in 2026-08-01, {days} days before 2026-09-22"  # lint's


def test_a_key_result_never_checked_in_is_stale_in_the_same_words_as_lint():
    tree = AlignmentTree([Objective("Quiet", [KeyResult.binary("Ship", id="ship")], cycle=Q3)])
    made = review(tree, since=SINCE, as_of=AS_OF)
    (stale,) = made.stale
    assert stale.last_check_in is None
    assert "Ship: no check-in yet" in made.to_text()
