"""Benchmarks: each module with a main() measures, prints and writes bench/results/."""
