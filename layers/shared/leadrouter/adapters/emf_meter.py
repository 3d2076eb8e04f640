"""The service's measures as CloudWatch metrics in embedded metric format (EMF): Powertools' Metrics of
the observability module, flushed by each handler's `log_metrics` into its logs, where CloudWatch turns
them into metrics without an API call on the request path.

Measures with a step dimension (LeadsRouted) cannot share the function's metric set, whose dimensions
apply to every metric in it: each goes out as its own EMF line, with the service dimension too."""

from collections.abc import Sequence

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import EphemeralMetrics
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

from leadrouter.domain.lead_measures import Measure


class EmfMeter:
    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def record(self, measures: Sequence[Measure]) -> None:
        if is_metrics_disabled():
            # Powertools keeps disabled metrics in memory until a flush that prints nothing and keeps them,
            # and prints them anyway once a metric has 100 values: a long-running local container would.
            return
        for measure in measures:
            if measure.step is None:
                self._metrics.add_metric(name=measure.name, unit=measure.unit, value=measure.value)
                continue
            # Flushed at once: it respects POWERTOOLS_METRICS_DISABLED, which Powertools' single_metric does not.
            one = EphemeralMetrics(namespace=self._metrics.namespace, service=self._metrics.service)
            one.add_dimension(name="step", value=measure.step)
            one.add_metric(name=measure.name, unit=measure.unit, value=measure.value)
            one.flush_metrics()
