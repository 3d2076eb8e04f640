"""Reading request bodies: size limits, JSON, form-encoded or multipart, into pydantic models with 4xx errors."""

import base64
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent
from pydantic import BaseModel, ValidationError

from leadrouter.domain.errors import BadRequest, InvalidInput, PayloadTooLarge, UnsupportedMediaType
from leadrouter.service.configuration import validation_message

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def raw_body(event: BaseProxyEvent, limit: int) -> bytes:
    body = event.body or ""
    data = base64.b64decode(body) if event.is_base64_encoded else body.encode()
    if len(data) > limit:
        raise PayloadTooLarge(f"The body is {len(data)} bytes; at most {limit} are accepted.")
    return data


def _content_type_header(event: BaseProxyEvent) -> str:
    return event.headers.get("content-type") or event.headers.get("Content-Type") or "application/json"


def content_type(event: BaseProxyEvent) -> str:
    return _content_type_header(event).split(";")[0].strip().lower()


def is_json(kind: str) -> bool:
    return kind == "application/json" or kind.endswith("+json")


def _multipart_fields(header: str, data: bytes) -> list[tuple[str, str]]:
    """The text fields of a multipart/form-data body (what `fetch` sends for `new FormData(form)`); file
    parts are not lead fields and are left out."""
    # Imported here: the email package's HTTP policy (its header parsers) is for the rare multipart body only.
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + header.encode("latin-1") + b"\r\n\r\n" + data)
    if not message.is_multipart():
        raise BadRequest("The multipart body could not be read (no boundary, or no parts).")
    fields: list[tuple[str, str]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or part.get_filename() is not None:
            continue
        payload = part.get_payload(decode=True)
        try:
            fields.append((name, payload.decode("utf-8") if isinstance(payload, bytes) else ""))
        except UnicodeDecodeError as error:
            raise BadRequest(f"Form field {name!r} is not UTF-8 text.") from error
    return fields


def _nest(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Form fields `listing.exclusive=on` become {"listing": {"exclusive": "on"}}."""
    result: dict[str, Any] = {}
    for name, value in pairs:
        target = result
        *parents, leaf = name.replace("[", ".").replace("]", "").split(".")
        for parent in parents:
            nested = target.setdefault(parent, {})
            if not isinstance(nested, dict):
                raise BadRequest(f"Form field {name!r} conflicts with another field.")
            target = nested
        target[leaf] = value
    return result


def json_document(text: str | bytes | bytearray) -> Any:
    """The JSON document the text is; what cannot be read is the sender's fault (400), never a 500: not
    JSON, nested deeper than the parser recurses, or an integer longer than Python converts (4,300 digits)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BadRequest(f"The body is not valid JSON: {error.msg} at position {error.pos}.") from error
    except UnicodeDecodeError as error:
        raise BadRequest("The body is not UTF-8 text.") from error
    except RecursionError as error:
        raise BadRequest("The body is nested too deeply.") from error
    except ValueError as error:
        raise BadRequest("The body holds a number too long to read.") from error


def _json_object(text: str) -> dict[str, Any] | None:
    """The JSON object the text is, if it is one."""
    stripped = text.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return None
    try:
        document = json_document(stripped)
    except BadRequest:
        return None
    return document if isinstance(document, dict) else None


def parse_document(event: BaseProxyEvent, limit: int) -> dict[str, Any]:
    data = raw_body(event, limit)
    kind = content_type(event)
    if kind == MULTIPART:
        return _nest(_multipart_fields(_content_type_header(event), data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest("The body is not UTF-8 text.") from error
    if kind == FORM:
        # A JSON object sent without its Content-Type (`curl -d '{...}'` says form-encoded): no form has a
        # field named like that, and refusing it would lose the lead (docs/DECISIONS.md).
        sent_as_json = _json_object(text)
        return sent_as_json if sent_as_json is not None else _nest(parse_qsl(text, keep_blank_values=True))
    if is_json(kind):
        if not text.strip():
            raise BadRequest("The body is empty; send a JSON object.")
        document = json_document(text)
        if not isinstance(document, dict):
            raise BadRequest("The body must be a JSON object.")
        return document
    raise UnsupportedMediaType(f"Send application/json, {FORM} or {MULTIPART}, not {kind}.")


def validated[M: BaseModel](model: type[M], document: dict[str, Any]) -> M:
    return validated_by(model.model_validate, document)


def validated_by[T](reader: Callable[[dict[str, Any]], T], document: dict[str, Any]) -> T:
    """What `reader` makes of the document; its validation errors as one 422 naming the fields."""
    try:
        return reader(document)
    except ValidationError as error:
        raise InvalidInput(validation_message(error)) from error
