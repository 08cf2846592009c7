"""Who runs the epochs: the engine protocol and registry (base.py), the one epoch loop
(epochs.py), and the engines registered here: ``local`` (threads, local.py) and ``ray`` (a Ray
cluster: options in distributed.py, actors in ray.py, which alone imports Ray).
"""
from .base import get_engine, register_engine
from .distributed import RayFactory
from .local import LocalFactory

__all__ = ["get_engine", "register_engine"]

register_engine("local", LocalFactory())
register_engine("ray", RayFactory())
