"""The REST APIs as API Gateway would import them: routes, authorizers and gateway responses read
from the OpenAPI body SAM writes into each translated `AWS::ApiGateway::RestApi`.

Reading SAM's output rather than its input means the local gateway answers what a deployment
answers: Globals.Api, DefaultAuthorizer with per-event overrides, the implicit API and
AutoPublishAlias (an integration that calls a function's alias) are all as SAM decided.
A method whose integration is not a Lambda proxy (SAM's mock CORS preflight, an HTTP
integration) is not emulated and has no route here; an authorizer that is not a Lambda one
(Cognito, IAM) leaves its methods open, as before.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from devstack.intrinsics import Resolver, TemplateError, api_id_for

__all__ = ["Api", "Authorizer", "GatewayResponse", "Route", "read_apis"]

REST_API_TYPE: Final = "AWS::ApiGateway::RestApi"
STAGE_TYPE: Final = "AWS::ApiGateway::Stage"
ANY_METHOD: Final = "x-amazon-apigateway-any-method"
_HTTP_METHODS: Final = frozenset({"get", "put", "post", "delete", "options", "head", "patch", ANY_METHOD})
# The Lambda a Lambda integration (or authorizer) URI invokes.
_INVOKED_FUNCTION = re.compile(r":lambda:path/[^/]+/functions/(.+)/invocations$")
_HEADER_SOURCE: Final = "method.request.header."
_QUERY_SOURCE: Final = "method.request.querystring."
_RESPONSE_HEADER: Final = "gatewayresponse.header."


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
    authorizers: Mapping[str, Authorizer]
    gateway_responses: Mapping[str, GatewayResponse]


@dataclass(frozen=True)
class Route:
    api_logical_id: str
    path: str
    method: str  # upper case; "ANY" matches every method
    function_logical_id: str
    authorizer: str | None  # a name in the API's authorizers; None: open to everyone

    @property
    def resource_id(self) -> str:
        """API Gateway's id for the route's resource (its path): the same on every method of the path."""
        return api_id_for(self.path)[:6]


# Answers the logical id of the template's function a Lambda ARN (possibly qualified) names.
FunctionFinder = Callable[[str], str | None]


def read_apis(resolver: Resolver, find_function: FunctionFinder) -> tuple[dict[str, Api], tuple[Route, ...]]:
    """Every active REST API with an OpenAPI body, and the Lambda-proxy routes of all of them."""
    apis: dict[str, Api] = {}
    routes: list[Route] = []
    for logical_id, resource in resolver.resources.items():
        if resource.get("Type") != REST_API_TYPE or not resolver.is_active(logical_id):
            continue
        body = resolver.resolve((resource.get("Properties") or {}).get("Body"))
        if not isinstance(body, Mapping):
            continue  # an API defined elsewhere (BodyS3Location): nothing to route locally
        reader = _BodyReader(logical_id, body, find_function)
        authorizers = reader.authorizers()
        apis[logical_id] = Api(
            logical_id=logical_id,
            api_id=api_id_for(logical_id),
            stage_name=_stage_name(resolver, logical_id),
            authorizers=authorizers,
            gateway_responses=reader.gateway_responses(),
        )
        routes.extend(reader.routes(authorizers))
    return apis, tuple(routes)


def _stage_name(resolver: Resolver, api_logical_id: str) -> str:
    api_id = api_id_for(api_logical_id)
    for logical_id, resource in resolver.resources.items():
        if resource.get("Type") == STAGE_TYPE and resolver.is_active(logical_id):
            properties = resolver.resolve(resource.get("Properties") or {})
            if properties.get("RestApiId") == api_id:
                return str(properties["StageName"])
    return "Prod"


class _BodyReader:
    def __init__(self, api_logical_id: str, body: Mapping[str, Any], find_function: FunctionFinder) -> None:
        self.api_logical_id = api_logical_id
        self.body = body
        self.find_function = find_function

    def _function_for_uri(self, uri: Any, what: str) -> str:
        match = _INVOKED_FUNCTION.search(str(uri))
        function_id = self.find_function(match.group(1)) if match else None
        if function_id is None:
            raise TemplateError(f"{self.api_logical_id}: {what} invokes {uri}, not a function of this template")
        return function_id

    def authorizers(self) -> dict[str, Authorizer]:
        # OpenAPI 3 keeps them in components.securitySchemes, Swagger 2 in securityDefinitions.
        schemes = (self.body.get("components") or {}).get("securitySchemes") or self.body.get("securityDefinitions")
        authorizers: dict[str, Authorizer] = {}
        for name, scheme in (schemes or {}).items():
            spec = scheme.get("x-amazon-apigateway-authorizer") or {}
            payload_type = str(spec.get("type", "")).upper()
            if payload_type not in ("TOKEN", "REQUEST"):
                continue  # Cognito or IAM: not emulated
            sources = [source.strip() for source in str(spec.get("identitySource") or "").split(",")]
            if payload_type == "TOKEN" and "identitySource" not in spec and scheme.get("in") == "header":
                # API Gateway takes a token authorizer's header from the scheme's name when no source is set.
                sources = [_HEADER_SOURCE + str(scheme.get("name"))]
            authorizers[str(name)] = Authorizer(
                name=str(name),
                function_logical_id=self._function_for_uri(spec.get("authorizerUri"), f"authorizer {name}"),
                payload_type=payload_type,
                identity_headers=_named(sources, _HEADER_SOURCE),
                identity_query_strings=_named(sources, _QUERY_SOURCE),
            )
        return authorizers

    def gateway_responses(self) -> dict[str, GatewayResponse]:
        responses: dict[str, GatewayResponse] = {}
        for response_type, response in (self.body.get("x-amazon-apigateway-gateway-responses") or {}).items():
            parameters = response.get("responseParameters") or {}
            responses[str(response_type)] = GatewayResponse(
                status_code=int(response["statusCode"]) if "statusCode" in response else None,
                templates={str(key): str(value) for key, value in (response.get("responseTemplates") or {}).items()},
                # Header values are mapping expressions; only 'quoted' literals mean something locally.
                headers={
                    str(name).removeprefix(_RESPONSE_HEADER): str(value)[1:-1]
                    for name, value in parameters.items()
                    if str(name).startswith(_RESPONSE_HEADER) and _is_quoted(value)
                },
            )
        return responses

    def routes(self, authorizers: Mapping[str, Authorizer]) -> list[Route]:
        # SAM writes each method's own security; a body's top-level one is the default of the rest.
        default = self.body.get("security")
        routes: list[Route] = []
        for path, methods in (self.body.get("paths") or {}).items():
            for method, operation in methods.items():
                if method not in _HTTP_METHODS:
                    continue
                integration = operation.get("x-amazon-apigateway-integration") or {}
                if integration.get("type") != "aws_proxy":
                    continue
                routes.append(
                    Route(
                        api_logical_id=self.api_logical_id,
                        path=str(path),
                        method="ANY" if method == ANY_METHOD else method.upper(),
                        function_logical_id=self._function_for_uri(integration.get("uri"), f"{method} {path}"),
                        authorizer=_authorizer_of(operation.get("security", default), authorizers),
                    )
                )
        return routes


def _authorizer_of(security: Any, authorizers: Mapping[str, Authorizer]) -> str | None:
    """The Lambda authorizer a security requirement names; None for NONE, AWS_IAM and the like."""
    for requirement in security or []:
        for name in requirement:
            if name in authorizers:
                return str(name)
    return None


def _named(sources: list[str], prefix: str) -> tuple[str, ...]:
    return tuple(source.removeprefix(prefix) for source in sources if source.startswith(prefix))


def _is_quoted(value: Any) -> bool:
    return isinstance(value, str) and len(value) >= 2 and value.startswith("'") and value.endswith("'")
