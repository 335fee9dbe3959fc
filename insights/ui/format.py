"""How numbers are written on the page (defined in insights.figures.formatting, shared with the
insight sentences so both write a figure the same way)."""

from insights.figures.formatting import CARD_CHARACTERS, card_value, change, is_flat, value
from insights.ui.text import md

__all__ = ["CARD_CHARACTERS", "card_help", "card_value", "change", "is_flat", "value"]


def card_help(definition: str, exact: str | None = None) -> str | None:
    """A card's help: what it counts and, when the card shows a compact form, its exact
    value (escaped: a '$' would start a formula in Markdown)."""
    parts = [definition] if definition else []
    if exact:
        parts.append(f"Exact value: {md(exact)}")
    return "\n\n".join(parts) or None
