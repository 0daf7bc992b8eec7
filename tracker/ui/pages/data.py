"""The Data page (its code lives in tracker.ui.data_page)."""

from tracker.ui.data_page import render

render()
