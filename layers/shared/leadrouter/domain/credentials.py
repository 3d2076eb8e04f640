"""API keys as stored and listed (the secrets themselves: domain/key_secrets.py)."""

from datetime import datetime
from typing import Annotated

from pydantic import Field

from leadrouter.domain.agents import OfficeId
from leadrouter.domain.errors import Conflict
from leadrouter.domain.model import AgentNumber, Model
from leadrouter.domain.principals import Role


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
