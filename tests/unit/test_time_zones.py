"""Zones come from the shipped tzdata package, never the host's database, and nothing but a zone is a zone."""

import zoneinfo
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest

from leadrouter.domain.company import CompanySettings
from leadrouter.domain.routes import local_moment
from leadrouter.domain.time_zones import zone


@pytest.fixture
def host_database(tmp_path: Path) -> Iterator[Path]:
    """A host zone database of our own, holding a zone that tzdata does not have."""
    (tmp_path / "Host").mkdir()
    (tmp_path / "Host" / "Only").write_bytes(resources.files("tzdata.zoneinfo").joinpath("UTC").read_bytes())
    zoneinfo.reset_tzpath(to=[str(tmp_path)])
    try:
        yield tmp_path
    finally:
        zoneinfo.reset_tzpath()


def test_a_zone_reads_the_wall_clock_of_the_shipped_database() -> None:
    summer, winter = datetime(2026, 7, 1, 15, tzinfo=UTC), datetime(2026, 1, 15, 15, tzinfo=UTC)
    assert local_moment(summer, "America/Chicago").hour == 10
    assert local_moment(winter, "America/Chicago").hour == 9
    assert winter.astimezone(zone("Etc/GMT+5")).hour == 10


def test_the_host_database_is_never_read(host_database: Path) -> None:
    assert zoneinfo.ZoneInfo("Host/Only").key == "Host/Only"  # Python's own lookup would find it
    with pytest.raises(zoneinfo.ZoneInfoNotFoundError):
        zone("Host/Only")


@pytest.mark.parametrize(
    "key", ["America", "../../etc/passwd", "/etc/localtime", "__init__", "America/../UTC", "Nowhere/Town", "", "a" * 65]
)
def test_a_key_that_is_not_a_zone_is_not_found(key: str) -> None:
    with pytest.raises(zoneinfo.ZoneInfoNotFoundError):
        zone(key)


def test_a_company_setting_accepts_only_zones_of_the_shipped_database() -> None:
    assert CompanySettings(time_zone="America/New_York").time_zone == "America/New_York"
    for bad in ("America", "Host/Only", "../UTC"):
        with pytest.raises(ValueError, match="unknown IANA time zone"):
            CompanySettings(time_zone=bad)
