"""Routing > Settings and Routing > Offices, for admins: every company setting `PUT /v1/settings` accepts,
grouped and named as seed 004's Settings > Configuration > Lead names them (the settings added since in
groups of their own), each with one line of help and the control its values call for; and the offices, to
add, rename and delete.

Guarantees: a save goes through the same configuration service as the API, so a bad value is refused with
the API's words and changes nothing; the form names the fingerprint of the settings it showed, and a save
made on settings someone else changed since is refused (409) instead of overwriting theirs. Every field of
the API's SettingsChange has a control here (tests/integration/test_console_settings.py checks it)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from aws_lambda_powertools.event_handler import Response

from leadrouter.api.resolver import new_router
from leadrouter.console.web import Session, acted, checked_form, known_id, page, session_of
from leadrouter.domain.agents import Agent
from leadrouter.domain.company import CompanySettings
from leadrouter.domain.errors import InvalidInput
from leadrouter.domain.principals import Role
from leadrouter.domain.time_zones import zone_names
from leadrouter.wiring import services

router = new_router()

Control = Literal["check", "duration", "count", "choice", "agent", "lines", "email"]
Choices = tuple[tuple[str, str], ...]

# A duration is typed as a number and a unit; it is shown in the largest unit that holds it exactly, so the
# page shows what is stored and saving it unchanged stores the same number of seconds.
UNITS: Final = (("days", 86_400), ("hours", 3_600), ("minutes", 60), ("seconds", 1))
VERSION_FIELD: Final = "settings_version"
OFFICE_ID_PATTERN: Final = r"^[a-z0-9][a-z0-9_-]{0,62}$"


def _phone_regions() -> Choices:
    import phonenumbers  # only this page pays for its import, as a settings write does

    return tuple((code, code) for code in sorted(phonenumbers.SUPPORTED_REGIONS))


def _time_zones() -> Choices:
    return tuple((name, name) for name in zone_names())


@dataclass(frozen=True)
class Setting:
    name: str  # the API's field
    label: str  # as seed 004 names it (the later settings: in the same style)
    help: str
    control: Control
    # "count": the unit shown after the number; "choice": the values and their words
    unit: str = ""
    choices: Callable[[], Choices] = field(default=lambda: ())
    # An empty field stores null (no default agent, no escalation, no limit, never away...)
    optional: bool = False


@dataclass(frozen=True)
class Group:
    title: str
    where: str
    settings: tuple[Setting, ...]


GROUPS: Final = (
    Group(
        "Lead",
        "Settings > Configuration > Lead",
        (
            Setting(
                "default_agent_id",
                "Default Agent for Lead Assignment",
                "A lead that no agent code, chosen agent or exclusive listing places goes to this agent.",
                "agent",
                optional=True,
            ),
            Setting(
                "default_broker_id",
                "Default Broker",
                "Gets those leads instead when the default agent is not set or is inactive.",
                "agent",
                optional=True,
            ),
            Setting(
                "advanced_distribution_enabled",
                "Advanced Lead Distribution Enabled?",
                "A lead goes to a random agent whose distribution criteria match it.",
                "check",
            ),
            Setting(
                "auto_assign_enabled",
                "Auto Assign Leads?",
                "Leads go in turn to the agents in the auto assignment queue (round robin, by ascending id).",
                "check",
            ),
            Setting(
                "agents_can_claim_unassigned",
                "Let Agents Claim Unassigned Leads?",
                "Agents with lead management see the Unassigned Leads pool and may claim any lead in it.",
                "check",
            ),
            Setting(
                "acceptance_required",
                "Agents Accept/Reject Leads?",
                "An agent accepts a lead before seeing its contact details; a rejected lead goes to their "
                "Rejected Lead Agent or the pool.",
                "check",
            ),
            Setting(
                "acceptance_timeout_seconds",
                "Lead Acceptance Time",
                "How long an agent has to accept or reject a new lead; running out counts as a reject.",
                "duration",
            ),
        ),
    ),
    Group(
        "Sales",
        "Settings > Configuration > Lead > Sales",
        (
            Setting(
                "skip_exclusive_listing_assignment",
                "Skip Auto Exclusive Property Lead Assignment?",
                "When checked, a lead from an MLS exclusive listing does not go to the listing's agent (by MLS ID).",
                "check",
            ),
        ),
    ),
    Group(
        "Lead Settings",
        "Settings > Configuration > Lead > Lead Settings",
        (
            Setting(
                "click_to_claim_enabled",
                "Click to Claim Leads Enabled?",
                "Click-to-claim agents get a claim email for each lead; the first to click gets it.",
                "check",
            ),
            Setting(
                "claim_link_ttl_seconds",
                "Claim Link Lifetime",
                "How long the link in a claim email works.",
                "duration",
            ),
        ),
    ),
    Group(
        "Returning leads",
        "Added after the first release: a person who comes back",
        (
            Setting(
                "returning_leads",
                "Returning Leads",
                "Where a new lead goes when an active agent holds an earlier lead of the same person; offered "
                "first, it is routed as new if they pass.",
                "choice",
                choices=lambda: (
                    ("owner", "Assign to the earlier lead's agent"),
                    ("offer_owner_first", "Offer to that agent first"),
                    ("new", "Route as a new lead"),
                ),
            ),
            Setting(
                "owner_window_seconds",
                "Owner's Claim Window",
                "How long that agent has to claim the lead when it is offered to them first.",
                "duration",
            ),
            Setting(
                "ownership_days",
                "Ownership Lasts",
                "An earlier lead older than this no longer makes its agent the owner; empty: no limit.",
                "count",
                unit="days",
                optional=True,
            ),
        ),
    ),
    Group(
        "Escalation",
        "Added after the first release: leads nobody takes",
        (
            Setting(
                "escalate_unclaimed_after_seconds",
                "Escalate Unclaimed Leads After",
                "A lead still without an agent this long after it came in is emailed once to its office's "
                "managers and the addresses below; empty: never.",
                "duration",
                optional=True,
            ),
            Setting(
                "escalation_emails",
                "Escalation Emails",
                "Who else gets those emails: one address a line.",
                "lines",
            ),
        ),
    ),
    Group(
        "Fair share and presence",
        "Added after the first release: the round robin and who is away",
        (
            Setting(
                "fair_share_on_return",
                "Agent Back in the Queue",
                "Where an agent who is eligible again (back from away, reactivated) starts in the round robin.",
                "choice",
                choices=lambda: (
                    ("start_even", "Starts even with the others"),
                    ("keep_place", "Keeps their count (catches up)"),
                ),
            ),
            Setting(
                "auto_away_after_misses",
                "Auto-Away After Missed Offers",
                "An agent who lets this many offers in a row run out is set away; empty: never.",
                "count",
                unit="offers in a row",
                optional=True,
            ),
        ),
    ),
    Group(
        "Company",
        "The company as a whole",
        (
            Setting(
                "time_zone",
                "Time Zone",
                "Route conditions, working hours and lead caps are read in this zone.",
                "choice",
                choices=_time_zones,
            ),
            Setting(
                "phone_region",
                "Phone Region",
                "Where a phone number written without a country code is from (two letters, e.g. US).",
                "choice",
                choices=_phone_regions,
            ),
            Setting(
                "sender_email",
                "Sender Email",
                "The address the company's emails come from; empty: the service's own.",
                "email",
                optional=True,
            ),
            Setting(
                "allowed_origins",
                "Allowed Website Origins",
                "The websites (https://host) whose pages may send leads from a browser: one a line.",
                "lines",
            ),
        ),
    ),
)
SETTINGS: Final = tuple(setting for group in GROUPS for setting in group.settings)


def _admin() -> Session:
    session = session_of(router)
    session.principal.require(Role.ADMIN)
    return session


def in_units(seconds: int | None) -> tuple[str, str]:
    """A stored duration as the form shows it: (number, unit)."""
    if seconds is None:
        return "", "minutes"
    unit, size = next((unit, size) for unit, size in UNITS if seconds % size == 0)
    return str(seconds // size), unit


def _number(text: str) -> int | str | None:
    """The number typed; text that is not one goes to the service as it is, which refuses it in the API's
    words."""
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return text


def form_value(setting: Setting, form: Mapping[str, str]) -> Any:
    """What one control sends, as the API's field takes it. Only the unit is checked here; the values are
    the service's to check."""
    raw = form.get(setting.name, "")
    match setting.control:
        case "check":
            return setting.name in form
        case "lines":
            return [line.strip() for line in raw.splitlines() if line.strip()]
        case "duration":
            number = _number(raw)
            sizes = dict(UNITS)
            unit = form.get(f"{setting.name}_unit", "")
            if unit not in sizes:
                raise InvalidInput(f"{setting.name}: choose the unit (days, hours, minutes or seconds)")
            return number * sizes[unit] if isinstance(number, int) else number
        case "count" | "agent":
            return _number(raw)
        case "email":
            return raw.strip() or None
        case "choice":
            return raw


