"""REST dialects. Each one: schemas (wire models), mapping (pure), routes, errors (one map), handler."""
