"""The lead router's shared package: the routing domain, its services, the AWS adapters and the HTTP layer."""
