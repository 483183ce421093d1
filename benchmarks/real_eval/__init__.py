"""End-to-end evaluation on real messages: `make real-eval` (see __main__.py)."""
