"""The Parties page (its code lives in tracker.ui.parties)."""

from tracker.ui.parties import render

render()
