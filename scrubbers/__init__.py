"""What may leave the collector: allowlists for structured fields, Presidio for free text."""

from scrubbers.events import NOT_ALLOWLISTED, EventScrubber, ScrubbedBatch
from scrubbers.hashing import IdHasher
from scrubbers.policy import OTHER, TenantPolicy
from scrubbers.text import DROPPED, ScrubbedText, TextScrubber

__all__ = [
    "DROPPED",
    "NOT_ALLOWLISTED",
    "OTHER",
    "EventScrubber",
    "IdHasher",
    "ScrubbedBatch",
    "ScrubbedText",
    "TenantPolicy",
    "TextScrubber",
]
