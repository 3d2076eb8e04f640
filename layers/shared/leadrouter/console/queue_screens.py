"""The fair-share queue (who is next and why, adjustments) and Try a lead (simulate).

To be filled in: the router is registered in console/application.py."""

from leadrouter.api.resolver import new_router

router = new_router()
