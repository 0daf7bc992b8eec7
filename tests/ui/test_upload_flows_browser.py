"""Issue 11's uploads in a real browser, the way a journalist acts: one server on a copy of the sample, four flows.

The Spanish file without assembly is found by search and counted on the Overview; a misspelled party is refused
with the suggestion; the Members page appears after a member-vote upload without a reload; a double click on Undo
removes one batch. Set UPLOAD_FLOW_SHOTS=DIR to keep the screenshots.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.ui.browser import settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SPANISH = ("votación,fecha,título,a favor,en contra,abstenciones,fuente\n"
           "ES1,2024-05-02,Ley de Aguas de Guaidó,100,40,20,https://example.org/es1\n")
MISSPELLED = "vote_id,party,position\nV04,Voluntad Popuar,for\n"
MEMBERS = ("vote_id,date,title,member_id,party,position\n"
           "M1,2024-06-01,Member-level vote,m1,PJ,yes\nM1,2024-06-01,Member-level vote,m2,VP,no\n")


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    yield context.new_page()
    context.close()


def shot(page, name: str) -> None:
    folder = os.environ.get("UPLOAD_FLOW_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def upload(page, server: str, tmp_path: Path, name: str, text: str) -> None:
    page.goto(f"{server}/data")
    settle(page)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(path))
    settle(page)


def test_spanish_file_without_assembly_is_found_by_search_and_on_the_overview(page, server, tmp_path):
    upload(page, server, tmp_path, "es.csv", SPANISH)
    page.get_by_text("the only assembly stored", exact=False).first.wait_for(timeout=30_000)
    page.get_by_role("button", name="Import", exact=True).click(timeout=30_000)
    page.get_by_text("Imported.", exact=True).wait_for(timeout=60_000)
    shot(page, "spanish-imported")
    page.goto(f"{server}/votes?q=aguas+de+guaido")   # no accent, lower case
    settle(page)
    page.get_by_text("1 vote matches.").wait_for(timeout=30_000)
    page.goto(f"{server}/")
    settle(page)
    votes = page.locator("[data-testid='stMetric']").first
    assert "46" in votes.text_content()   # the sample's 45 and the new one


def test_misspelled_party_is_refused_with_the_suggestion_shown(page, server, tmp_path):
    upload(page, server, tmp_path, "p.csv", MISSPELLED)
    page.get_by_text("Did you mean VP, Voluntad Popular?", exact=False).first.wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Import", exact=True).count() == 0
    shot(page, "misspelled-party")


def test_members_page_appears_after_a_member_vote_upload_without_reload(page, server, tmp_path):
    upload(page, server, tmp_path, "members.csv", MEMBERS)
    assert page.get_by_role("link", name="Members").count() == 0
    page.get_by_role("button", name="Import", exact=True).click(timeout=30_000)
    page.get_by_text("Imported.", exact=True).wait_for(timeout=60_000)
    settle(page)
    page.get_by_role("link", name="Members").first.click(timeout=30_000)
    page.get_by_role("heading", name="Members", exact=True).wait_for(timeout=30_000)
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0


def test_double_click_on_undo_removes_one_batch(page, server):
    page.goto(f"{server}/data")
    settle(page)
    page.get_by_text("Yes, remove every row this batch added").click()
    settle(page)
    # Batch 3 (members.csv) is the newest; a double click must not walk down to batch 2 (es.csv).
    page.get_by_role("button", name="Undo batch").dblclick(timeout=30_000)
    page.get_by_text("Undid batch 3", exact=False).first.wait_for(timeout=60_000)
    settle(page)
    page.wait_for_timeout(1500)
    settle(page)
    shot(page, "undo-once")
    body = page.locator("[data-testid='stMain']").text_content()
    assert "Undid batch 2" not in body
    html = page.content()   # the select shows only its chosen option until it is opened
    assert "2: es.csv" in html and "3: members.csv" not in html   # the newest batch left, now chosen
    assert not page.get_by_role("checkbox", name="Yes, remove every row this batch added").is_checked()
    assert page.get_by_role("button", name="Undo batch").is_disabled()
