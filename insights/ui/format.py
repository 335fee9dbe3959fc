"""How numbers are written on the page (defined in insights.figures.formatting, shared with the
insight sentences so both write a figure the same way)."""

from insights.figures.formatting import change, is_flat, value

__all__ = ["change", "is_flat", "value"]
