"""The agents: create, edit, deactivate; weight, caps, status, hours, out of office, criteria.

To be filled in: the router is registered in console/application.py."""

from leadrouter.api.resolver import new_router

router = new_router()
