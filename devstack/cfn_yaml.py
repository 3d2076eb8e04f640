"""Reading a CloudFormation/SAM template written in YAML, short tags (!Ref, !Sub, ...) included.

A plain YAML loader rejects the short tags. This one turns each into the long form that
CloudFormation documents (``!Ref X`` is ``{"Ref": "X"}``, ``!Sub s`` is ``{"Fn::Sub": s}``), so
that the resolver only ever deals with one form.
"""

import copy
import functools
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]


class TemplateLoader(yaml.SafeLoader):  # type: ignore[misc, unused-ignore]
    """SafeLoader plus CloudFormation's short tags; registered on this subclass only."""


def _construct_tag(loader: Any, tag_suffix: str, node: Any) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "Condition":
        return {"Condition": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        # The short form "Resource.Attribute" splits on the first dot only
        # (attributes such as Endpoint.Address have dots of their own).
        logical_id, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [logical_id, attribute]}
    return {f"Fn::{tag_suffix}": value}


TemplateLoader.add_multi_constructor("!", _construct_tag)


def load_yaml(path: Path) -> dict[str, Any]:
    """The template as plain dicts and lists, intrinsic functions in their long form. Parsed once per version
    of the file (about half a second for ours, and the local stack's parts each read it): every caller gets
    its own copy, free to change."""
    stat = path.stat()
    return copy.deepcopy(_parsed(path.resolve(), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=4)
def _parsed(path: Path, _mtime_ns: int, _size: int) -> dict[str, Any]:
    with path.open(encoding="utf-8") as stream:
        document = yaml.load(stream, Loader=TemplateLoader)  # noqa: S506 - a SafeLoader subclass
    if not isinstance(document, dict):
        raise ValueError(f"{path} is not a CloudFormation template (expected a mapping at the top)")
    return document
