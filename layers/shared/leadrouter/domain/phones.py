"""Phone numbers as E.164 (+<country><number>), the one form SNS texts: read with phonenumbers, so that
"(312) 555-0100" and "+1 312 555 0100" are the same number and a typo is known before a text is sent."""

from typing import Final

# Phones written without a country code are read as numbers of this country (the brokerages the service is
# built for are in the United States); a number with a leading + is read as it says. A lead's phone is read
# in its company's `phone_region` (domain/people.py), and so is an agent's texting phone when it is written
# (domain/agents.py, given the region by service/configuration.py); this one reads what is left.
DEFAULT_PHONE_REGION: Final = "US"


def e164(phone: str, region: str = DEFAULT_PHONE_REGION) -> str | None:
    """`phone` as +<country><number>; None when it is not a valid number (a typo, too few digits)."""
    # Imported here: its metadata is loaded only by requests that read a phone (cold starts).
    import phonenumbers

    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
