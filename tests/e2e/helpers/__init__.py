"""Helpers the end-to-end test modules share: calls on the in-process API, and actions on the pages."""
