"""Who is calling: an API key's role and scope, as the authorizer vouches for it."""

from dataclasses import dataclass, field
from enum import StrEnum

from leadrouter.domain.errors import Forbidden


class Role(StrEnum):
    OPERATOR = "operator"
    ADMIN = "admin"
    OFFICE_MANAGER = "office_manager"
    AGENT = "agent"


@dataclass(frozen=True)
class Principal:
    role: Role
    company_id: str | None
    key_id: str
    agent_id: int | None = None
    office_ids: tuple[str, ...] = field(default_factory=tuple)

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            # Every role's name starts with a vowel (admin, agent, office_manager, operator).
            raise Forbidden(f"An {self.role.value.replace('_', ' ')} key may not do this.")

    @property
    def company(self) -> str:
        """The company this key belongs to; operators have none and may not act on company data."""
        if self.company_id is None:
            raise Forbidden("An operator key only creates companies.")
        return self.company_id
