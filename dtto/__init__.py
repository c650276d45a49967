"""dtto: runs and measures court-ordered drug treatment and testing."""

__version__ = "0.1.0"
