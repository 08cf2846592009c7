"""Trained vectors and their use: queries, files, the approximate-neighbour index."""
