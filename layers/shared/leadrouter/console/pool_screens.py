"""The brokers' and office managers' lead pool (filters, assign to an agent or an office, send back).

To be filled in: the router is registered in console/application.py."""

from leadrouter.api.resolver import new_router

router = new_router()
