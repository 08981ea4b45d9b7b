"""The base of letsligo's request bodies (pydantic): imported by the schemas, which only a write needs."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class WireModel(BaseModel):
    """A request body: unknown and read-only properties are refused, never silently dropped."""

    # Built when first used (a write, or the API reference): the routes import the schemas lazily anyway.
    model_config = ConfigDict(extra="forbid", defer_build=True)
