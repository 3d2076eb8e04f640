"""Reports (speed to lead and distribution as charts, a table and CSV; the pool's age).

To be filled in: the router is registered in console/application.py."""

from leadrouter.api.resolver import new_router

router = new_router()
