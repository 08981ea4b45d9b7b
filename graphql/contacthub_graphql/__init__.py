"""contacthub's GraphQL facade: one Strawberry schema over the same services as the REST dialects.

This is the only package that imports strawberry. The folder above it (`graphql/`) is not a package on
purpose: graphql-core's import name is `graphql`.
"""
