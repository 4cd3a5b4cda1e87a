"""hallctl: the queue kiosk and hall-device controller of a government service hall (see README.md)."""
