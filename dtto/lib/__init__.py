"""Small shared helpers with no Django dependency (dates, environment settings)."""
