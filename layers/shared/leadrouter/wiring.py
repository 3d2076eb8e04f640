"""Builds the services from the environment, once per container, on first use (never at import time,
so tests set up moto and the environment first, then call `reset()`). Each service imports its modules
when it is first built, so a function loads only what it uses (a cold start pays for nothing else)."""

import threading
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from leadrouter.adapters.clients import AwsClients
from leadrouter.domain.ports import Clock, RandomSource, SystemClock, SystemRandom
from leadrouter.environment import ServiceEnvironment, environment

if TYPE_CHECKING:
    from leadrouter.adapters.dynamo_aggregates import DynamoAggregates
    from leadrouter.adapters.dynamo_config import DynamoConfigRepository
    from leadrouter.adapters.dynamo_counters import DynamoLeadCounters
    from leadrouter.adapters.dynamo_leads import DynamoLeadRepository
    from leadrouter.adapters.dynamo_offers import DynamoTicketRepository
    from leadrouter.adapters.dynamo_round_robin import DynamoRouteRotation
    from leadrouter.adapters.emf_meter import EmfMeter
    from leadrouter.adapters.eventbridge import EventBridgePublisher
    from leadrouter.adapters.ses import SesMailer
    from leadrouter.adapters.sqs_timers import DeadlineTimers
    from leadrouter.adapters.templates import JinjaRenderer
    from leadrouter.service.agent_deactivation import AgentDeactivation
    from leadrouter.service.auto_away import AutoAway
    from leadrouter.service.back_links import BackLinks
    from leadrouter.service.callers import Callers
    from leadrouter.service.companies import CompanyService, KeyService
    from leadrouter.service.configuration import ConfigurationService
    from leadrouter.service.console_users import UserDesk
    from leadrouter.service.delivery import OfferDelivery
    from leadrouter.service.email_bounces import EmailBounces
    from leadrouter.service.escalation import Escalations
    from leadrouter.service.event_outbox import EventOutbox
    from leadrouter.service.intake import IntakeService
    from leadrouter.service.lead_changes import LeadChanges
    from leadrouter.service.lead_desk import LeadDesk
    from leadrouter.service.offer_desk import OfferDesk
    from leadrouter.service.offer_texts import OfferTexts
    from leadrouter.service.people_desk import PeopleDesk
    from leadrouter.service.pool_desk import PoolDesk
    from leadrouter.service.presence_desk import PresenceDesk
    from leadrouter.service.queue_desk import QueueDesk
    from leadrouter.service.report_desk import ReportDesk, ReportTallies
    from leadrouter.service.round_robin_turns import RoundRobinTurns
    from leadrouter.service.routes import RouteService
    from leadrouter.service.simulation import RoutingSimulator
    from leadrouter.service.sweeper import OfferSweeper
    from leadrouter.service.timer_arrivals import TimerArrivals


