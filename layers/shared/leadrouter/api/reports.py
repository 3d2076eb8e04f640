"""The reports brokers read: routing figures per agent, source, route, office or day (JSON, or CSV with
`Accept: text/csv`, the same rows), and the pool's waiting leads by age. Admins see the company, office
managers their offices."""

import csv
import io
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import ConfigDict, Field

from leadrouter.api.caller import caller
from leadrouter.api.resolver import new_router
from leadrouter.api.views import KEY_REQUIRED, documented
from leadrouter.domain.errors import InvalidInput
from leadrouter.domain.leads import LeadStatus
from leadrouter.domain.model import Model, Moment
from leadrouter.domain.principals import Principal, Role
from leadrouter.domain.reports import COUNTERS, MAX_REPORT_DAYS, Dimension, ReportRow
from leadrouter.domain.summaries import summary_of
from leadrouter.wiring import services

if TYPE_CHECKING:  # the report desk is imported when it is first built (wiring), not with the admin's routers
    from leadrouter.service.report_desk import PoolReport, RoutingReport

router = new_router()
CSV = "text/csv; charset=utf-8"
DEFAULT_DAYS = 30


class SpeedToLeadView(Model):
    median: int | None = Field(description="Seconds, nearest rank; exact to the second under 10 minutes.")
    p90: int | None


class RoutingRowView(Model):
    key: int | str | None = Field(
        description="The agent id, source, route id, office id or day (YYYY-MM-DD); null: no agent, route or office."
    )
    received: int
    offered: int
    claimed: int
    passed: int
    accepted: int
    rejected: int
    expired: int
    assigned: int
    to_pool: int
    speed_to_lead_seconds: SpeedToLeadView
    within_5_minutes: float | None
    within_15_minutes: float | None
    within_1_hour: float | None
    share: float | None = Field(description="The row's part of all the times an agent came to hold a lead.")
    target_share: float | None = Field(
        description="Agent rows: the agent's weight over the weights of the agents eligible for round robin now."
    )

    @classmethod
    def of(cls, row: ReportRow) -> "RoutingRowView":
        return cls(
            key=row.key,
            **row.counts,
            speed_to_lead_seconds=SpeedToLeadView(median=row.median, p90=row.p90),
            **row.within,
            share=row.share,
            target_share=row.target_share,
        )


class RoutingReportView(Model):
    model_config = ConfigDict(populate_by_name=True)

    start: datetime = Field(alias="from")
    end: datetime = Field(alias="to")
    group_by: Dimension
    time_zone: str = Field(description="The company's: the report covers whole days of it.")
    first_day: str
    last_day: str
    rows: list[RoutingRowView]

    @classmethod
    def of(cls, report: "RoutingReport") -> "RoutingReportView":
        return cls(
            start=report.start,
            end=report.end,
            group_by=report.group_by,
            time_zone=report.time_zone,
            first_day=report.days.first.isoformat(),
            last_day=report.days.last.isoformat(),
            rows=[RoutingRowView.of(row) for row in report.rows],
        )


CSV_COLUMNS = (
    "key",
    *COUNTERS,
    "speed_to_lead_median_seconds",
    "speed_to_lead_p90_seconds",
    "within_5_minutes",
    "within_15_minutes",
    "within_1_hour",
    "share",
    "target_share",
)


