"""contacthub's GraphQL facade: one Strawberry schema over the same services as the REST dialects.

This is the only package that imports strawberry. The folder above it (`graphql/`) is not a package on
purpose: graphql-core's import name is `graphql`.

Modules that declare strawberry types evaluate their annotations when the class is made (no
`from __future__ import annotations`): strawberry would otherwise turn each string annotation back into a type
through `typing.ForwardRef`, compiling it, which made the function's cold start about a third slower. A type
referring to one defined later (or to itself) names it in quotes.
"""
