"""Evaluation, the probe, pictures and the comparison of two models."""
