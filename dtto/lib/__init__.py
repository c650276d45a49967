"""Small shared helpers: dates, environment settings, the case-file layout (no Django), and
the base class of the management commands (commands.py)."""
