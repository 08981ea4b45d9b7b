"""DynamoDB adapters (pynamodb). Item classes here are storage shapes; repositories return domain objects."""
