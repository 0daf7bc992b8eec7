"""The Members page (its code lives in tracker.ui.members)."""

from tracker.ui.members import render

render()
