"""A new Lambda container's services in the test process: its own clients and an empty configuration cache,
on the test's clock (the in-process functions share one set of services, as one container would)."""

from leadrouter import wiring
from leadrouter.adapters.clients import AwsClients
from leadrouter.domain.ports import Clock, SystemRandom
from leadrouter.environment import environment


def new_container(clock: Clock) -> None:
    wiring.reset(wiring.Services(env=environment(), clients=AwsClients(), clock=clock, rng=SystemRandom()))
