"""Creating companies and recovering their admin access (operators); issuing, listing and revoking API keys
(admins)."""

from dataclasses import dataclass

from aws_lambda_powertools import Logger

from leadrouter.domain.company import Company, CompanySettings
from leadrouter.domain.credentials import Credential
from leadrouter.domain.errors import InvalidInput
from leadrouter.domain.ids import new_company_id
from leadrouter.domain.key_secrets import hash_secret, new_key_id, new_secret
from leadrouter.domain.ports import Clock, RandomSource
from leadrouter.domain.principals import Role
from leadrouter.service.ports import ConfigRepository, CredentialRepository

logger = Logger(child=True)


@dataclass(frozen=True)
class IssuedKey:
    credential: Credential
    secret: str


class KeyService:
    def __init__(self, credentials: CredentialRepository, clock: Clock, rng: RandomSource) -> None:
        self._credentials = credentials
        self._clock = clock
        self._rng = rng

    def issue(
        self,
        role: Role,
        company_id: str | None,
        agent_id: int | None = None,
        office_ids: list[str] | None = None,
        label: str | None = None,
        issued_by: str | None = None,
    ) -> IssuedKey:
        secret = new_secret(self._rng)
        credential = Credential(
            key_id=new_key_id(self._rng),
            key_hash=hash_secret(secret),
            role=role,
            company_id=company_id,
            agent_id=agent_id,
            office_ids=office_ids or [],
            label=label,
            created_at=self._clock.now(),
            issued_by=issued_by,
        )
        self._credentials.put(credential)
        return IssuedKey(credential, secret)

    def list(self, company_id: str) -> list[Credential]:
        return self._credentials.list_for_company(company_id)

    def revoke(self, company_id: str, key_id: str) -> None:
        """Revoke a key; 409 (LastAdminKey) for the company's last admin key."""
        self._credentials.delete(company_id, key_id)


class CompanyService:
    def __init__(self, config: ConfigRepository, keys: KeyService, clock: Clock, rng: RandomSource) -> None:
        self._config = config
        self._keys = keys
        self._clock = clock
        self._rng = rng

    def create(self, name: str, time_zone: str, issued_by: str | None = None) -> tuple[Company, IssuedKey]:
        now = self._clock.now()
        try:
            settings = CompanySettings(time_zone=time_zone)
        except ValueError as error:
            raise InvalidInput(f"time_zone: unknown IANA time zone {time_zone!r}") from error
        company = Company(company_id=new_company_id(now, self._rng), name=name, created_at=now, settings=settings)
        self._config.create_company(company)
        admin_key = self._keys.issue(Role.ADMIN, company.company_id, label="first admin key", issued_by=issued_by)
        return company, admin_key

    def recover_admin_key(self, company_id: str, reason: str, issued_by: str) -> IssuedKey:
        """A new admin key for a company that lost its own (an operator's recovery path): it needs none of
        the company's keys, and the key records who issued it, when, and why."""
        self._config.company(company_id)  # NotFound for a company that does not exist (one item, not its agents)
        issued = self._keys.issue(Role.ADMIN, company_id, label=f"recovery: {reason}", issued_by=issued_by)
        logger.info(
            "admin key issued for recovery",
            extra={"company_id": company_id, "key_id": issued.credential.key_id, "issued_by": issued_by},
        )
        return issued
