"""What the hall's LEDs, screens and speakers say: LED frames and registers, text fitting, the voice."""
