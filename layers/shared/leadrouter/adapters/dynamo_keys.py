"""Key layout of the single table (docs/DATA_MODEL.md). Every key of company data starts with its company."""

META = "META"


def company_pk(company_id: str) -> str:
    return f"C#{company_id}"


def agent_sk(agent_id: int) -> str:
    return f"AGENT#{agent_id:010d}"


def office_sk(office_id: str) -> str:
    return f"OFFICE#{office_id}"


def route_sk(route_id: str) -> str:
    return f"ROUTE#{route_id}"


def cursor_key(company_id: str) -> dict[str, str]:
    return {"PK": f"C#{company_id}#RR", "SK": "RR"}


def ring_key(company_id: str, fingerprint: str) -> dict[str, str]:
    return {"PK": f"C#{company_id}#RR", "SK": f"RING#{fingerprint}"}


def standing_key(company_id: str, name: str) -> dict[str, str]:
    return {"PK": f"C#{company_id}#RR", "SK": f"STANDING#{name}"}


def lead_count_pk(company_id: str, kind: str, period: str) -> str:
    """One partition per company and period: the queue's read is one query per period, whatever the agents."""
    return f"C#{company_id}#COUNT#{kind}#{period}"


COUNT_PREFIX = "COUNT#"


def lead_count_sk(agent_id: int) -> str:
    # Not under `AGENT#`: the stream's consumer reads every `AGENT#` item as an agent.
    return f"{COUNT_PREFIX}{agent_id:010d}"


def queue_log_pk(company_id: str) -> str:
    """The round-robin queue's adjustments, by time."""
    return f"C#{company_id}#QUEUELOG"


def route_rotation_key(company_id: str, route_id: str) -> dict[str, str]:
    return {"PK": f"C#{company_id}#RR", "SK": f"ROUTE#{route_id}"}


def lead_key(company_id: str, lead_id: str) -> dict[str, str]:
    return {"PK": f"C#{company_id}#L#{lead_id}", "SK": "LEAD"}


def leads_timeline(company_id: str) -> str:
    return f"C#{company_id}#LEADS"


def leads_by_status(company_id: str, status: str) -> str:
    return f"C#{company_id}#STATUS#{status}"


def leads_by_agent(company_id: str, agent_id: int) -> str:
    return f"C#{company_id}#AGENT#{agent_id}"


def leads_by_office(company_id: str, office_id: str) -> str:
    return f"C#{company_id}#OFFICE#{office_id}"


def credential_key(key_hash: str) -> dict[str, str]:
    return {"PK": f"KEY#{key_hash}", "SK": "KEY"}


def company_credentials(company_id: str) -> str:
    return f"C#{company_id}#KEYS"


def ticket_key(token_hash: str) -> dict[str, str]:
    return {"PK": f"OFFERTOKEN#{token_hash}", "SK": "TOKEN"}


def agent_inbox(company_id: str, agent_id: int) -> str:
    return f"C#{company_id}#INBOX#{agent_id}"


def config_log_pk(company_id: str) -> str:
    """The partition of the company's configuration change log (one item per configuration version)."""
    return f"C#{company_id}#CONFIGLOG"


def config_log_sk(version: int) -> str:
    return f"V#{version:012d}"


def person_index_key(company_id: str, digest: str) -> dict[str, str]:
    """A person index item: keyed by a keyed hash of a normalised email or phone (domain/people.py)."""
    return {"PK": f"C#{company_id}#PERSON#{digest}", "SK": "PERSON"}


def leads_by_person(company_id: str, person_id: str) -> str:
    return f"C#{company_id}#PERSONLEADS#{person_id}"


def missed_offers_key(company_id: str, agent_id: int) -> dict[str, str]:
    # Not under `AGENT#`: the stream's consumer reads every `AGENT#` item as an agent.
    return {"PK": f"C#{company_id}#MISSES", "SK": f"MISSES#{agent_id:010d}"}


def back_link_key(token_hash: str) -> dict[str, str]:
    return {"PK": f"BACKTOKEN#{token_hash}", "SK": "TOKEN"}
