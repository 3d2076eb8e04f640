"""The consumers' partial batch responses: what Lambda is told to give again, for a queue and a stream."""

import pytest

from leadrouter.adapters.partial_batches import EveryRecordFailed, ordered_stream_batch, queue_batch


def _queue(*bodies: str) -> dict[str, list[dict[str, str]]]:
    return {"Records": [{"messageId": f"m-{body}", "body": body} for body in bodies]}


def _stream(*keys: str) -> dict[str, list[dict[str, object]]]:
    return {"Records": [{"dynamodb": {"SequenceNumber": f"s-{key}", "Keys": {"PK": {"S": key}}}} for key in keys]}


def _failing_on(*bad: str) -> tuple[list[str], object]:
    handled: list[str] = []

    def handle(body: str) -> None:
        handled.append(body)
        if body in bad:
            raise RuntimeError("busy table")

    return handled, handle


def test_a_queue_batch_handles_every_record_and_names_the_failed_ones() -> None:
    handled, handle = _failing_on("b", "d")

    answer = queue_batch(_queue("a", "b", "c", "d"), handle)  # type: ignore[arg-type]

    assert handled == ["a", "b", "c", "d"]
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-b"}, {"itemIdentifier": "m-d"}]}


def test_a_queue_batch_that_went_through_reports_nothing() -> None:
    assert queue_batch(_queue("a", "b"), lambda body: body) == {"batchItemFailures": []}


def test_a_queue_batch_that_failed_whole_fails_the_invocation_with_the_first_cause() -> None:
    _, handle = _failing_on("a", "b")

    with pytest.raises(EveryRecordFailed) as raised:
        queue_batch(_queue("a", "b"), handle)  # type: ignore[arg-type]

    assert isinstance(raised.value.__cause__, RuntimeError)


def test_a_stream_batch_stops_at_the_first_failure_and_reports_it_and_every_later_record() -> None:
    seen: list[str] = []

    def publish(record: dict[str, object]) -> None:
        key = record["dynamodb"]["Keys"]["PK"]["S"]  # type: ignore[index]
        seen.append(key)
        if key == "b":
            raise RuntimeError("PutEvents refused")

    answer = ordered_stream_batch(_stream("a", "b", "c"), publish)

    assert seen == ["a", "b"]  # c is not published before b
    assert answer == {"batchItemFailures": [{"itemIdentifier": "s-b"}, {"itemIdentifier": "s-c"}]}


def test_a_stream_batch_that_fails_at_its_first_record_is_answered_not_raised() -> None:
    def refuse(record: dict[str, object]) -> None:
        raise RuntimeError("PutEvents refused")

    answer = ordered_stream_batch(_stream("a", "b"), refuse)

    assert answer == {"batchItemFailures": [{"itemIdentifier": "s-a"}, {"itemIdentifier": "s-b"}]}


def test_a_stream_batch_tells_what_held_it_up() -> None:
    errors: list[Exception] = []

    def handle(record: dict[str, object]) -> None:
        raise KeyError("status")

    ordered_stream_batch(_stream("a", "b"), handle, errors.append)

    assert [type(error) for error in errors] == [KeyError]  # the first failure only: the rest were not tried
