"""What the local stack needs to know from template.yaml, resolved for the local, fake account.

template.yaml is the one source of truth: tables, the event bus, the schedule group, the
functions (with SAM's Globals applied) and the API routes all come from it, so that a change
to the template changes the local stack the same way it changes a deployment.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from devstack.cfn_yaml import load_yaml
from devstack.intrinsics import Resolver, StackContext, TemplateError, api_id_for, as_string

__all__ = [
    "Api",
    "Authorizer",
    "EventBus",
    "Function",
    "GatewayResponse",
    "Route",
    "ScheduleGroup",
    "StackContext",
    "Table",
    "Template",
    "TemplateError",
    "load_template",
]

FUNCTION_TYPE: Final = "AWS::Serverless::Function"
API_TYPE: Final = "AWS::Serverless::Api"
IMPLICIT_API: Final = "ServerlessRestApi"
# Lambda's own defaults, for a function (and Globals) that does not set them.
DEFAULT_TIMEOUT_SECONDS: Final = 3
DEFAULT_MEMORY_MB: Final = 128
_FUNCTION_ARN_NAME = re.compile(r":function:([^:]+)")


@dataclass(frozen=True)
class Table:
    logical_id: str
    name: str
    properties: Mapping[str, Any]


@dataclass(frozen=True)
class EventBus:
    logical_id: str
    name: str


@dataclass(frozen=True)
class ScheduleGroup:
    logical_id: str
    name: str


@dataclass(frozen=True)
class Function:
    logical_id: str
    name: str
    arn: str
    code_dir: Path
    handler: str
    environment: Mapping[str, str]
    timeout: int
    memory_size: int
    # Layers built from this template's own folders (their ContentUri), in the function's order.
    layer_dirs: tuple[Path, ...] = ()

    @property
    def handler_file(self) -> Path:
        """``app.lambda_handler`` lives in ``<CodeUri>/app.py``; ``a.b.f`` in ``<CodeUri>/a/b.py``."""
        module_path, _, _ = self.handler.rpartition(".")
        return self.code_dir.joinpath(*module_path.split(".")).with_suffix(".py")

    @property
    def handler_function(self) -> str:
        return self.handler.rpartition(".")[2]


@dataclass(frozen=True)
class Authorizer:
    name: str
    function_logical_id: str
    payload_type: str  # "REQUEST" or "TOKEN"
    identity_headers: tuple[str, ...]
    identity_query_strings: tuple[str, ...] = ()


@dataclass(frozen=True)
class GatewayResponse:
    status_code: int | None
    templates: Mapping[str, str]
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Api:
    logical_id: str
    api_id: str
    stage_name: str
    default_authorizer: str | None
    authorizers: Mapping[str, Authorizer]
    gateway_responses: Mapping[str, GatewayResponse]


@dataclass(frozen=True)
class Route:
    api_logical_id: str
    path: str
    method: str  # upper case; "ANY" matches every method
    function_logical_id: str
    authorizer: str | None  # a name in the API's authorizers; None: open to everyone
    event_name: str


@dataclass(frozen=True)
class Template:
    path: Path
    context: StackContext
    parameters: Mapping[str, Any]
    tables: tuple[Table, ...]
    event_buses: tuple[EventBus, ...]
    schedule_groups: tuple[ScheduleGroup, ...]
    functions: Mapping[str, Function]
    apis: Mapping[str, Api]
    routes: tuple[Route, ...]
    sender_identities: tuple[str, ...]
    outputs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.path.parent

    def function_for_arn(self, arn: str) -> Function | None:
        """The template's function that a Lambda ARN (possibly with a qualifier) names."""
        match = _FUNCTION_ARN_NAME.search(arn)
        name = match.group(1) if match else arn
        return next((function for function in self.functions.values() if function.name == name), None)

    def table_named(self, name: str) -> Table | None:
        return next((table for table in self.tables if table.name == name), None)


def load_template(
    path: Path,
    *,
    parameters: Mapping[str, str] | None = None,
    context: StackContext | None = None,
) -> Template:
    """Load and resolve a SAM template for the local stack.

    ``parameters`` override the template's parameter defaults. Raises TemplateError for what
    the local stack cannot emulate (an unknown intrinsic, a parameter without a default).
    """
    path = path.resolve()
    document = load_yaml(path)
    resolver = Resolver(document, context or StackContext(), parameters)
    return _Extractor(path, document, resolver).template()


