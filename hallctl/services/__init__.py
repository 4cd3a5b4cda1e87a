"""Use cases: one function per action, each one transaction, each returning a JSON-ready result."""
