"""Benchmarks (run as modules: ``python -m bench.mt940_bench``); not part of the package."""
