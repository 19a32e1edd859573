"""The REST API v2: parses, authenticates, authorises and validates; holds no contact-center state."""
