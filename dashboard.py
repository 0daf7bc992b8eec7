"""The script every visit and rerun runs (app.py serves it): the frame, then the chosen page (tracker/ui)."""

from tracker.ui.app import run

run()
