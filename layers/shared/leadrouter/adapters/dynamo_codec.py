"""Plain JSON-shaped dicts to DynamoDB's typed attributes and back."""

from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _numbers(value: Any) -> Any:
    # DynamoDB numbers are decimal: a float (an agent's weight) goes as the shortest decimal that reads
    # back as the same float.
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {key: _numbers(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_numbers(inner) for inner in value]
    return value


def to_item(values: dict[str, Any]) -> Any:
    return {key: _serializer.serialize(_numbers(value)) for key, value in values.items()}


def to_value(value: Any) -> Any:
    return _serializer.serialize(_numbers(value))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, list | set):
        return [_plain(inner) for inner in value]
    return value


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _plain(_deserializer.deserialize(value)) for key, value in item.items()}
