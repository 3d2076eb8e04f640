"""API keys: shown once, stored only as a SHA-256 hash (keys carry 256 random bits, so a slow hash adds
nothing), compared in constant time."""

import base64
import hashlib
import hmac
from datetime import datetime
from typing import Annotated

from pydantic import Field

from leadrouter.domain.agents import OfficeId
from leadrouter.domain.errors import Conflict
from leadrouter.domain.model import AgentNumber, Model
from leadrouter.domain.ports import RandomSource
from leadrouter.domain.principals import Principal, Role

KEY_PREFIX = "lrk_"


class LastAdminKey(Conflict):
    """A company keeps at least one admin key: without one nobody could act for it (operators only create
    companies and issue recovery keys)."""

    def __init__(self) -> None:
        super().__init__(
            "This is the company's last admin key: revoking it would leave nobody able to act for the company. "
            "Issue another admin key first, then revoke this one."
        )


class Credential(Model):
    key_id: str
    key_hash: str
    role: Role
    company_id: str | None = None
    agent_id: AgentNumber | None = None
    office_ids: list[OfficeId] = Field(default_factory=list)
    label: Annotated[str, Field(max_length=200)] | None = None
    created_at: datetime
    # Who issued the key: the issuing key's id, "company created", or the command line tool and its user.
    issued_by: str | None = None

    def principal(self) -> Principal:
        return Principal(
            role=self.role,
            company_id=self.company_id,
            key_id=self.key_id,
            agent_id=self.agent_id,
            office_ids=tuple(self.office_ids),
        )


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, key_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), key_hash)


def new_secret(rng: RandomSource) -> str:
    return KEY_PREFIX + base64.urlsafe_b64encode(rng.token_bytes(32)).decode().rstrip("=")


def new_key_id(rng: RandomSource) -> str:
    return "key_" + rng.token_bytes(8).hex()


def looks_like_key(secret: str) -> bool:
    return secret.startswith(KEY_PREFIX) and 20 < len(secret) < 100