class _Extractor:
    def __init__(self, path: Path, document: Mapping[str, Any], resolver: Resolver) -> None:
        self.root = path.parent
        self.path = path
        self.document = document
        self.resolver = resolver
        globals_section = document.get("Globals") or {}
        self.function_globals: Mapping[str, Any] = resolver.resolve(globals_section.get("Function") or {})
        self.api_globals: Mapping[str, Any] = resolver.resolve(globals_section.get("Api") or {})

    def _active(self, resource_type: str) -> list[tuple[str, Mapping[str, Any]]]:
        return [
            (logical_id, resource)
            for logical_id, resource in self.resolver.resources.items()
            if resource.get("Type") == resource_type and self.resolver.is_active(logical_id)
        ]

    def _properties(self, logical_id: str) -> dict[str, Any]:
        raw = self.resolver.resources[logical_id].get("Properties") or {}
        resolved: dict[str, Any] = self.resolver.resolve(raw)
        return resolved

    def template(self) -> Template:
        resolver = self.resolver
        tables = tuple(
            Table(logical_id, resolver.physical_name(logical_id), self._properties(logical_id))
            for logical_id, _ in self._active("AWS::DynamoDB::Table")
        )
        buses = tuple(
            EventBus(logical_id, resolver.physical_name(logical_id))
            for logical_id, _ in self._active("AWS::Events::EventBus")
        )
        groups = tuple(
            ScheduleGroup(logical_id, resolver.physical_name(logical_id))
            for logical_id, _ in self._active("AWS::Scheduler::ScheduleGroup")
        )
        functions = {logical_id: self._function(logical_id) for logical_id, _ in self._active(FUNCTION_TYPE)}
        apis = {
            logical_id: self._api(logical_id, self._properties(logical_id)) for logical_id, _ in self._active(API_TYPE)
        }
        routes = self._routes(functions, apis)
        return Template(
            path=self.path,
            context=resolver.context,
            parameters=dict(resolver.parameters),
            tables=tables,
            event_buses=buses,
            schedule_groups=groups,
            functions=functions,
            apis=apis,
            routes=routes,
            sender_identities=self._sender_identities(),
            outputs=self._outputs(),
        )

    # -- functions --------------------------------------------------------------------------------

    def _function(self, logical_id: str) -> Function:
        properties = _merge_globals(self.function_globals, self._properties(logical_id))
        if properties.get("PackageType", "Zip") != "Zip" or not isinstance(properties.get("CodeUri"), str):
            raise TemplateError(f"{logical_id}: the local stack runs only functions with a local CodeUri folder")
        variables = (properties.get("Environment") or {}).get("Variables") or {}
        return Function(
            logical_id=logical_id,
            name=self.resolver.physical_name(logical_id),
            arn=self.resolver.arn(logical_id),
            code_dir=(self.root / properties["CodeUri"]).resolve(),
            handler=str(properties["Handler"]),
            environment={str(key): as_string(value) for key, value in variables.items()},
            timeout=int(properties.get("Timeout", DEFAULT_TIMEOUT_SECONDS)),
            memory_size=int(properties.get("MemorySize", DEFAULT_MEMORY_MB)),
            layer_dirs=self._layer_dirs(properties.get("Layers") or []),
        )

    def _layer_dirs(self, layer_arns: list[Any]) -> tuple[Path, ...]:
        by_arn: dict[str, Path] = {}
        for layer_type in ("AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"):
            for logical_id, _ in self._active(layer_type):
                content = self._properties(logical_id).get("ContentUri") or {}
                if isinstance(content, str):
                    by_arn[self.resolver.ref(logical_id)] = (self.root / content).resolve()
        return tuple(by_arn[str(arn)] for arn in layer_arns if str(arn) in by_arn)

    # -- APIs and routes --------------------------------------------------------------------------

    def _api(self, logical_id: str, own_properties: Mapping[str, Any]) -> Api:
        properties = _merge_globals(self.api_globals, own_properties)
        auth = properties.get("Auth") or {}
        authorizers: dict[str, Authorizer] = {}
        for name, spec in (auth.get("Authorizers") or {}).items():
            authorizer = self._authorizer(logical_id, str(name), spec)
            if authorizer is not None:
                authorizers[authorizer.name] = authorizer
        default = auth.get("DefaultAuthorizer")
        if default is not None and default not in authorizers and default != "AWS_IAM":
            raise TemplateError(f"{logical_id}: DefaultAuthorizer {default} is not one of its Authorizers")
        return Api(
            logical_id=logical_id,
            api_id=api_id_for(logical_id),
            stage_name=str(properties.get("StageName", "Prod")),
            default_authorizer=str(default) if default in authorizers else None,
            authorizers=authorizers,
            gateway_responses=_gateway_responses(properties.get("GatewayResponses") or {}),
        )

    def _authorizer(self, api_logical_id: str, name: str, spec: Mapping[str, Any]) -> Authorizer | None:
        if "FunctionArn" not in spec:
            return None  # a Cognito authorizer: not emulated
        function_arn = str(spec["FunctionArn"])
        function_logical_id = next(
            (
                logical_id
                for logical_id, _ in self._active(FUNCTION_TYPE)
                if self.resolver.arn(logical_id) == function_arn
                or function_arn.endswith(f":function:{self.resolver.physical_name(logical_id)}")
            ),
            None,
        )
        if function_logical_id is None:
            raise TemplateError(f"{api_logical_id}: authorizer {name} calls {function_arn}, not a function here")
        payload_type = str(spec.get("FunctionPayloadType", "TOKEN")).upper()
        identity = spec.get("Identity") or {}
        if payload_type == "TOKEN":
            headers: tuple[str, ...] = (str(identity.get("Header", "Authorization")),)
        else:
            headers = tuple(str(header) for header in identity.get("Headers") or [])
        return Authorizer(
            name=name,
            function_logical_id=function_logical_id,
            payload_type=payload_type,
            identity_headers=headers,
            identity_query_strings=tuple(str(query) for query in identity.get("QueryStrings") or []),
        )

    def _routes(self, functions: Mapping[str, Function], apis: dict[str, Api]) -> tuple[Route, ...]:
        routes: list[Route] = []
        for logical_id in functions:
            raw_events = (self.resolver.resources[logical_id].get("Properties") or {}).get("Events") or {}
            for event_name, raw_event in raw_events.items():
                if raw_event.get("Type") != "Api":
                    continue
                event = self.resolver.resolve(raw_event.get("Properties") or {})
                api = self._api_for_event(raw_event.get("Properties") or {}, apis)
                routes.append(
                    Route(
                        api_logical_id=api.logical_id,
                        path=str(event["Path"]),
                        method=str(event["Method"]).upper(),
                        function_logical_id=logical_id,
                        authorizer=self._route_authorizer(api, event, logical_id, str(event_name)),
                        event_name=str(event_name),
                    )
                )
        return tuple(routes)

    def _api_for_event(self, raw_properties: Mapping[str, Any], apis: dict[str, Api]) -> Api:
        rest_api = raw_properties.get("RestApiId")
        if rest_api is None:
            # SAM's implicit API, configured by Globals.Api only.
            if IMPLICIT_API not in apis:
                apis[IMPLICIT_API] = self._api(IMPLICIT_API, {})
            return apis[IMPLICIT_API]
        if isinstance(rest_api, Mapping) and "Ref" in rest_api and rest_api["Ref"] in apis:
            return apis[str(rest_api["Ref"])]
        resolved = self.resolver.resolve(rest_api)
        for api in apis.values():
            if resolved == api.api_id:
                return api
        raise TemplateError(f"an Api event names RestApiId {rest_api!r}, not an AWS::Serverless::Api here")

    @staticmethod
    def _route_authorizer(api: Api, event: Mapping[str, Any], function_id: str, event_name: str) -> str | None:
        auth = event.get("Auth") or {}
        if "Authorizer" not in auth:
            return api.default_authorizer
        name = str(auth["Authorizer"])
        if name in ("NONE", "AWS_IAM"):
            return None
        if name not in api.authorizers:
            raise TemplateError(f"{function_id}.{event_name}: unknown authorizer {name}")
        return name

    # -- the rest ---------------------------------------------------------------------------------

    def _sender_identities(self) -> tuple[str, ...]:
        # Every SES identity the template declares, whatever its Condition: locally nobody has to
        # click a verification email, and the functions send from these addresses.
        identities: list[str] = []
        for logical_id, resource in self.resolver.resources.items():
            if resource.get("Type") == "AWS::SES::EmailIdentity":
                identities.append(as_string(self._properties(logical_id)["EmailIdentity"]))
        sender = self.resolver.parameters.get("SenderEmail")
        if isinstance(sender, str) and sender and sender not in identities:
            identities.append(sender)
        return tuple(identities)

    def _outputs(self) -> dict[str, Any]:
        outputs: dict[str, Any] = {}
        for name, output in (self.document.get("Outputs") or {}).items():
            condition = output.get("Condition")
            if condition is None or self.resolver.condition(str(condition)):
                outputs[str(name)] = self.resolver.resolve(output.get("Value"))
        return outputs


