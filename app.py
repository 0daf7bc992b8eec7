"""The dashboard: `streamlit run app.py`. It serves dashboard.py, after getting ready before the server answers.

Getting ready (tracker/ui/warm.py) imports the pages' modules and opens the database, so the first visit after a
start does not wait for them.
"""

import streamlit as st

from tracker.ui.warm import ready

app = st.App("dashboard.py", lifespan=ready)
