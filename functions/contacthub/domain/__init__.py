"""Pure domain model: no AWS, pynamodb, strawberry or powertools imports here."""
