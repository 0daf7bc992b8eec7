"""Hostile links: a few hundred malformed and hostile query strings on every page; none ends in an exception.

Run more with HOSTILE_LINKS=1000 python -m pytest tests/ui/test_hostile_links.py (the default is 240 links).
"""

from __future__ import annotations

import os
import random

import pytest

from tests.ui.test_ui import MEMBER_CSV, PAGES, open_app, show, texts
from tracker import store
from tracker.ingest import import_files

LINKS = int(os.environ.get("HOSTILE_LINKS", "240"))
PARAMS = ["from", "to", "assembly", "parties", "period", "reference", "q", "stage", "result", "party", "position",
          "vote", "measure"]
DATES = ["0001-01-01", "9999-12-31", "1799-12-31", "2101-01-01", "1677-09-21", "2262-04-12", "2023-02-30",
         "2023-13-01", "20230101", "2023-1-1", "01.01.2020", "-2020-01-01", "+002020-01-01", "2020-01-01T00:00",
         "1800-01-01", "2100-12-31", "2016-01-22", "", " ", "9" * 400, "nan", "None", "null", "0"]
HOSTILE = ["<script>alert(1)</script>", "javascript:alert(1)", "[x](javascript:alert(1))", "![i](http://e.example/i)",
           "www.evil.example", "https://evil.example/x", "a@b.example", "$x^2$", "\u202eevil", "=1+1",
           "'; drop table votes; --", "%00", "\x00", "\r\n", "..", "../../etc/passwd", "%s%n", "{0}", "x" * 5000,
           "PSUV", "PSUV,PSUV", ",,,", "PSUV,<b>x</b>", "bloc:", "bloc:MUD", "bloc:<i>", "an-2015", "V05", "V999",
           "month", "quarter", "year", "decade", "YEAR", "passed", "failed", "unclear", "for", "against", "rice",
           "pairs", "reference", "outcomes", "名前", "🗳️", "1e309", "-1", "2147483648"]


def hostile_links(count: int, seed: int = 16) -> list[dict[str, str]]:
    """`count` query strings: one to five parameters each, with malformed dates and hostile or unknown values."""
    chance = random.Random(seed)
    links = []
    for _ in range(count):
        link = {}
        for param in chance.sample(PARAMS, chance.randint(1, 5)):
            pool = DATES if param in ("from", "to") and chance.random() < 0.8 else HOSTILE + DATES
            link[param] = chance.choice(pool)
        links.append(link)
    return links


@pytest.fixture
def member_db_path(sample_db_path, write_csv):
    """The sample with member votes of a second (test) chamber as well, so that the Members page exists."""
    chamber = write_csv("assemblies.csv", "assembly,name,seats\ntest-chamber,Test chamber,6\n")
    con = store.connect(sample_db_path)
    import_files(con, [chamber, MEMBER_CSV], new_parties=True)  # parties A and B are new to the sample
    con.close()
    return sample_db_path


@pytest.mark.slow
def test_hostile_query_strings_never_raise_on_any_page(member_db_path, monkeypatch):
    failures = []
    links = hostile_links(LINKS)
    for i, link in enumerate(links):
        page = PAGES[i % len(PAGES)]   # the link opens on its page, as a reader following it sees it first
        try:
            app = open_app(member_db_path, monkeypatch, link, page=page)
        except ValueError as error:
            failures.append((page, link, str(error)[:300]))
            continue
        if app.exception:
            failures.append((page, link, str(app.exception[0].value)[:300]))
        elif [t.value for t in app.title][:1] != [page.title()]:
            failures.append((page, link, f"the page did not draw: titles {[t.value for t in app.title]}"))
    assert not failures, f"{len(failures)} of {len(links)} links failed: {failures[:5]}"


@pytest.mark.parametrize("param", ["from", "to"])
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1799-12-31", "2101-01-01"])
def test_an_out_of_range_date_in_the_link_falls_back_with_a_one_line_notice(sample_db_path, monkeypatch, param,
                                                                           value):
    app = show(open_app(sample_db_path, monkeypatch, {param: value}), "overview")
    assert app.date_input(key=f"f_{param}").value is None
    assert f"The link's {param}={value} is not a date between 1800-01-01 and 2100-12-31" in texts(app)
    assert "No vote matches" not in texts(app)


@pytest.mark.parametrize(("link", "page", "said"), [
    ({"vote": "V999"}, "votes", "vote=V999 is not one of the open a vote choices"),
    ({"party": "NOPE"}, "votes", "party=NOPE is not one of"),
    ({"stage": "nowhere"}, "votes", "stage=nowhere is not one of the stage choices"),
    ({"period": "decade"}, "overview", "period=decade is not month, quarter or year"),
    ({"parties": "NOPE,<b>x</b>"}, "parties", "parties=NOPE,<b>x</b> is not a list of known parties"),
])
def test_unknown_choices_in_the_link_fall_back_with_a_notice(sample_db_path, monkeypatch, link, page, said):
    app = show(open_app(sample_db_path, monkeypatch, link), page)
    assert said in texts(app)