def routing_csv(view: RoutingReportView) -> str:
    """The report's rows as CSV with a header line: what `Accept: text/csv` answers and the console downloads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in view.rows:
        fields: dict[str, Any] = row.model_dump(exclude={"speed_to_lead_seconds"})
        fields["speed_to_lead_median_seconds"] = row.speed_to_lead_seconds.median
        fields["speed_to_lead_p90_seconds"] = row.speed_to_lead_seconds.p90
        writer.writerow(["" if fields[column] is None else fields[column] for column in CSV_COLUMNS])
    return out.getvalue()


def routing_view(
    principal: Principal, start: datetime | None, end: datetime | None, group_by: Dimension
) -> RoutingReportView:
    """The routing report of `start` to `end` (default: now, and the last DEFAULT_DAYS days), as the API
    answers it and the console shows it."""
    end = end or services().clock.now()
    try:
        start = start or end - timedelta(days=DEFAULT_DAYS - 1)
        report = services().report_desk.routing(principal, start, end, group_by)
    except OverflowError as error:  # a moment near year 1 or 9999, moved into the company's time zone
        raise InvalidInput("`from` and `to` must be moments this service can count days of.") from error
    return RoutingReportView.of(report)


def _wants_csv() -> bool:
    headers = router.current_event.headers
    accept = headers.get("accept") or headers.get("Accept") or ""
    return "text/csv" in accept.lower()


def _routing_responses() -> dict[int, OpenAPIResponse]:
    responses = documented(400, 401, 403, 422)
    responses[200]["content"] = {
        "application/json": {"model": RoutingReportView},
        "text/csv": {"schema": {"type": "string", "description": "The same rows, with a header line."}},
    }
    return responses


@router.get(
    "/v1/reports/routing",
    security=KEY_REQUIRED,
    summary="Routing figures per agent, source, route, office or day: counts, speed to lead, shares",
    description=(
        "From tallies kept as leads change, never from reading every lead: a year costs the same few reads "
        "with 10 leads or 10 million. The range is read as whole days of the company's time zone (at most "
        f"{MAX_REPORT_DAYS}); without `from`, the last {DEFAULT_DAYS} days. Speed to lead runs from a lead's "
        "`created_at` to the first moment an agent held it (claim, accept, or an assignment without "
        "acceptance). `Accept: text/csv` answers the same rows as CSV. Office managers see their offices."
    ),
    tags=["Admin"],
    responses=_routing_responses(),
)
def routing_report(
    start: Annotated[Moment | None, Query(alias="from", description="ISO 8601 with offset")] = None,
    end: Annotated[Moment | None, Query(alias="to", description="ISO 8601 with offset; default: now")] = None,
    group_by: Annotated[Dimension, Query()] = "agent",
) -> Response[str]:
    view = routing_view(caller(router, Role.ADMIN, Role.OFFICE_MANAGER), start, end, group_by)
    if _wants_csv():
        return Response(200, CSV, routing_csv(view))
    return Response(200, content_types.APPLICATION_JSON, view.model_dump_json(by_alias=True))


class WaitingLeadView(Model):
    """A waiting lead as the pool report shows it: a summary, without contact details."""

    lead_id: str
    status: LeadStatus
    office_id: str | None
    source: str
    created_at: datetime
    waiting_seconds: int
    name_initial: str | None
    area: str | None


class PoolReportView(Model):
    waiting: int
    by_age: dict[str, int] = Field(description="under_5_minutes, under_1_hour, under_1_day, older")
    oldest: list[WaitingLeadView]

    @classmethod
    def of(cls, report: "PoolReport") -> "PoolReportView":
        oldest = []
        for lead in report.oldest:
            summary = summary_of(lead)
            oldest.append(
                WaitingLeadView(
                    lead_id=lead.lead_id,
                    status=lead.status,
                    office_id=lead.office_id,
                    source=lead.source,
                    created_at=lead.created_at,
                    waiting_seconds=max(0, int((report.at - lead.created_at).total_seconds())),
                    name_initial=summary.name_initial,
                    area=summary.area,
                )
            )
        return cls(waiting=report.waiting, by_age=report.by_age, oldest=oldest)


@router.get(
    "/v1/reports/pool",
    security=KEY_REQUIRED,
    summary="Waiting leads (unassigned, in the pool or sent to an office) by age, and the 10 oldest",
    tags=["Admin"],
    responses=documented(401, 403),
)
def pool_report() -> PoolReportView:
    principal = caller(router, Role.ADMIN, Role.OFFICE_MANAGER)
    return PoolReportView.of(services().report_desk.pool(principal))