def _merge_globals(globals_: Mapping[str, Any], local: Mapping[str, Any]) -> dict[str, Any]:
    """SAM's rule for Globals: maps merge, lists append (Globals first), other values are replaced."""
    merged: dict[str, Any] = dict(globals_)
    for key, value in local.items():
        previous = merged.get(key)
        if isinstance(previous, Mapping) and isinstance(value, Mapping):
            merged[key] = _merge_globals(previous, value)
        elif isinstance(previous, list) and isinstance(value, list):
            merged[key] = [*previous, *value]
        else:
            merged[key] = value
    return merged


def _gateway_responses(spec: Mapping[str, Any]) -> dict[str, GatewayResponse]:
    responses: dict[str, GatewayResponse] = {}
    for response_type, response in spec.items():
        headers = ((response.get("ResponseParameters") or {}).get("Headers")) or {}
        responses[str(response_type)] = GatewayResponse(
            status_code=int(response["StatusCode"]) if "StatusCode" in response else None,
            templates={str(key): str(value) for key, value in (response.get("ResponseTemplates") or {}).items()},
            # Header values are mapping expressions; only 'quoted' literals mean something locally.
            headers={
                str(name): str(value)[1:-1]
                for name, value in headers.items()
                if isinstance(value, str) and len(value) >= 2 and value.startswith("'") and value.endswith("'")
            },
        )
    return responses
