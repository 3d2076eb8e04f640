"""Intake exactly once, with Powertools' idempotency utility: an `Idempotency-Key` header makes the first
answer stick for a day; without one, the same payload to the same company within a short window is the
same lead (a double-clicked submit button, a retried request).

Powertools' record answers a retry once the first attempt finished, and refuses one while it runs. A
retry after an attempt that was cut off (a Lambda timeout lets its in-progress record expire) runs again;
the intake's receipt, written before the lead under the same request key, then resumes the stored lead."""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    BasePersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.domain.leads import LeadSubmission
from leadrouter.service.intake import IntakeService, RequestKey

KEY_TTL_SECONDS = 24 * 3600
PAYLOAD_WINDOW_SECONDS = 10 * 60


class IdempotentIntake:
    def __init__(self, intake: IntakeService, by_key: BasePersistenceLayer, by_payload: BasePersistenceLayer) -> None:
        """One store per rule: a Powertools store takes the configuration of its first call and keeps it for
        the life of the container, so a store shared by the two rules would apply the first request's rule
        to every later one (a keyed request, then every unkeyed lead answered as the same lead)."""
        self._intake = intake
        self._key_config = IdempotencyConfig(
            event_key_jmespath="[company_id, idempotency_key]",
            payload_validation_jmespath="submission",
            expires_after_seconds=KEY_TTL_SECONDS,
            raise_on_no_idempotency_key=True,
        )
        self._payload_config = IdempotencyConfig(
            event_key_jmespath="[company_id, submission]", expires_after_seconds=PAYLOAD_WINDOW_SECONDS
        )
        self._by_key = idempotent_function(
            data_keyword_argument="request", persistence_store=by_key, config=self._key_config
        )(self._run)
        self._by_payload = idempotent_function(
            data_keyword_argument="request", persistence_store=by_payload, config=self._payload_config
        )(self._run)

    def register_lambda_context(self, context: LambdaContext | None) -> None:
        """Lets an in-progress record expire with the invocation, so a timed-out attempt can be retried."""
        if context is not None:
            self._key_config.register_lambda_context(context)
            self._payload_config.register_lambda_context(context)

    def _run(self, request: dict[str, Any]) -> dict[str, str]:
        submission = LeadSubmission.model_validate(request["submission"])
        keyed = bool(request["idempotency_key"])
        named_by = [request["company_id"], request["idempotency_key"] if keyed else request["submission"]]
        digest = hashlib.sha256(json.dumps(named_by, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
        key = RequestKey(digest, KEY_TTL_SECONDS if keyed else PAYLOAD_WINDOW_SECONDS)
        return self._intake.submit(
            request["company_id"], submission, request.get("link_base_url"), key, request.get("left_out", ())
        ).as_dict()

    def submit(
        self,
        company_id: str,
        submission: LeadSubmission,
        idempotency_key: str | None,
        link_base_url: str | None = None,
        left_out: Sequence[str] = (),
    ) -> dict[str, str]:
        if submission.is_spam:
            # Nothing is stored for a bot, not even an idempotency record.
            return self._intake.submit(company_id, submission).as_dict()
        request = {
            "company_id": company_id,
            "idempotency_key": idempotency_key,
            # Not part of the idempotency key (the jmespath selects company, key and submission).
            "link_base_url": link_base_url,
            "left_out": list(left_out),
            "submission": submission.model_dump(mode="json", exclude_none=True),
        }
        if idempotency_key:
            return self._by_key(request=request)  # type: ignore[no-any-return]
        return self._by_payload(request=request)  # type: ignore[no-any-return]
