"""The dashboard: `streamlit run app.py`. It serves dashboard.py, after getting ready before the server answers.

Getting ready (tracker/ui/warm.py) imports the pages' modules and opens the database, so the first visit after a
start does not wait for them. The server also tells the page it sends where the server is (tracker/ui/head.py).
"""

import streamlit as st
from starlette.middleware import Middleware

from tracker.ui.head import PageHead
from tracker.ui.warm import ready

app = st.App("dashboard.py", lifespan=ready, middleware=[Middleware(PageHead)])
