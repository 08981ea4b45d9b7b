"""contacthub core: domain, services and DynamoDB adapters shared by every Lambda function."""
