"""Where data enters: an ingest run (fetch from the APIs, turn answers into rows, write them)."""
