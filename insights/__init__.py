"""Marketing insights: Instagram and Meta ads data in DuckDB, with a Streamlit dashboard."""

__version__ = "0.1.0"
