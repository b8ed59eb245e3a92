"""Narratives: documents grouped into stories (near-duplicates collapsed), and their emerging-negative score."""
