"""The Votes page (its code lives in tracker.ui.votes)."""

from tracker.ui.votes import render

render()
