"""The HTTP layer: Powertools routers (thin: parse, call a service, answer) and the error mapping."""
