"""Numba kernels: one call trains a whole job of sentences on shared weight arrays (Hogwild).

``KERNELS`` maps the architecture to its job function; the objective is chosen by the type of
the parameter tuple passed as ``out`` (see :mod:`.objectives`).
"""
from .cbow import cbow_job
from .common import SIGMOID_TABLE, LOG_SIGMOID_TABLE, MAX_EXP, TABLE_SIZE, own_lines
from .objectives import Both, FullSoftmax, HierarchicalSoftmax, NegativeSampling, publish, with_own_rows
from .skipgram import sg_job
from .skipgram_shared import sg_shared_job, shared_work

# sg_shared: skip-gram with negatives shared across the window (negative sampling only).
KERNELS = {"sg": sg_job, "cbow": cbow_job, "sg_shared": sg_shared_job}

__all__ = ["KERNELS", "sg_job", "cbow_job", "sg_shared_job", "shared_work", "NegativeSampling", "HierarchicalSoftmax",
           "FullSoftmax", "Both", "with_own_rows", "publish", "own_lines", "SIGMOID_TABLE", "LOG_SIGMOID_TABLE", "MAX_EXP", "TABLE_SIZE"]
