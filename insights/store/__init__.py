"""Where data is stored: the DuckDB file, its migrations and every SQL statement run on it."""
