"""The console: server-rendered pages at /app/ where agents, office managers and admins work in a browser.

Pages call the same services with the same Principal an API key of the user's role and scope would have, so
no rule lives twice (docs/DECISIONS.md, "The console")."""
