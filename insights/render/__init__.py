"""Where numbers are drawn, without Streamlit: charts, the report and CSV files."""
