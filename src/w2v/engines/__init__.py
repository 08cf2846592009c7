"""Who runs the epochs: the one epoch loop, local threads, a Ray cluster."""
