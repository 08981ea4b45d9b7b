"""The change feed: DynamoDB Streams records become events (mapper.py), recorded and fanned out to webhooks."""
