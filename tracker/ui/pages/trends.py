"""The Trends page (its code lives in tracker.ui.trends)."""

from tracker.ui.trends import render

render()
