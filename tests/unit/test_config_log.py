"""Applying change-log entries to a cached configuration (adapters/dynamo_config_log.py): in version order,
into a new object, leaving the cached one as it was."""

from typing import Any

from leadrouter.adapters.dynamo_config_log import applied
from tests.support.fakes import agent, company


def entry(
    version: int, puts: list[dict[str, Any]] | None = None, deletes: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    return {"version": version, "puts": puts or [], "deletes": deletes or [], **extra}


def stored(sk: str, values: dict[str, Any]) -> dict[str, Any]:
    return {"SK": sk, **values}


def test_entries_apply_in_order_to_a_new_configuration() -> None:
    cached = company(agent(1), agent(2))
    renamed = agent(2, name="Bea Renamed").model_dump(mode="json")
    office = {"office_id": "north", "name": "North"}

    fresh = applied(
        cached,
        [
            entry(1, [stored("AGENT#0000000002", renamed), stored("OFFICE#north", office)]),
            entry(2, deletes=["OFFICE#north"]),
            entry(3, settings={**cached.settings.model_dump(mode="json"), "auto_assign_enabled": True}),
        ],
    )

    assert fresh is not cached
    assert fresh.version == 3
    assert fresh.settings.auto_assign_enabled
    assert fresh.agents[2].name == "Bea Renamed"
    assert fresh.offices == {}
    assert (cached.version, cached.agents[2].name, cached.settings.auto_assign_enabled) == (0, "Bea", False)


def test_an_office_put_after_its_delete_is_back() -> None:
    office = {"office_id": "north", "name": "North"}
    fresh = applied(company(), [entry(1, deletes=["OFFICE#north"]), entry(2, [stored("OFFICE#north", office)])])
    assert fresh.offices["north"].name == "North"
