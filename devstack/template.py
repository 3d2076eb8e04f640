"""What the local stack needs to know from template.yaml, resolved for the local, fake account.

template.yaml is the one source of truth: tables, the event bus, the schedule group, the
functions and the API routes all come from it, so that a change to the template changes the
local stack the same way it changes a deployment. Functions, routes, authorizers and gateway
responses are read from SAM's own translation of the template (devstack.sam_translation), so
Globals, events, the implicit API and AutoPublishAlias mean locally what they mean deployed;
resources the local stack does not emulate (alarms, topics, dashboards, roles...) are ignored,
and a resource whose Condition is false is left out, as CloudFormation leaves it out.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from devstack.api_definition import Api, Authorizer, GatewayResponse, Route, read_apis
from devstack.cfn_yaml import load_yaml
from devstack.intrinsics import Resolver, StackContext, TemplateError, as_string
from devstack.sam_translation import local_folder, translate

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
LAMBDA_FUNCTION_TYPE: Final = "AWS::Lambda::Function"
LAYER_TYPE: Final = "AWS::Lambda::LayerVersion"
USER_POOL_TYPE: Final = "AWS::Cognito::UserPool"
USER_POOL_CLIENT_TYPE: Final = "AWS::Cognito::UserPoolClient"
# Lambda's own defaults, for a function (and Globals) that does not set them.
DEFAULT_TIMEOUT_SECONDS: Final = 3
DEFAULT_MEMORY_MB: Final = 128
_FUNCTION_ARN_NAME = re.compile(r":function:([^:/]+)")


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
class Secret:
    """An AWS::SecretsManager::Secret: locally it gets a random value of the length its template asks."""

    logical_id: str
    name: str
    length: int


@dataclass(frozen=True)
class UserPool:
    """A Cognito user pool, with the id its Ref stands for and its app clients (logical id, client id)."""

    logical_id: str
    pool_id: str
    properties: Mapping[str, Any]
    clients: tuple[tuple[str, str, Mapping[str, Any]], ...] = ()


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
    secrets: tuple[Secret, ...] = ()
    user_pools: tuple[UserPool, ...] = ()

    @property
    def root(self) -> Path:
        return self.path.parent

    def function_for_arn(self, arn: str) -> Function | None:
        """The template's function that a Lambda ARN (possibly with a qualifier) names."""
        logical_id = _function_id_for_arn(self.functions, arn)
        return None if logical_id is None else self.functions[logical_id]

    def table_named(self, name: str) -> Table | None:
        return next((table for table in self.tables if table.name == name), None)


def load_template(
    path: Path,
    *,
    parameters: Mapping[str, str] | None = None,
    context: StackContext | None = None,
) -> Template:
    """Load a SAM template, translate it as SAM does, and resolve it for the local stack.

    ``parameters`` override the template's parameter defaults. Raises TemplateError for what
    the local stack cannot emulate (an unknown intrinsic, a parameter without a default, a
    function whose code is not a local folder) and for what SAM refuses.
    """
    path = path.resolve()
    context = context or StackContext()
    document = load_yaml(path)
    # The parameters are checked (and their defaults filled in) before SAM sees them.
    values = Resolver(document, context, parameters).parameters
    cloudformation = translate(document, values, context)
    resolver = Resolver(cloudformation, context, parameters)
    sam_functions = frozenset(
        logical_id
        for logical_id, resource in (document.get("Resources") or {}).items()
        if resource.get("Type") == FUNCTION_TYPE
    )
    return _Extractor(path, cloudformation, resolver, sam_functions).template()


