"""Settings every test process shares, made before any test module imports the layer."""

import os

# The template's Globals give every function this service name. Powertools names a module's child logger
# after it when the module is imported (`<service>.<module>`), and a child named after another service
# would not reach the service's logger: a test that imports a module first must see the name Lambda sees.
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "lead-router")
