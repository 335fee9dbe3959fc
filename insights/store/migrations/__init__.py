"""Versioned schema migrations: NNNN_name.sql files applied in order, once each."""
