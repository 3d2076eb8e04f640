"""The agent's own status, working hours and out-of-office dates.

To be filled in: the router is registered in console/application.py."""

from leadrouter.api.resolver import new_router

router = new_router()
