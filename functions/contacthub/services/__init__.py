"""Use cases. Services take their repositories as parameters and know nothing of AWS or HTTP."""
