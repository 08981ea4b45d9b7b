"""letsligo dialect: API Platform conventions (JSON-LD/Hydra, UUID ids, 422 violations), Bearer auth."""
