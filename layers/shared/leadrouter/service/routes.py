"""Routes as configuration (admins): stored with the company's other configuration items, so the config version
and the warm-Lambda cache cover them. Each write is checked against the configuration it read (members
exist, no other active route has the same priority: the members' items and the item of the active routes'
priorities are read, not the agents or the routes) and stored only if that configuration is still current;
when another change came first, the write is checked again on the fresh configuration.
"""

from typing import Any

from pydantic import ValidationError

from leadrouter.domain.errors import InvalidInput, NotFound
from leadrouter.domain.ids import new_ulid
from leadrouter.domain.ports import Clock, RandomSource
from leadrouter.domain.routes import Route, priorities_with, priorities_without
from leadrouter.service.config_writes import at_current_version
from leadrouter.service.configuration import validation_message
from leadrouter.service.ports import ConfigReads, ConfigRepository


def new_route_id(clock: Clock, rng: RandomSource) -> str:
    return "rt_" + new_ulid(clock.now(), rng).lower()


def validated_route(config: ConfigReads, body: dict[str, Any]) -> Route:
    """A route that fits this company: every member an agent of it, a priority no other active route has."""
    try:
        route = Route.model_validate(body)
    except ValidationError as error:
        raise InvalidInput(validation_message(error)) from error
    unknown = config.missing_agents(route.members)
    if unknown:
        raise InvalidInput(f"members: no agent {', '.join(map(str, unknown))} in this company")
    holder = config.route_priorities().get(route.priority) if route.active else None
    if holder is not None and holder.route_id != route.route_id:
        raise InvalidInput(
            f"priority: the active route '{holder.name}' ({holder.route_id}) already has priority "
            f"{route.priority}; priorities of active routes must differ"
        )
    return route


class RouteService:
    def __init__(self, config: ConfigRepository, clock: Clock, rng: RandomSource) -> None:
        self._config = config
        self._clock = clock
        self._rng = rng

    def routes(self, company_id: str) -> list[Route]:
        """Every route, in the order the cascade tries them (inactive ones too)."""
        return self._config.load(company_id).routes_by_priority()

    def route(self, company_id: str, route_id: str) -> Route:
        route = self._config.load(company_id).routes.get(route_id)
        if route is None:
            raise NotFound(f"No route {route_id}.")
        return route

    def create(self, company_id: str, body: dict[str, Any]) -> Route:
        route_id = new_route_id(self._clock, self._rng)

        def write(config: ConfigReads) -> Route:
            route = validated_route(config, {**body, "route_id": route_id})
            held = priorities_with(config.route_priorities(), route)
            self._config.put_route(company_id, route, False, config.version, held)
            return route

        return at_current_version(self._config, company_id, write)

    def replace(self, company_id: str, route_id: str, body: dict[str, Any]) -> Route:
        def write(config: ConfigReads) -> Route:
            if config.route(route_id) is None:
                raise NotFound(f"No route {route_id}.")
            route = validated_route(config, {**body, "route_id": route_id})
            held = priorities_with(config.route_priorities(), route)
            self._config.put_route(company_id, route, True, config.version, held)
            return route

        return at_current_version(self._config, company_id, write)

    def delete(self, company_id: str, route_id: str) -> None:
        """Leads already inside the route's chain finish it (their offers carry the route as it matched)."""

        def write(config: ConfigReads) -> None:
            if config.route(route_id) is None:
                raise NotFound(f"No route {route_id}.")
            held = priorities_without(config.route_priorities(), route_id)
            self._config.delete_route(company_id, route_id, config.version, held)

        at_current_version(self._config, company_id, write)
