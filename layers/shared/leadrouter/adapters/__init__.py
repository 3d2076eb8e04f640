"""Adapters: DynamoDB, SES, Scheduler and EventBridge behind the small interfaces the services use."""
