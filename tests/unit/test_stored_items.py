"""A configuration item read back from the table is not checked against the world again: its phone was read
as +<country><number> and its phone region checked when it was written (domain/model.STORED). A cold
container loading a company with texting agents imports no phonenumbers; a write still checks."""

import pytest
from pydantic import ValidationError

from leadrouter.adapters.dynamo_config_items import decode
from leadrouter.domain.agents import Agent
from leadrouter.domain.company import Company, CompanySettings
from tests.support.fresh_process import printed_by_fresh_process

META = {
    "PK": "C#co_01m87bqwswwsxrm5tmvc86had8",
    "SK": "META",
    "company_id": "co_01m87bqwswwsxrm5tmvc86had8",
    "name": "Lakeside Realty",
    "config_version": 7,
    "created_at": "2026-11-02T15:00:00+00:00",
    "settings": {"phone_region": "CA", "time_zone": "America/Toronto"},
}
TEXTING_AGENT = {
    "PK": "C#co_01m87bqwswwsxrm5tmvc86had8",
    "SK": "AGENT#0000000012",
    "agent_id": 12,
    "name": "Ana Ruiz",
    "email": "ana@lakeside.test",
    "phone": "+14165550100",
    "sms_enabled": True,
}


def test_a_stored_company_and_texting_agent_read_back_as_written() -> None:
    company, agent = decode(META), decode(TEXTING_AGENT)
    assert isinstance(company, Company)
    assert company.settings.phone_region == "CA"
    assert isinstance(agent, Agent)
    assert (agent.phone, agent.sms_enabled) == ("+14165550100", True)


def test_reading_them_back_in_a_fresh_process_imports_no_phonenumbers() -> None:
    code = (
        "import sys\n"
        "from leadrouter.adapters.dynamo_config_items import decode\n"
        f"decode({META!r}); decode({TEXTING_AGENT!r})\n"
        "print('phonenumbers' in sys.modules)"
    )
    assert printed_by_fresh_process(code) == "False"


def test_a_write_still_checks_the_region_and_the_texting_phone() -> None:
    with pytest.raises(ValidationError, match="unknown phone region"):
        CompanySettings.model_validate({"phone_region": "ZZ"})
    with pytest.raises(ValidationError, match="sms_enabled needs a phone"):
        Agent.model_validate({**_body(TEXTING_AGENT), "phone": "555-01"})
    written = Agent.model_validate({**_body(TEXTING_AGENT), "phone": "(416) 555-0100"}, context={"phone_region": "CA"})
    assert written.phone == "+14165550100"


def _body(item: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in item.items() if key not in ("PK", "SK")}
