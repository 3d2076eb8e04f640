"""What a role's scope must name, for API keys and console users alike: an agent of the company for an
agent, at least one of its offices for an office manager, nothing for an admin. One rule, so that a key and
a console user of the same role always see the same leads."""

from collections.abc import Sequence

from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import InvalidInput
from leadrouter.domain.principals import Role


def check_scope(config: CompanyConfig, role: Role, agent_id: int | None, office_ids: Sequence[str], kind: str) -> None:
    """Raise InvalidInput unless `agent_id` and `office_ids` fit `role` in `config`; `kind` names the holder
    in the message ("key", "user")."""
    if role is Role.OPERATOR:
        raise InvalidInput(f"role: operator {kind}s come from the command line tool, not from a company")
    if role is Role.AGENT:
        if agent_id is None or agent_id not in config.agents:
            raise InvalidInput(f"agent_id: an agent {kind} needs the id of an agent of this company")
        if office_ids:
            raise InvalidInput(f"office_ids: only office manager {kind}s have offices")
    elif role is Role.OFFICE_MANAGER:
        if not office_ids:
            raise InvalidInput(f"office_ids: an office manager {kind} needs at least one office")
        unknown = [office for office in office_ids if office not in config.offices]
        if unknown:
            raise InvalidInput(f"office_ids: no office {', '.join(unknown)} in this company")
        if agent_id is not None:
            raise InvalidInput(f"agent_id: only agent {kind}s name an agent")
    elif agent_id is not None or office_ids:
        raise InvalidInput(f"an admin {kind} has neither agent_id nor office_ids")
