"""SAM's own translation of the template into CloudFormation, done on this machine and offline.

Globals, Api events, the implicit API, authorizers, gateway responses, AutoPublishAlias and the rest
are SAM's semantics: a local stack that re-implemented them would drift from what a deployment
does. aws-sam-translator is the library behind CloudFormation's `AWS::Serverless-2016-10-31`
transform, so the local stack reads its output instead.

What this module guarantees:
- no network: managed policies come from the map bundled with the translator, feature toggles are
  all off without asking AppConfig, the region comes from the stack context;
- local code survives the translation: the translator accepts only S3 locations, so a local
  `CodeUri`/`ContentUri` folder becomes a placeholder S3 location in `LOCAL_CODE_BUCKET` whose
  key is the folder (`local_folder` reads it back from the translated `Code`/`Content`);
- what the translator refuses is a `TemplateError`, with its messages.
"""

import copy
from collections.abc import Mapping
from typing import Any, Final

import boto3
from samtranslator.feature_toggle.feature_toggle import (  # type: ignore[import-untyped]
    FeatureToggle,
    FeatureToggleDefaultConfigProvider,
)
from samtranslator.internal.managed_policies import get_bundled_managed_policy_map  # type: ignore[import-untyped]
from samtranslator.model.exceptions import InvalidDocumentException  # type: ignore[import-untyped]
from samtranslator.parser.parser import Parser  # type: ignore[import-untyped]
from samtranslator.translator.translator import Translator  # type: ignore[import-untyped]

from devstack.intrinsics import StackContext, TemplateError

__all__ = ["LOCAL_CODE_BUCKET", "local_folder", "translate"]

# Not a bucket anywhere: the key of a location in it is a folder of the project.
LOCAL_CODE_BUCKET: Final = "devstack-local-code"
_LOCAL_PREFIX: Final = f"s3://{LOCAL_CODE_BUCKET}/"
# The SAM resources whose code may be a local folder, and the property that names it.
_LOCAL_CODE_PROPERTIES: Final[Mapping[str, str]] = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
}


class _EveryFeatureOff(FeatureToggle):  # type: ignore[misc]
    """The translator's default (every dial-up feature off), without a warning for each feature it asks about."""

    def __init__(self) -> None:
        super().__init__(FeatureToggleDefaultConfigProvider(), stage=None, account_id=None, region=None)

    def is_enabled(self, feature_name: str) -> bool:
        return False


def translate(document: Mapping[str, Any], parameters: Mapping[str, Any], context: StackContext) -> dict[str, Any]:
    """The CloudFormation template SAM makes of ``document`` for these parameter values and this stack."""
    sam_template = copy.deepcopy(dict(document))
    _point_local_code_at_placeholder(sam_template)
    parameter_values: dict[str, Any] = {
        **parameters,
        "AWS::StackName": context.stack_name,
        "AWS::AccountId": context.account_id,
        "AWS::Region": context.region,
        "AWS::Partition": context.partition,
        "AWS::URLSuffix": context.url_suffix,
    }
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=context.region))
    bundled_policies: dict[str, str] = get_bundled_managed_policy_map(context.partition) or {}
    try:
        translated: dict[str, Any] = translator.translate(
            sam_template,
            parameter_values=parameter_values,
            feature_toggle=_EveryFeatureOff(),
            get_managed_policy_map=lambda: bundled_policies,
        )
    except InvalidDocumentException as invalid:
        messages = "; ".join(str(cause) for cause in invalid.causes)
        raise TemplateError(f"SAM cannot translate the template: {messages}") from invalid
    finally:
        # The translator counts what it did for CloudWatch; here the counts go nowhere, quietly.
        translator.metrics.publish()
    return translated


def local_folder(code: Any) -> str | None:
    """The project folder a translated ``Code``/``Content`` property came from; None for code elsewhere."""
    if isinstance(code, Mapping) and code.get("S3Bucket") == LOCAL_CODE_BUCKET:
        return str(code["S3Key"])
    return None


def _point_local_code_at_placeholder(sam_template: dict[str, Any]) -> None:
    function_globals = (sam_template.get("Globals") or {}).get("Function") or {}
    _replace_local_uri(function_globals, "CodeUri")
    for resource in (sam_template.get("Resources") or {}).values():
        name = _LOCAL_CODE_PROPERTIES.get(str(resource.get("Type")))
        if name is not None:
            _replace_local_uri(resource.get("Properties") or {}, name)


def _replace_local_uri(properties: dict[str, Any], name: str) -> None:
    value = properties.get(name)
    if isinstance(value, str) and not value.startswith("s3://"):
        properties[name] = _LOCAL_PREFIX + value
