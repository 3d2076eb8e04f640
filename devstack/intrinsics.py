"""CloudFormation's intrinsic functions, evaluated against a local, fake account.

CloudFormation resolves !Ref, !Sub, !GetAtt and friends when it deploys; the local stack has to
do the same to get the names it must create (tables, buses) and the environment the functions
see. Physical names follow the rules a deployment would give them where the template names a
resource itself, and a stable ``<stack>-<LogicalId>`` where CloudFormation would generate one.
"""

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final


class TemplateError(ValueError):
    """The template asks for something the local stack cannot evaluate."""


@dataclass(frozen=True)
class StackContext:
    """The pseudo parameters (AWS::StackName, AWS::Region, ...) of the local stack."""

    stack_name: str = "lead-router-local"
    account_id: str = "123456789012"
    region: str = "us-east-1"
    partition: str = "aws"
    url_suffix: str = "amazonaws.com"


class _NoValue:
    """AWS::NoValue: the property it stands for is removed, as if it had not been written."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE: Final = _NoValue()

# The property that carries a resource's own name, when the template sets one.
NAME_PROPERTIES: Final[Mapping[str, str]] = {
    "AWS::DynamoDB::Table": "TableName",
    "AWS::Serverless::SimpleTable": "TableName",
    "AWS::Events::EventBus": "Name",
    "AWS::Events::Rule": "Name",
    "AWS::Scheduler::ScheduleGroup": "Name",
    "AWS::IAM::Role": "RoleName",
    "AWS::Serverless::Function": "FunctionName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Serverless::LayerVersion": "LayerName",
    "AWS::Lambda::LayerVersion": "LayerName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::SES::EmailIdentity": "EmailIdentity",
    "AWS::Logs::LogGroup": "LogGroupName",
    # Ref of a secret is its ARN in AWS; its name finds it just as well (GetSecretValue takes either).
    "AWS::SecretsManager::Secret": "Name",
}

_API_TYPES: Final = frozenset({"AWS::Serverless::Api", "AWS::ApiGateway::RestApi"})
_LAYER_TYPES: Final = frozenset({"AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"})
# AutoPublishAlias makes SAM add a version and an alias of a function; locally there is one version.
_FUNCTION_QUALIFIER_TYPES: Final = frozenset({"AWS::Lambda::Alias", "AWS::Lambda::Version"})
LOCAL_FUNCTION_VERSION: Final = "1"
# The resources whose Ref is their ARN.
_ARN_REFERENCED_TYPES: Final = _LAYER_TYPES | _FUNCTION_QUALIFIER_TYPES | {"AWS::SNS::Topic"}
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def queue_url(region: str, account_id: str, name: str) -> str:
    return f"https://sqs.{region}.amazonaws.com/{account_id}/{name}"


def user_pool_id_for(region: str, logical_id: str) -> str:
    """The id a user pool gets locally: Cognito's shape (region_suffix), fixed by its logical id so that a
    function's !Ref names the pool devstack.cognito creates."""
    return f"{region}_{hashlib.sha256(logical_id.encode()).hexdigest()[:9]}"


def user_pool_client_id_for(logical_id: str) -> str:
    return hashlib.sha256(f"client:{logical_id}".encode()).hexdigest()[:26]


def api_id_for(logical_id: str) -> str:
    """A stable, API-Gateway-shaped id (ten lowercase characters) for an API's logical id."""
    return hashlib.sha256(logical_id.encode()).hexdigest()[:10]


