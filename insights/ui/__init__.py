"""The Streamlit pages and widgets: the only part of the product that imports streamlit."""
