"""Which intake request a lead answers, so that the lead's own conditional write is the idempotency record.

A request is named by its company and its `Idempotency-Key`, or, without one, by its company and payload.
Its lead id is derived from that name and the window its arrival falls in: a retry or a double click of the
same request computes the same id, and the write of the lead (conditional on the id being new) finds the
earlier lead instead of making a second one. No other item is written, so an intake costs the lead's write.

Guarantees (pure, deterministic given the time):
- a repeat within `overlap` of the first request is the same request: a repeat that lands in the next
  window checks the previous window's id too (`previous_lead_id`, only in the first `overlap` of a window),
  as a condition of the lead's own write where nothing else reads first (`PreviousWindowStored`), so a
  request costs the same at any minute;
- a repeat in the same window is the same request too (so at most `window` after the first);
- two different requests never share an id but by chance (80 bits of SHA-256 per company and window);
- the id holds no contact detail: only a hash of the whole payload (a guess of every field confirms it, as
  the receipt's key did before), and the lead's key is spread per company and lead (docs/DATA_MODEL.md).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from leadrouter.domain.ids import ulid_of
from leadrouter.domain.leads import Lead, LeadSubmission

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


class PreviousWindowStored(Exception):
    """A new lead's write was refused because the previous window's lead of the same request is stored:
    `lead` is that lead, for the caller to tell a repeat (`IntakeRequest.repeated_by`) from a request made
    again later."""

    def __init__(self, lead: Lead) -> None:
        super().__init__(lead.lead_id)
        self.lead = lead


@dataclass(frozen=True)
class RepeatRule:
    """For how long a repeat counts as the same request: always within `overlap`, within `window` when it
    falls in the same window. A window longer than the overlap keeps previous-window look-ups rare."""

    window: timedelta
    overlap: timedelta


# A key names one submission of a form: a day at least, as Powertools' record did, and up to a week.
KEYED: Final = RepeatRule(window=timedelta(days=7), overlap=timedelta(days=1))
# The same payload again is a double click or a retry: ten minutes at least, and up to an hour.
UNKEYED: Final = RepeatRule(window=timedelta(hours=1), overlap=timedelta(minutes=10))


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@dataclass(frozen=True)
class IntakeRequest:
    company_id: str
    name: str  # a hash of the company and the key, or of the company and the payload
    body: str  # a hash of the submission: a key reused with another body is refused
    rule: RepeatRule

    @classmethod
    def of(cls, company_id: str, submission: LeadSubmission, idempotency_key: str | None) -> "IntakeRequest":
        body = _digest(submission.model_dump(mode="json", exclude_none=True))
        if idempotency_key:
            return cls(company_id, _digest(["key", company_id, idempotency_key]), body, KEYED)
        return cls(company_id, _digest(["payload", company_id, body]), body, UNKEYED)

    def _window(self, at: datetime) -> int:
        return ((at if at.tzinfo else at.replace(tzinfo=UTC)) - _EPOCH) // self.rule.window

    def _id_in(self, window: int) -> str:
        entropy = hashlib.sha256(f"{self.name}#{window}".encode()).digest()
        return "ld_" + ulid_of(_EPOCH + window * self.rule.window, entropy).lower()

    def lead_id(self, now: datetime) -> str:
        """The id of this request's lead if it arrives first at `now`."""
        return self._id_in(self._window(now))

    def previous_lead_id(self, now: datetime) -> str | None:
        """The previous window's id while a repeat of a request made in it can still arrive, else None."""
        window = self._window(now)
        if now - (_EPOCH + window * self.rule.window) < self.rule.overlap:
            return self._id_in(window - 1)
        return None

    def repeated_by(self, created_at: datetime, now: datetime) -> bool:
        """Whether a request arriving at `now` repeats this request's lead created at `created_at`."""
        return self._window(created_at) == self._window(now) or now - created_at < self.rule.overlap
