"""Realistic, deterministic sample cases of the mla family (fictional persons throughout).

1. Argentina asks Paraguay for bank records, a subscriber's identity and a victim's hearing by
   videoconference; information requested, accepted, delayed, executed in two instalments
   (``examples_ar_py``).
2. Peru asks Colombia for migration records, a search and a company record; consultation on
   conditions, accepted with conditions, postponed, the search substituted, executed
   (``examples_pe_co``).
3. to 6. (``examples_more``): a consultation declined, a partial refusal and a request returned
   as not executable; a total refusal; a withdrawal; a request that lapses.
"""

from __future__ import annotations

from typing import Any

from messages.document import Document
from messages.mla.examples_ar_py import argentina_paraguay
from messages.mla.examples_more import more_conversations
from messages.mla.examples_pe_co import peru_colombia


def example_conversations() -> list[list[Document[Any]]]:
    """Every sample case of the family, each a list of documents in the order sent."""
    return [argentina_paraguay(), peru_colombia(), *more_conversations()]


def examples() -> list[Document[Any]]:
    """Sample documents of every mla message type; the first of each type is the one
    published in docs/examples/."""
    return [document for case in example_conversations() for document in case]
