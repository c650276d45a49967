"""Scale and speed measurements: ``python -m benchmarks`` runs every ``bench_*.py``."""
