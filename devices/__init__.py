"""Hall devices: transports, the ticket printer, the RS-485 bus, device states, simulators."""
