"""Trend detection: causal seasonal baselines, count-model tail scores and debounced alerts (pure core)."""
