"""Live sources and what goes out: polling feeds (watch), alerts to webhooks, Atom feeds."""
