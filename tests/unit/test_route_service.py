"""Route writes are checked against the configuration they read and stored only if it is still current: a
concurrent write of the same priority is caught when the loser checks again."""

from dataclasses import replace

import pytest

from leadrouter.domain.config import CompanyConfig, StaleConfiguration
from leadrouter.domain.errors import InvalidInput
from leadrouter.domain.routes import ActivePriorities, Route
from leadrouter.service.routes import RouteService
from tests.support.fakes import FixedClock, MemoryConfigReads, ScriptedRandom, agent, company

BODY = {"name": "Weekend", "priority": 10, "members": [1]}


class RacingRepository:
    """Holds one company's configuration; `sneak_in` is stored by "someone else" just before our first write."""

    def __init__(self, config: CompanyConfig, sneak_in: Route | None = None) -> None:
        self.config = config
        self.sneak_in = sneak_in
        self.writes = 0

    def load(self, company_id: str) -> CompanyConfig:
        return self.config

    def reads(self, company_id: str) -> MemoryConfigReads:
        return MemoryConfigReads(self.config)

    def _store(self, route: Route) -> None:
        company_ = self.config.company.model_copy(update={"config_version": self.config.version + 1})
        self.config = replace(self.config, company=company_, routes={**self.config.routes, route.route_id: route})

    def put_route(
        self, company_id: str, route: Route, must_exist: bool, expected_version: int, priorities: ActivePriorities
    ) -> None:
        self.writes += 1
        if self.sneak_in is not None:
            self._store(self.sneak_in)
            self.sneak_in = None
        if expected_version != self.config.version:
            raise StaleConfiguration("changed meanwhile")
        self._store(route)

    def delete_route(self, company_id: str, route_id: str, expected_version: int, priorities: ActivePriorities) -> None:
        raise NotImplementedError


def service(repository: RacingRepository) -> RouteService:
    return RouteService(repository, FixedClock(), ScriptedRandom())  # type: ignore[arg-type]


def test_a_write_that_lost_a_race_is_checked_again_and_refused_for_the_same_priority() -> None:
    rival = Route(route_id=f"rt_{1:026d}", name="Rival", priority=10, members=[1])
    repository = RacingRepository(company(agent(1)), sneak_in=rival)

    with pytest.raises(InvalidInput, match="already has priority 10"):
        service(repository).create("co_test", BODY)

    assert list(repository.config.routes) == [rival.route_id]


def test_a_write_that_lost_a_race_to_an_unrelated_change_is_stored_on_the_second_try() -> None:
    other = Route(route_id=f"rt_{1:026d}", name="Other", priority=11, members=[1])
    repository = RacingRepository(company(agent(1)), sneak_in=other)

    created = service(repository).create("co_test", BODY)

    assert repository.writes == 2
    assert set(repository.config.routes) == {other.route_id, created.route_id}
    assert created.route_id.startswith("rt_")
