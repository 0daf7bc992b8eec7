"""`python -m tracker card`: one vote's share card as PNG, SVG or PDF, the format from the extension."""

from __future__ import annotations

from tracker.cli import main


def test_card_is_written_in_the_format_of_its_extension(sample_db, db_path, tmp_path, image_browser, capsys):
    sample_db.close()
    starts = {"png": b"\x89PNG", "svg": b"<svg", "pdf": b"%PDF"}
    for extension, start in starts.items():
        out = tmp_path / f"card.{extension}"
        assert main(["--db", str(db_path), "card", "V44", "--out", str(out)]) == 0
        data = out.read_bytes()
        assert start in data[:200], extension
    svg = (tmp_path / "card.svg").read_text(encoding="utf-8")
    assert "Transition Statute reform" in svg and "Approved 72–29–8" in svg and 'width="1200"' in svg
    assert "Voluntad Popular" in svg


def test_card_refuses_an_unknown_extension_or_vote(sample_db, db_path, tmp_path, capsys):
    sample_db.close()
    assert main(["--db", str(db_path), "card", "V44", "--out", str(tmp_path / "card.gif")]) == 2
    assert main(["--db", str(db_path), "card", "NOPE", "--out", str(tmp_path / "card.png")]) == 2
    assert "no vote NOPE" in capsys.readouterr().err
