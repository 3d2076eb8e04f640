"""The routes: priority order, members, claim window, order, and their conditions as a week grid.

To be filled in: the router is registered in console/application.py."""

from leadrouter.api.resolver import new_router

router = new_router()
