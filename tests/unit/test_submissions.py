"""Reading a lead leniently: what cannot be read is left out and named, what remains must be reachable."""

import pytest
from pydantic import ValidationError

from leadrouter.domain.submissions import read_submission


def test_a_readable_lead_leaves_nothing_out() -> None:
    read = read_submission({"email": "pat@example.net", "interest": {"price": "$450,000"}})
    assert read.left_out == ()
    assert read.submission.interest is not None
    assert read.submission.interest.price == 450_000


def test_every_unreadable_optional_field_is_left_out_and_named_as_forms_name_it() -> None:
    read = read_submission(
        {
            "email": "pat@example.net",
            "phone": "call me",
            "chosen_agent_id": "Dana",
            "interest": {"type": "lease", "price": "4.5m", "city": "Chicago"},
            "listing": "not an object",
        }
    )
    assert sorted(read.left_out) == ["chosen_agent_id", "interest.price", "interest.type", "listing", "phone"]
    assert read.submission.interest is not None
    assert read.submission.interest.city == "Chicago"
    assert read.submission.phone is None


def test_a_lead_without_a_readable_email_or_phone_is_refused_naming_what_was_wrong() -> None:
    with pytest.raises(ValidationError) as refused:
        read_submission({"email": "pat-at-example.net", "first_name": "Pat"})
    assert [problem["loc"] for problem in refused.value.errors()] == [("email",)]
    with pytest.raises(ValidationError, match="email or a phone"):
        read_submission({"first_name": "Pat"})


@pytest.mark.parametrize("chosen", [True, False, 10**38, [1]])
def test_a_value_of_the_wrong_json_type_is_refused_not_left_out(chosen: object) -> None:
    # A website's script sending a boolean or an out-of-range number as an id is a bug to show, not a typo.
    with pytest.raises(ValidationError) as refused:
        read_submission({"email": "pat@example.net", "chosen_agent_id": chosen})
    assert refused.value.errors()[0]["loc"] == ("chosen_agent_id",)