def shown(setting: Setting, settings: CompanySettings) -> dict[str, Any]:
    """One control as the page draws it."""
    value = getattr(settings, setting.name)
    control: dict[str, Any] = {"setting": setting, "value": value}
    if setting.control == "duration":
        control["number"], control["unit"] = in_units(value)
    elif setting.control == "lines":
        control["text"] = "\n".join(value)
    elif setting.control == "choice":
        choices = setting.choices()
        # A stored value the list lacks (a zone a later tzdata dropped) stays chosen: saving the page
        # unchanged must never change it to the first of the list.
        known = any(choice == value for choice, _ in choices)
        control["choices"] = choices if known else ((str(value), str(value)), *choices)
    return control


@router.get("/app/routing")
def settings_page() -> Response[str]:
    session = _admin()
    config = services().configuration.load(session.principal.company)
    settings = config.company.settings
    agents: list[Agent] = sorted(config.agents.values(), key=lambda agent: (agent.name, agent.agent_id))
    return page(
        router,
        "routing_settings.html.j2",
        session=session,
        title="Routing settings",
        active="routing",
        section="settings",
        groups=[(group, [shown(setting, settings) for setting in group.settings]) for group in GROUPS],
        agents=agents,
        units=[unit for unit, _ in UNITS],
        version=settings.fingerprint(),
        version_field=VERSION_FIELD,
    )


