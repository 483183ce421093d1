"""Measurements: load, latency, memory and NLU quality (see each module)."""