@dataclass
class Services:
    env: ServiceEnvironment
    clients: AwsClients
    clock: Clock
    rng: RandomSource

    @cached_property
    def meter(self) -> "EmfMeter":
        from leadrouter.adapters.emf_meter import EmfMeter
        from leadrouter.observability import metrics

        return EmfMeter(metrics)

    @cached_property
    def config_repository(self) -> "DynamoConfigRepository":
        from leadrouter.adapters.dynamo_config import DynamoConfigRepository

        return DynamoConfigRepository(self.clients.dynamodb, self.env.TABLE_NAME)

    @cached_property
    def lead_repository(self) -> "DynamoLeadRepository":
        from leadrouter.adapters.dynamo_leads import DynamoLeadRepository

        return DynamoLeadRepository(self.clients.dynamodb, self.env.TABLE_NAME)

    @cached_property
    def round_robin(self) -> "RoundRobinTurns":
        from leadrouter.adapters.dynamo_round_robin import DynamoRoundRobinCounter
        from leadrouter.service.round_robin_turns import RoundRobinTurns

        return RoundRobinTurns(DynamoRoundRobinCounter(self.clients.dynamodb, self.env.TABLE_NAME), self.rng)

    @cached_property
    def publisher(self) -> "EventBridgePublisher":
        from leadrouter.adapters.eventbridge import EventBridgePublisher

        return EventBridgePublisher(self.clients.events, self.env.EVENT_BUS_NAME)

    @cached_property
    def event_outbox(self) -> "EventOutbox":
        from leadrouter.service.event_outbox import EventOutbox

        return EventOutbox(self.publisher)

    @cached_property
    def keys(self) -> "KeyService":
        from leadrouter.adapters.dynamo_credentials import DynamoCredentialRepository
        from leadrouter.service.companies import KeyService

        return KeyService(DynamoCredentialRepository(self.clients.dynamodb, self.env.TABLE_NAME), self.clock, self.rng)

    @cached_property
    def callers(self) -> "Callers":
        from leadrouter.adapters.dynamo_key_lookup import DynamoKeyLookup
        from leadrouter.service.callers import Callers

        # Late: only an agent key's check needs the configuration (and the models it loads).
        return Callers(DynamoKeyLookup(self.clients.dynamodb, self.env.TABLE_NAME))

    @cached_property
    def companies(self) -> "CompanyService":
        from leadrouter.service.companies import CompanyService

        return CompanyService(self.config_repository, self.keys, self.clock, self.rng)

    @cached_property
    def presence_desk(self) -> "PresenceDesk":
        from leadrouter.service.presence_desk import PresenceDesk

        return PresenceDesk(self.configuration, self.clock)

    @cached_property
    def configuration(self) -> "ConfigurationService":
        from leadrouter.service.configuration import ConfigurationService

        return ConfigurationService(
            self.config_repository,
            self.lead_repository,
            # Late: the deactivation's services (delivery, timers) are built only when an agent goes inactive.
            lambda company_id, agent_id: self.agent_deactivation.withdraw_offers(company_id, agent_id),  # noqa: PLW0108
        )

    @cached_property
    def agent_deactivation(self) -> "AgentDeactivation":
        from leadrouter.service.agent_deactivation import AgentDeactivation

        return AgentDeactivation(self.tickets, self.lead_changes, self.clock, self.rng, self.lead_counters)

    @cached_property
    def routes(self) -> "RouteService":
        from leadrouter.service.routes import RouteService

        return RouteService(self.config_repository, self.clock, self.rng)

    @cached_property
    def simulator(self) -> "RoutingSimulator":
        from leadrouter.service.simulation import RoutingSimulator

        return RoutingSimulator(
            self.config_repository,
            self.round_robin,
            self.clock,
            self.people,
            self.route_rotation,
            counters=self.lead_counters,
        )

    @cached_property
    def route_rotation(self) -> "DynamoRouteRotation":
        from leadrouter.adapters.dynamo_round_robin import DynamoRouteRotation

        return DynamoRouteRotation(self.clients.dynamodb, self.env.TABLE_NAME)

    @cached_property
    def queue_desk(self) -> "QueueDesk":
        from leadrouter.adapters.dynamo_queue_log import DynamoQueueLog
        from leadrouter.service.queue_desk import QueueDesk

        log = DynamoQueueLog(self.clients.dynamodb, self.env.TABLE_NAME)
        return QueueDesk(self.config_repository, self.round_robin, self.lead_counters, log, self.clock, self.rng)

    @cached_property
    def intake(self) -> "IntakeService":
        from leadrouter.service.intake import IntakeService

        return IntakeService(
            self.config_repository,
            self.lead_repository,
            self.lead_changes,
            self.round_robin,
            self.clock,
            self.rng,
            self.people,
            escalations=lambda: self.escalations,
            counters=self.lead_counters,
            rotation=self.route_rotation,
        )

    @cached_property
    def lead_counters(self) -> "DynamoLeadCounters":
        from leadrouter.adapters.dynamo_counters import DynamoLeadCounters

        return DynamoLeadCounters(self.clients.dynamodb, self.env.TABLE_NAME)

    @cached_property
    def people(self) -> "PeopleDesk":
        from leadrouter.adapters.dynamo_people import DynamoPeopleIndex
        from leadrouter.adapters.secrets import SecretKey
        from leadrouter.service.people_desk import PeopleDesk

        key = SecretKey(lambda: self.clients.secretsmanager, self.env.PEOPLE_KEY_SECRET)
        index = DynamoPeopleIndex(self.clients.dynamodb, self.env.TABLE_NAME)
        return PeopleDesk(index, self.lead_repository, self.lead_changes, key.value, self.clock, self.rng)

    @cached_property
    def lead_desk(self) -> "LeadDesk":
        from leadrouter.service.lead_desk import LeadDesk

        return LeadDesk(self.lead_repository, self.lead_changes, self.clock, self.rng)

    @cached_property
    def tickets(self) -> "DynamoTicketRepository":
        from leadrouter.adapters.dynamo_offers import DynamoTicketRepository

        return DynamoTicketRepository(self.clients.dynamodb, self.env.TABLE_NAME)

    @cached_property
    def renderer(self) -> "JinjaRenderer":
        from leadrouter.adapters.templates import JinjaRenderer

        return JinjaRenderer()

    @cached_property
    def timers(self) -> "DeadlineTimers":
        from leadrouter.adapters.scheduler import SchedulerTimers
        from leadrouter.adapters.sqs_timers import DeadlineTimers, QueueTimers

        schedules = SchedulerTimers(
            lambda: self.clients.scheduler,
            self.env.SCHEDULE_GROUP_NAME,
            self.env.TIMER_QUEUE_ARN,
            self.env.SCHEDULER_ROLE_ARN,
            self.env.TIMER_DEAD_LETTER_QUEUE_ARN,
        )
        return DeadlineTimers(QueueTimers(lambda: self.clients.sqs, self.env.TIMER_QUEUE_URL), schedules, self.clock)

    @cached_property
    def timer_arrivals(self) -> "TimerArrivals":
        from leadrouter.service.timer_arrivals import TimerArrivals

        return TimerArrivals(self.offer_desk, self.timers, self.clock, self.meter, lambda: self.escalations)

    @cached_property
    def escalations(self) -> "Escalations":
        from leadrouter.service.escalation import Escalations

        return Escalations(
            self.config_repository,
            self.lead_changes,
            self.timers,
            self.mailer,
            self.renderer,
            self.clock,
            default_sender=self.env.SENDER_EMAIL,
        )

    @cached_property
    def mailer(self) -> "SesMailer":
        from leadrouter.adapters.ses import SesMailer

        return SesMailer(lambda: self.clients.sesv2, self.env.EMAIL_CONFIGURATION_SET)

    @cached_property
    def delivery(self) -> "OfferDelivery":
        from leadrouter.service.delivery import OfferDelivery

        return OfferDelivery(
            self.tickets,
            self.mailer,
            self.timers,
            self.renderer,
            self.clock,
            self.rng,
            default_sender=self.env.SENDER_EMAIL,
            default_base_url=self.env.PUBLIC_BASE_URL,
            texts=self.offer_texts,
        )

    @cached_property
    def offer_texts(self) -> "OfferTexts":
        from leadrouter.adapters.sns_texts import SnsTexter
        from leadrouter.service.offer_texts import OfferTexts

        return OfferTexts(SnsTexter(lambda: self.clients.sns), self.clock)

    @cached_property
    def lead_changes(self) -> "LeadChanges":
        from leadrouter.service.assignment_notices import AssignmentNotices
        from leadrouter.service.lead_changes import LeadChanges

        notices = AssignmentNotices(
            self.mailer,
            self.renderer,
            self.clock,
            default_sender=self.env.SENDER_EMAIL,
            default_base_url=self.env.PUBLIC_BASE_URL,
            texts=self.offer_texts,
        )
        return LeadChanges(
            self.config_repository,
            self.lead_repository,
            self.delivery,
            self.round_robin,
            self.meter,
            self.rng,
            notices=notices,
        )

    @cached_property
    def email_bounces(self) -> "EmailBounces":
        from leadrouter.service.email_bounces import EmailBounces

        return EmailBounces(self.config_repository, self.lead_repository, self.lead_changes, self.meter, self.clock)

    @cached_property
    def offer_desk(self) -> "OfferDesk":
        from leadrouter.service.offer_desk import OfferDesk

        return OfferDesk(
            self.config_repository,
            self.lead_repository,
            self.tickets,
            self.lead_changes,
            self.clock,
            self.rng,
            self.auto_away,
            counters=self.lead_counters,
        )

    @cached_property
    def auto_away(self) -> "AutoAway":
        from leadrouter.adapters.dynamo_missed_offers import DynamoMissedOffers
        from leadrouter.service.auto_away import AutoAway

        misses = DynamoMissedOffers(self.clients.dynamodb, self.env.TABLE_NAME)
        # Late: the link's mailer is built only when an agent is set away.
        return AutoAway(self.configuration, misses, self.lead_changes, self.clock, lambda: self.back_links)

    @cached_property
    def back_links(self) -> "BackLinks":
        from leadrouter.adapters.dynamo_back_links import DynamoBackLinks
        from leadrouter.adapters.ses import SesMailer
        from leadrouter.service.back_links import BackLinks

        return BackLinks(
            DynamoBackLinks(self.clients.dynamodb, self.env.TABLE_NAME),
            self.configuration,
            SesMailer(lambda: self.clients.sesv2, self.env.EMAIL_CONFIGURATION_SET),
            self.renderer,
            self.clock,
            self.rng,
            default_sender=self.env.SENDER_EMAIL,
            base_url=self.env.PUBLIC_BASE_URL,
        )

    @cached_property
    def pool_desk(self) -> "PoolDesk":
        from leadrouter.service.pool_desk import PoolDesk

        return PoolDesk(self.config_repository, self.lead_repository, self.lead_changes, self.clock)

    @cached_property
    def user_desk(self) -> "UserDesk":
        from leadrouter.adapters.cognito_users import CognitoUsers
        from leadrouter.adapters.ses import SesMailer
        from leadrouter.service.console_users import UserDesk

        return UserDesk(
            CognitoUsers(lambda: self.clients.cognito, self.env.USER_POOL_ID, self.env.USER_POOL_CLIENT_ID),
            self.config_repository,
            SesMailer(lambda: self.clients.sesv2, self.env.EMAIL_CONFIGURATION_SET),
            self.renderer,
            self.rng,
            self.env.SENDER_EMAIL,
        )

    @cached_property
    def aggregates(self) -> "DynamoAggregates":
        from leadrouter.adapters.dynamo_aggregates import DynamoAggregates

        return DynamoAggregates(self.clients.dynamodb, self.env.TABLE_NAME)

    @cached_property
    def report_tallies(self) -> "ReportTallies":
        from leadrouter.adapters.dynamo_company_calendar import DynamoCompanyCalendar
        from leadrouter.service.report_desk import ReportTallies

        calendar = DynamoCompanyCalendar(self.clients.dynamodb, self.env.TABLE_NAME)
        return ReportTallies(calendar, self.aggregates, self.clock)

    @cached_property
    def report_desk(self) -> "ReportDesk":
        from leadrouter.adapters.dynamo_waiting import DynamoWaitingLeads
        from leadrouter.service.report_desk import ReportDesk

        waiting = DynamoWaitingLeads(self.clients.dynamodb, self.env.TABLE_NAME)
        return ReportDesk(self.config_repository, self.aggregates, waiting, self.clock)

    @cached_property
    def sweeper(self) -> "OfferSweeper":
        from leadrouter.adapters.dynamo_overdue import DynamoOverdueLeads
        from leadrouter.service.sweeper import OfferSweeper

        overdue = DynamoOverdueLeads(self.clients.dynamodb, self.env.TABLE_NAME)
        return OfferSweeper(overdue, lambda: self.lead_repository, lambda: self.offer_desk, self.clock, self.meter)


_lock = threading.Lock()
_services: Services | None = None


def services() -> Services:
    global _services  # noqa: PLW0603  # one set of services per container, like the clients it holds
    with _lock:
        if _services is None:
            _services = Services(env=environment(), clients=AwsClients(), clock=SystemClock(), rng=SystemRandom())
        return _services


def reset(replacement: Services | None = None) -> None:
    """Forget the built services (tests: after changing the environment or the AWS mock)."""
    global _services  # noqa: PLW0603
    with _lock:
        environment.cache_clear()
        _services = replacement