class _Extractor:
    """Reads the translated (CloudFormation) template; every value resolved for the local stack."""

    def __init__(
        self, path: Path, document: Mapping[str, Any], resolver: Resolver, sam_functions: frozenset[str]
    ) -> None:
        self.root = path.parent
        self.path = path
        self.document = document
        self.resolver = resolver
        # The functions the template declares in SAM's terms: the ones the local stack runs. SAM
        # keeps their logical ids; the Lambda functions it may add for itself are not emulated.
        self.sam_functions = sam_functions

    def _active(self, resource_type: str) -> list[str]:
        return [
            logical_id
            for logical_id, resource in self.resolver.resources.items()
            if resource.get("Type") == resource_type and self.resolver.is_active(logical_id)
        ]

    def _properties(self, logical_id: str) -> dict[str, Any]:
        raw = self.resolver.resources[logical_id].get("Properties") or {}
        resolved: dict[str, Any] = self.resolver.resolve(raw)
        return resolved

    def template(self) -> Template:
        resolver = self.resolver
        layer_dirs = self._layer_dirs()
        functions = {
            logical_id: self._function(logical_id, layer_dirs)
            for logical_id in self._active(LAMBDA_FUNCTION_TYPE)
            if logical_id in self.sam_functions
        }
        apis, routes = read_apis(resolver, lambda arn: _function_id_for_arn(functions, arn))
        return Template(
            path=self.path,
            context=resolver.context,
            parameters=dict(resolver.parameters),
            tables=tuple(
                Table(logical_id, resolver.physical_name(logical_id), self._properties(logical_id))
                for logical_id in self._active("AWS::DynamoDB::Table")
            ),
            event_buses=tuple(
                EventBus(logical_id, resolver.physical_name(logical_id))
                for logical_id in self._active("AWS::Events::EventBus")
            ),
            schedule_groups=tuple(
                ScheduleGroup(logical_id, resolver.physical_name(logical_id))
                for logical_id in self._active("AWS::Scheduler::ScheduleGroup")
            ),
            functions=functions,
            apis=apis,
            routes=routes,
            sender_identities=self._sender_identities(),
            outputs=self._outputs(),
            secrets=tuple(
                Secret(
                    logical_id,
                    resolver.physical_name(logical_id),
                    int(self._properties(logical_id).get("GenerateSecretString", {}).get("PasswordLength", 32)),
                )
                for logical_id in self._active("AWS::SecretsManager::Secret")
            ),
            user_pools=self._user_pools(),
        )

    def _user_pools(self) -> tuple[UserPool, ...]:
        clients = [(logical_id, self._properties(logical_id)) for logical_id in self._active(USER_POOL_CLIENT_TYPE)]
        return tuple(
            UserPool(
                logical_id,
                as_string(self.resolver.ref(logical_id)),
                self._properties(logical_id),
                tuple(
                    (client_id, as_string(self.resolver.ref(client_id)), properties)
                    for client_id, properties in clients
                    if properties.get("UserPoolId") == self.resolver.ref(logical_id)
                ),
            )
            for logical_id in self._active(USER_POOL_TYPE)
        )

    def _function(self, logical_id: str, layer_dirs: Mapping[str, Path]) -> Function:
        properties = self._properties(logical_id)
        folder = local_folder(properties.get("Code"))
        if properties.get("PackageType", "Zip") != "Zip" or folder is None:
            raise TemplateError(f"{logical_id}: the local stack runs only functions with a local CodeUri folder")
        variables = (properties.get("Environment") or {}).get("Variables") or {}
        return Function(
            logical_id=logical_id,
            name=self.resolver.physical_name(logical_id),
            arn=self.resolver.arn(logical_id),
            code_dir=(self.root / folder).resolve(),
            handler=str(properties["Handler"]),
            environment={str(key): as_string(value) for key, value in variables.items()},
            timeout=int(properties.get("Timeout", DEFAULT_TIMEOUT_SECONDS)),
            memory_size=int(properties.get("MemorySize", DEFAULT_MEMORY_MB)),
            # A layer from elsewhere (an ARN of another account) has no folder here; the function's own
            # requirements must then cover it, as before.
            layer_dirs=tuple(layer_dirs[str(arn)] for arn in properties.get("Layers") or [] if str(arn) in layer_dirs),
        )

    def _layer_dirs(self) -> dict[str, Path]:
        """The folder of each layer built from this project, by the layer's ARN (a function's Layers entry)."""
        by_arn: dict[str, Path] = {}
        for logical_id in self._active(LAYER_TYPE):
            folder = local_folder(self._properties(logical_id).get("Content"))
            if folder is not None:
                by_arn[as_string(self.resolver.ref(logical_id))] = (self.root / folder).resolve()
        return by_arn

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


def _function_id_for_arn(functions: Mapping[str, Function], arn: str) -> str | None:
    """The logical id of the function a Lambda ARN (possibly with a qualifier), or a bare name, names."""
    match = _FUNCTION_ARN_NAME.search(arn)
    name = match.group(1) if match else arn
    return next((logical_id for logical_id, function in functions.items() if function.name == name), None)
