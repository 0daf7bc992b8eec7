"""Parliamentary vote tracker: a DuckDB store of votes, an importer, metrics, charts and a Streamlit dashboard."""

__version__ = "0.1.0"
