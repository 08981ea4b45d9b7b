"""Webhook delivery adapters: the target guard (SSRF), the signed HTTP sender, the SQS queue, the worker."""
