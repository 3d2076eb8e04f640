"""The whole lead router on this machine, built from template.yaml: no Docker, no AWS account.

``python -m devstack`` serves it; ``devstack.start()`` runs it inside a test process, and
``devstack.resources.create_resources`` builds the template's tables in ``moto.mock_aws()``.
"""

from devstack.resources import CreatedResources, create_resources, create_tables
from devstack.stack import RunningStack, start
from devstack.template import Template, load_template

__all__ = [
    "CreatedResources",
    "RunningStack",
    "Template",
    "create_resources",
    "create_tables",
    "load_template",
    "start",
]
