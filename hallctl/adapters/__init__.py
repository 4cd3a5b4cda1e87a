"""Adapters: storage (SQLAlchemy), event bus, and the glue to devices and Socket.IO."""
