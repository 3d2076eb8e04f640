"""Advanced distribution criteria (ROUTING.md, "Criteria"): set criteria are ANDed, text is case-insensitive,
a set criterion never matches a lead that lacks the value, and no criteria match everything."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadrouter.domain.agents import Criteria
from leadrouter.domain.criteria import criteria_match
from leadrouter.domain.leads import Interest
from tests.support.fakes import interest

# Zips ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lead_zip", "matches"),
    [("60601", True), ("60602", True), ("10001", False), (None, False)],
)
def test_zips(lead_zip: str | None, matches: bool) -> None:
    criteria = Criteria(zips=["60601", "60602"])

    assert criteria_match(criteria, "website", interest(zip=lead_zip)) is matches


@pytest.mark.parametrize("lead_zip", ["sw1a 1aa", "SW1A 1AA", "Sw1A 1aA", " sw1a 1aa "])
def test_zips_match_case_insensitively(lead_zip: str) -> None:
    assert criteria_match(Criteria(zips=["SW1A 1AA"]), "website", interest(zip=lead_zip)) is True


def test_zip_criterion_never_matches_a_lead_without_interest() -> None:
    assert criteria_match(Criteria(zips=["60601"]), "website", None) is False


# Cities -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("city", "matches"),
    [
        ("Chicago", True),
        ("chicago", True),
        ("CHICAGO", True),
        (" Chicago ", True),
        ("Evanston", True),
        ("Chicago Heights", False),
        ("Chicag", False),
        (None, False),
    ],
)
def test_cities(city: str | None, matches: bool) -> None:
    criteria = Criteria(cities=["Chicago", "EVANSTON"])

    assert criteria_match(criteria, "website", interest(city=city)) is matches


# Types --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lead_type", "matches"), [("buy", True), ("rent", True), ("sell", False), (None, False)])
def test_types(lead_type: str | None, matches: bool) -> None:
    criteria = Criteria(types=["buy", "rent"])

    assert criteria_match(criteria, "website", Interest.model_validate({"type": lead_type})) is matches


# Prices -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "matches"),
    [(300_000, True), (300_001, True), (299_999, False), (None, False)],
)
def test_price_min_is_inclusive(price: int | None, matches: bool) -> None:
    assert criteria_match(Criteria(price_min=300_000), "website", interest(price=price)) is matches


@pytest.mark.parametrize(
    ("price", "matches"),
    [(500_000, True), (0, True), (500_001, False), (None, False)],
)
def test_price_max_is_inclusive(price: int | None, matches: bool) -> None:
    assert criteria_match(Criteria(price_max=500_000), "website", interest(price=price)) is matches


def test_price_zero_is_a_price_not_a_missing_one() -> None:
    assert criteria_match(Criteria(price_min=0), "website", interest(price=0)) is True
    assert criteria_match(Criteria(price_min=0), "website", interest()) is False


@pytest.mark.parametrize(
    ("price", "matches"),
    [(199_999, False), (200_000, True), (350_000, True), (400_000, True), (400_001, False)],
)
def test_price_range(price: int, matches: bool) -> None:
    criteria = Criteria(price_min=200_000, price_max=400_000)

    assert criteria_match(criteria, "website", interest(price=price)) is matches


# Sources ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "matches"),
    [("zillow", True), ("Zillow", True), ("ZILLOW", True), ("open-house", True), ("website", False), ("", False)],
)
def test_sources(source: str, matches: bool) -> None:
    criteria = Criteria(sources=["Zillow", "open-house"])

    assert criteria_match(criteria, source, None) is matches


# Combinations -------------------------------------------------------------------------------------------

COMBINED = Criteria(
    zips=["60601"],
    cities=["Chicago"],
    types=["buy"],
    price_min=300_000,
    price_max=600_000,
    sources=["zillow"],
)
EVERYTHING_MATCHES = {"zip": "60601", "city": "chicago", "type": "buy", "price": 450_000}


def test_combined_criteria_match_a_lead_that_satisfies_all_of_them() -> None:
    assert criteria_match(COMBINED, "Zillow", Interest.model_validate(EVERYTHING_MATCHES)) is True


@pytest.mark.parametrize(
    ("change", "source"),
    [
        ({"zip": "10001"}, "zillow"),
        ({"city": "Evanston"}, "zillow"),
        ({"type": "sell"}, "zillow"),
        ({"price": 299_999}, "zillow"),
        ({"price": 600_001}, "zillow"),
        ({"price": None}, "zillow"),
        ({"zip": None}, "zillow"),
        ({}, "website"),
    ],
)
def test_combined_criteria_fail_when_any_one_fails(change: dict[str, object], source: str) -> None:
    lead_interest = Interest.model_validate({**EVERYTHING_MATCHES, **change})

    assert criteria_match(COMBINED, source, lead_interest) is False


def test_empty_criteria_match_a_lead_with_nothing() -> None:
    assert Criteria().is_empty()
    assert criteria_match(Criteria(), "", None) is True


def test_empty_criteria_match_a_lead_with_everything() -> None:
    assert criteria_match(Criteria(), "zillow", Interest.model_validate(EVERYTHING_MATCHES)) is True


# Properties ---------------------------------------------------------------------------------------------

interests = st.builds(
    Interest,
    type=st.sampled_from(["buy", "sell", "rent", None]),
    zip=st.none() | st.text(max_size=10),
    city=st.none() | st.text(max_size=100),
    price=st.none() | st.integers(min_value=0, max_value=10_000_000_000),
)
sources = st.text(max_size=64)


@given(lead_interest=st.none() | interests, source=sources)
def test_empty_criteria_match_any_lead(lead_interest: Interest | None, source: str) -> None:
    assert criteria_match(Criteria(), source, lead_interest) is True


ascii_words = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ -", min_size=1, max_size=30
).filter(str.strip)


@given(city=ascii_words, flips=st.lists(st.booleans(), min_size=30, max_size=30))
def test_city_matching_ignores_case(city: str, flips: list[bool]) -> None:
    recased = "".join(char.swapcase() if flip else char for char, flip in zip(city, flips, strict=False))

    assert criteria_match(Criteria(cities=[city]), "website", interest(city=recased)) is True


single_criteria = st.fixed_dictionaries(
    {},
    optional={
        "zips": st.lists(st.sampled_from(["60601", "60602", "10001"]), min_size=1, max_size=3),
        "cities": st.lists(st.sampled_from(["Chicago", "evanston"]), min_size=1, max_size=2),
        "types": st.lists(st.sampled_from(["buy", "sell", "rent"]), min_size=1, max_size=3),
        "price_min": st.integers(min_value=0, max_value=1_000_000),
        "sources": st.lists(st.sampled_from(["website", "Zillow"]), min_size=1, max_size=2),
    },
)
small_interests = st.builds(
    Interest,
    type=st.sampled_from(["buy", "sell", "rent", None]),
    zip=st.sampled_from(["60601", "60602", "10001", None]),
    city=st.sampled_from(["chicago", "EVANSTON", "Skokie", None]),
    price=st.none() | st.integers(min_value=0, max_value=1_000_000),
)


@given(fields=single_criteria, lead_interest=st.none() | small_interests, source=st.sampled_from(["website", "zillow"]))
def test_criteria_are_the_and_of_each_criterion_alone(
    fields: dict[str, object], lead_interest: Interest | None, source: str
) -> None:
    combined = Criteria.model_validate(fields)
    alone = [Criteria.model_validate({name: value}) for name, value in fields.items()]

    expected = all(criteria_match(one, source, lead_interest) for one in alone)
    assert criteria_match(combined, source, lead_interest) is expected
