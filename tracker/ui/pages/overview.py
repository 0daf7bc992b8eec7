"""The Overview page (its code lives in tracker.ui.overview)."""

from tracker.ui.overview import render

render()
