"""Local mode: run the deployed Lambda handlers on one machine, with AWS emulated by moto."""
