"""GraphQL object types, one per module. They are built from domain objects and never touch storage."""
