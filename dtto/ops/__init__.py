"""Running dtto in production: the server, health and readiness, logs, security headers."""
