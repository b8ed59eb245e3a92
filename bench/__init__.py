"""Benchmarks (`make bench`): each `bench_*.py` measures us against a reference in the same run."""