class Resolver:
    """Evaluates intrinsic functions of one template for one stack context and parameter set."""

    def __init__(
        self,
        document: Mapping[str, Any],
        context: StackContext,
        parameter_overrides: Mapping[str, str] | None = None,
    ) -> None:
        self.context = context
        self.resources: Mapping[str, Any] = document.get("Resources") or {}
        self._conditions: Mapping[str, Any] = document.get("Conditions") or {}
        self._mappings: Mapping[str, Any] = document.get("Mappings") or {}
        self._condition_values: dict[str, bool] = {}
        self._evaluating: set[str] = set()
        self.parameters = self._parameter_values(document.get("Parameters") or {}, parameter_overrides or {})

    # -- parameters and conditions ---------------------------------------------------------------

    @staticmethod
    def _parameter_values(declared: Mapping[str, Any], overrides: Mapping[str, str]) -> dict[str, Any]:
        unknown = set(overrides) - set(declared)
        if unknown:
            raise TemplateError(f"unknown parameter(s): {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        for name, spec in declared.items():
            if name in overrides:
                raw: Any = overrides[name]
            elif "Default" in spec:
                raw = spec["Default"]
            else:
                raise TemplateError(f"parameter {name} has no Default; pass a value for it")
            text = as_string(raw)
            allowed = spec.get("AllowedValues")
            if allowed is not None and text not in [as_string(value) for value in allowed]:
                raise TemplateError(f"parameter {name}={text!r} is not one of {allowed}")
            kind = str(spec.get("Type", "String"))
            is_list = kind == "CommaDelimitedList" or kind.startswith("List<")
            values[name] = [item.strip() for item in text.split(",")] if is_list else text
        return values

    def condition(self, name: str) -> bool:
        if name in self._condition_values:
            return self._condition_values[name]
        if name not in self._conditions:
            raise TemplateError(f"unknown condition {name}")
        if name in self._evaluating:
            raise TemplateError(f"condition {name} depends on itself")
        self._evaluating.add(name)
        try:
            value = self._evaluate_condition(self._conditions[name])
        finally:
            self._evaluating.discard(name)
        self._condition_values[name] = value
        return value

    def _evaluate_condition(self, node: Any) -> bool:
        if isinstance(node, Mapping) and len(node) == 1:
            (key, argument), *_ = node.items()
            if key == "Condition":
                return self.condition(str(argument))
            if key == "Fn::Equals":
                left, right = (self.resolve(item) for item in argument)
                return as_string(left) == as_string(right)
            if key == "Fn::Not":
                return not self._evaluate_condition(argument[0])
            if key == "Fn::And":
                return all(self._evaluate_condition(item) for item in argument)
            if key == "Fn::Or":
                return any(self._evaluate_condition(item) for item in argument)
        value = self.resolve(node)
        if isinstance(value, bool):
            return value
        raise TemplateError(f"not a condition: {node!r}")

    def is_active(self, logical_id: str) -> bool:
        """False for a resource whose Condition is false: CloudFormation would not create it."""
        condition = self.resources[logical_id].get("Condition")
        return condition is None or self.condition(str(condition))

    # -- intrinsic functions ---------------------------------------------------------------------

    def resolve(self, node: Any) -> Any:
        """``node`` with every intrinsic function evaluated; NO_VALUE entries are dropped."""
        if isinstance(node, Mapping):
            if len(node) == 1:
                (key, argument), *_ = node.items()
                if key == "Ref" or (isinstance(key, str) and key.startswith("Fn::")):
                    return self._intrinsic(str(key), argument)
            resolved = {key: self.resolve(value) for key, value in node.items()}
            return {key: value for key, value in resolved.items() if value is not NO_VALUE}
        if isinstance(node, list):
            return [value for value in (self.resolve(item) for item in node) if value is not NO_VALUE]
        return node

    def _intrinsic(self, name: str, argument: Any) -> Any:  # noqa: C901, PLR0911, PLR0912 - one branch per function
        if name == "Ref":
            return self.ref(str(argument))
        if name == "Fn::GetAtt":
            parts = argument.split(".", 1) if isinstance(argument, str) else self.resolve(argument)
            return self.get_att(str(parts[0]), str(parts[1]))
        if name == "Fn::Sub":
            return self._sub(argument)
        if name == "Fn::If":
            condition_name, when_true, when_false = argument
            return self.resolve(when_true if self.condition(str(condition_name)) else when_false)
        if name in ("Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or"):
            return self._evaluate_condition({name: argument})
        if name == "Fn::Join":
            delimiter, items = argument
            return str(delimiter).join(as_string(item) for item in self.resolve(items))
        if name == "Fn::Select":
            index, items = self.resolve(argument)
            return items[int(index)]
        if name == "Fn::Split":
            delimiter, text = self.resolve(argument)
            return str(text).split(str(delimiter))
        if name == "Fn::FindInMap":
            map_name, top_key, second_key = (str(item) for item in self.resolve(argument))
            try:
                return self._mappings[map_name][top_key][second_key]
            except KeyError as missing:
                raise TemplateError(f"Fn::FindInMap: no {missing} in {map_name}") from None
        if name == "Fn::Base64":
            return base64.b64encode(as_string(self.resolve(argument)).encode()).decode()
        if name == "Fn::GetAZs":
            return [f"{self.context.region}{zone}" for zone in "abc"]
        if name == "Fn::ToJsonString":
            return json.dumps(self.resolve(argument), separators=(",", ":"))
        if name == "Fn::Length":
            return len(self.resolve(argument))
        raise TemplateError(f"{name} is not supported by the local stack")

    def _sub(self, argument: Any) -> str:
        if isinstance(argument, list):
            text, variables = str(argument[0]), self.resolve(argument[1])
        else:
            text, variables = str(argument), {}

        def replace(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression.startswith("!"):
                return "${" + expression[1:] + "}"  # ${!Literal} is how Fn::Sub writes "${Literal}"
            if expression in variables:
                return as_string(variables[expression])
            if "." in expression and not expression.startswith("AWS::"):
                logical_id, attribute = expression.split(".", 1)
                return as_string(self.get_att(logical_id, attribute))
            return as_string(self.ref(expression))

        return _SUB_VARIABLE.sub(replace, text)

    def ref(self, name: str) -> Any:
        pseudo = self._pseudo_parameter(name)
        if pseudo is not None:
            return pseudo
        if name in self.parameters:
            return self.parameters[name]
        resource_type = self._resource_type(name)
        generated = self._generated_id(name, resource_type)
        if generated is not None:
            return generated
        if resource_type in _ARN_REFERENCED_TYPES:
            return self.arn(name)
        if resource_type == "AWS::SQS::Queue":
            # A queue's Ref is its URL; moto finds the queue by the URL's last part, whatever the host.
            return queue_url(self.context.region, self.context.account_id, self.physical_name(name))
        return self.physical_name(name)

    def _generated_id(self, name: str, resource_type: str) -> str | None:
        """The Ref of a resource whose id AWS makes up (an API, a user pool, an app client): fixed locally."""
        if resource_type in _API_TYPES or name == "ServerlessRestApi":
            return api_id_for(name)
        if resource_type == "AWS::Cognito::UserPool":
            return user_pool_id_for(self.context.region, name)
        if resource_type == "AWS::Cognito::UserPoolClient":
            return user_pool_client_id_for(name)
        return None

    def _pseudo_parameter(self, name: str) -> Any:
        context = self.context
        values: dict[str, Any] = {
            "AWS::StackName": context.stack_name,
            "AWS::AccountId": context.account_id,
            "AWS::Region": context.region,
            "AWS::Partition": context.partition,
            "AWS::URLSuffix": context.url_suffix,
            "AWS::StackId": (
                f"{self._arn_prefix('cloudformation')}:stack/{context.stack_name}/00000000-0000-0000-0000-000000000000"
            ),
            "AWS::NotificationARNs": [],
            "AWS::NoValue": NO_VALUE,
        }
        return values.get(name)

    def get_att(self, logical_id: str, attribute: str) -> Any:
        resource_type = self._resource_type(logical_id)
        if attribute == "Arn":
            return self.arn(logical_id)
        if attribute == "Version" and resource_type == "AWS::Lambda::Version":
            return LOCAL_FUNCTION_VERSION
        if attribute == "StreamArn":
            return f"{self.arn(logical_id)}/stream/1970-01-01T00:00:00.000"
        if attribute == "RootResourceId" and resource_type in _API_TYPES:
            return "rootresource"
        if resource_type == "AWS::SQS::Queue" and attribute in ("QueueName", "QueueUrl"):
            return self.physical_name(logical_id) if attribute == "QueueName" else self.ref(logical_id)
        return f"{self.physical_name(logical_id)}-{attribute}"

    def arn(self, logical_id: str) -> str:
        name = self.physical_name(logical_id)
        resource_type = self._resource_type(logical_id)
        known = {
            "AWS::DynamoDB::Table": f"{self._arn_prefix('dynamodb')}:table/{name}",
            "AWS::Serverless::SimpleTable": f"{self._arn_prefix('dynamodb')}:table/{name}",
            "AWS::Events::EventBus": f"{self._arn_prefix('events')}:event-bus/{name}",
            "AWS::Events::Rule": f"{self._arn_prefix('events')}:rule/{name}",
            "AWS::Scheduler::ScheduleGroup": f"{self._arn_prefix('scheduler')}:schedule-group/{name}",
            "AWS::IAM::Role": f"arn:{self.context.partition}:iam::{self.context.account_id}:role/{name}",
            "AWS::Serverless::Function": f"{self._arn_prefix('lambda')}:function:{name}",
            "AWS::Lambda::Function": f"{self._arn_prefix('lambda')}:function:{name}",
            "AWS::SQS::Queue": f"{self._arn_prefix('sqs')}:{name}",
            "AWS::SNS::Topic": f"{self._arn_prefix('sns')}:{name}",
            "AWS::S3::Bucket": f"arn:{self.context.partition}:s3:::{name}",
            "AWS::Lambda::LayerVersion": f"{self._arn_prefix('lambda')}:layer:{name}:1",
            "AWS::Serverless::LayerVersion": f"{self._arn_prefix('lambda')}:layer:{name}:1",
        }
        if resource_type in known:
            return known[resource_type]
        if resource_type == "AWS::Cognito::UserPool":
            return f"{self._arn_prefix('cognito-idp')}:userpool/{user_pool_id_for(self.context.region, logical_id)}"
        if resource_type in _FUNCTION_QUALIFIER_TYPES:
            return self._qualified_function_arn(logical_id, resource_type)
        service = resource_type.split("::")[1].lower() if resource_type.count("::") == 2 else "unknown"
        return f"{self._arn_prefix(service)}:{resource_type.rsplit('::', 1)[-1].lower()}/{name}"

    def _qualified_function_arn(self, logical_id: str, resource_type: str) -> str:
        """An alias's or version's ARN: its function's ARN with the alias name or the version number."""
        properties = self.resolve((self.resources.get(logical_id) or {}).get("Properties") or {})
        function = as_string(properties.get("FunctionName", ""))
        function_arn = function if function.startswith("arn:") else f"{self._arn_prefix('lambda')}:function:{function}"
        qualifier = properties.get("Name") if resource_type == "AWS::Lambda::Alias" else LOCAL_FUNCTION_VERSION
        return f"{function_arn}:{as_string(qualifier)}"

    def physical_name(self, logical_id: str) -> str:
        """The name a deployment gives the resource: its own name property, else ``<stack>-<LogicalId>``."""
        resource_type = self._resource_type(logical_id)
        name_property = NAME_PROPERTIES.get(resource_type)
        properties = (self.resources.get(logical_id) or {}).get("Properties") or {}
        if name_property and name_property in properties:
            guard = f"name:{logical_id}"
            if guard in self._evaluating:
                raise TemplateError(f"the name of {logical_id} depends on itself")
            self._evaluating.add(guard)
            try:
                name = self.resolve(properties[name_property])
            finally:
                self._evaluating.discard(guard)
            if name is not NO_VALUE:
                return as_string(name)
        return f"{self.context.stack_name}-{logical_id}"

    def _resource_type(self, logical_id: str) -> str:
        resource = self.resources.get(logical_id)
        if resource is None:
            # SAM creates some resources itself (an implicit API, a role per function); a template
            # may refer to them, and their names follow the same local convention.
            return "AWS::Serverless::Api" if logical_id == "ServerlessRestApi" else "Implicit::Sam::Resource"
        return str(resource.get("Type", ""))

    def _arn_prefix(self, service: str) -> str:
        return f"arn:{self.context.partition}:{service}:{self.context.region}:{self.context.account_id}"


def as_string(value: Any) -> str:
    """How CloudFormation turns a value into text (booleans are lowercase)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        raise TemplateError(f"expected a string, got {value!r}")
    return str(value)
