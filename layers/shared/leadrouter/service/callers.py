"""Who a bearer key speaks for, now: the one place that decides whether a stored key still counts.

An agent key counts only while its agent exists and is active: a deactivated agent's keys stop working at
once on every endpoint (their offers, their leads, the pool's claim and release), with the same 401 as a
revoked key, since to the contract (401: no or bad credential) the key is no longer a credential. The keys
are not deleted: reactivating the agent makes them work again. Other roles are not tied to an agent.

This runs in the authorizer, before every request: whether an agent is active is read from the agent's own
item by the key lookup (KeyLookup.agent_active), never from the company's whole configuration, so an agent
key costs two reads at 5 agents and at 5,000, and no model library is loaded for any key."""

from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from leadrouter.domain.key_secrets import hash_secret, secret_matches
from leadrouter.domain.principals import Principal, Role

if TYPE_CHECKING:
    from leadrouter.service.ports import KeyLookup

logger = Logger(child=True)


class Callers:
    def __init__(self, keys: "KeyLookup") -> None:
        self._keys = keys

    def principal(self, secret: str) -> Principal | None:
        """The caller behind `secret`, or None when it is not a key that counts now."""
        stored = self._keys.find(hash_secret(secret))
        # The lookup is by hash already; the stored hash is still compared in constant time, so no code path
        # ever compares a secret-derived value with ==.
        if stored is None or not secret_matches(secret, stored.key_hash):
            return None
        principal = stored.principal
        if principal.role is Role.AGENT and not self._agent_active(principal):
            logger.info("refused the key of an inactive agent", extra={"key_id": principal.key_id})
            return None
        return principal

    def _agent_active(self, principal: Principal) -> bool:
        if principal.company_id is None or principal.agent_id is None:
            return False
        return self._keys.agent_active(principal.company_id, principal.agent_id)