@router.post("/app/routing")
def save_settings() -> Response[str]:
    session = _admin()
    form = checked_form(router, session)
    location = f"{session.place.root}/routing"

    def save() -> None:
        changes = {setting.name: form_value(setting, form) for setting in SETTINGS}
        services().configuration.update_settings(
            session.principal.company, changes, read_at=form.get(VERSION_FIELD, "")
        )

    return acted(session, save, "The settings are saved.", location)


# Offices ---------------------------------------------------------------------------------------------------


def _office_id(office_id: str) -> str:
    return known_id(OFFICE_ID_PATTERN, office_id, "office")


@router.get("/app/routing/offices")
def offices_page() -> Response[str]:
    session = _admin()
    config = services().configuration.load(session.principal.company)
    members: dict[str, int] = {}
    for agent in config.agents.values():
        if agent.office_id is not None:  # inactive agents too: they keep an office from being deleted
            members[agent.office_id] = members.get(agent.office_id, 0) + 1
    return page(
        router,
        "routing_offices.html.j2",
        session=session,
        title="Offices",
        active="routing",
        section="offices",
        offices=services().configuration.offices(session.principal),
        members=members,
    )


def _offices_changed(
    act: Callable[[str, dict[str, str]], object], done: Callable[[dict[str, str]], str]
) -> Response[str]:
    """An admin's change of the offices, with the page's form (its fields trimmed): back to the list with
    the notice `done` words, or the service's refusal."""
    session = _admin()
    form = {name: value.strip() for name, value in checked_form(router, session).items()}
    return acted(
        session,
        lambda: act(session.principal.company, form),
        done(form),
        f"{session.place.root}/routing/offices",
    )


@router.post("/app/routing/offices")
def add_office() -> Response[str]:
    return _offices_changed(
        lambda company, form: services().configuration.create_office(
            company, {"name": form.get("name", ""), "office_id": form.get("office_id") or None}
        ),
        lambda form: f"Office {form.get('name', '')} is added.",
    )


@router.post("/app/routing/offices/<office_id>/rename")
def rename_office(office_id: str) -> Response[str]:
    office_id = _office_id(office_id)
    return _offices_changed(
        lambda company, form: services().configuration.replace_office(
            company, office_id, {"name": form.get("name", "")}
        ),
        lambda form: f"Office {office_id} is now called {form.get('name', '')}.",
    )


@router.post("/app/routing/offices/<office_id>/delete")
def delete_office(office_id: str) -> Response[str]:
    office_id = _office_id(office_id)
    return _offices_changed(
        lambda company, _: services().configuration.delete_office(company, office_id),
        lambda _: f"Office {office_id} is deleted.",
    )
