"""The routing settings of seed 004 and the offices.

To be filled in: the router is registered in console/application.py."""

from leadrouter.api.resolver import new_router

router = new_router()
