"""Who a bearer key speaks for, now: the one place that decides whether a stored key still counts.

An agent key counts only while its agent exists and is active: a deactivated agent's keys stop working at
once on every endpoint (their offers, their leads, the pool's claim and release), with the same 401 as a
revoked key, since to the contract (401: no or bad credential) the key is no longer a credential. The keys
are not deleted: reactivating the agent makes them work again. Other roles are not tied to an agent."""

from aws_lambda_powertools import Logger

from leadrouter.domain.principals import Principal, Role
from leadrouter.service.companies import KeyService
from leadrouter.service.ports import ConfigRepository

logger = Logger(child=True)


class Callers:
    def __init__(self, keys: KeyService, config: ConfigRepository) -> None:
        self._keys = keys
        self._config = config

    def principal(self, secret: str) -> Principal | None:
        """The caller behind `secret`, or None when it is not a key that counts now."""
        credential = self._keys.verify(secret)
        if credential is None:
            return None
        principal = credential.principal()
        if principal.role is Role.AGENT and not self._agent_active(principal):
            logger.info("refused the key of an inactive agent", extra={"key_id": principal.key_id})
            return None
        return principal

    def _agent_active(self, principal: Principal) -> bool:
        if principal.company_id is None or principal.agent_id is None:
            return False
        agent = self._config.load(principal.company_id).agents.get(principal.agent_id)
        return agent is not None and agent.active
