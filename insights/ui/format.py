"""How numbers are written on the page (defined in insights.formatting, shared with the
insight sentences so both write a figure the same way)."""

from insights.formatting import change, value

__all__ = ["change", "value"]
