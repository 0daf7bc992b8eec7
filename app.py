"""The dashboard: `streamlit run app.py`. A thin frame; the pages live in tracker/ui."""

from tracker.ui.app import run

run()
