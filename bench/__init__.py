"""Load, latency and memory benchmarks of the collector (``make bench``, ``make soak``); not part of ``make test``."""
