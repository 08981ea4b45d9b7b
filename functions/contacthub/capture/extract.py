"""Entry point: which reader a text needs (vCard or signature), and what it found."""
from __future__ import annotations

from .model import Extraction
from .vcard import UnreadableVCard, count_cards, read_first_card

__all__ = ["Extraction", "UnreadableVCard", "extract"]


def extract(text: str) -> Extraction:
    """Extract one contact from pasted text.

    A text holding vCards is read as vCards: the first card is extracted and `cards_found` says how many
    there were (one contact per prepare/confirm round; the client can send the others one by one).
    Anything else is read as a signature or business card. Raises UnreadableVCard for a broken vCard.
    """
    cards = count_cards(text)
    if cards:
        return Extraction(read_first_card(text), source="vcard", cards_found=cards)
    from .signature import extract_signature

    return Extraction(extract_signature(text), source="signature", cards_found=0)
