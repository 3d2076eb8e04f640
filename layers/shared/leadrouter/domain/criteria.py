"""Advanced distribution: does an agent's criteria match a lead? The definition, one agent at a time; the
routing index answers the same question for every agent of a configuration at once (and is tested
against this)."""

from leadrouter.domain.agents import Criteria
from leadrouter.domain.leads import Interest


def fold(value: str) -> str:
    """Text criteria and MLS ids compare like this: surrounding spaces and case do not count."""
    return value.strip().casefold()


def _in(value: str | None, allowed: list[str]) -> bool:
    return value is not None and fold(value) in {fold(item) for item in allowed}


def criteria_match(criteria: Criteria, source: str, interest: Interest | None) -> bool:
    """A set criterion matches only a lead that carries that value and satisfies it; no criteria match all."""
    interest = interest or Interest()
    checks: list[bool] = []
    if criteria.zips is not None:
        checks.append(_in(interest.zip, criteria.zips))
    if criteria.cities is not None:
        checks.append(_in(interest.city, criteria.cities))
    if criteria.types is not None:
        checks.append(interest.type is not None and interest.type in criteria.types)
    if criteria.price_min is not None:
        checks.append(interest.price is not None and interest.price >= criteria.price_min)
    if criteria.price_max is not None:
        checks.append(interest.price is not None and interest.price <= criteria.price_max)
    if criteria.sources is not None:
        checks.append(_in(source, criteria.sources))
    return all(checks)
