"""Numba kernels: one call trains a whole job of sentences on shared weight arrays (Hogwild).

``KERNELS`` maps the architecture to its job function. The job combines an input kind and an
objective, each chosen by the type of the tuple passed (``inp``: :mod:`.inputs`, ``out``:
:mod:`.objectives`); a new input kind or objective is a new tuple there, never a new job.
"""
from .cbow import cbow_held_job, cbow_job
from .concat import dm_concat_job
from .common import SIGMOID_TABLE, LOG_SIGMOID_TABLE, MAX_EXP, TABLE_SIZE, own_lines
from .inputs import DocConcat, DocTags, SubwordRows, WordRows
from .objectives import (Both, Frozen, FullSoftmax, HierarchicalSoftmax, NegativeSampling, SharedNegatives, publish,
                         with_own_rows)
from .skipgram import sg_job

# sg_shared: skip-gram with negatives shared across the window: the same job, trained with a
# SharedNegatives objective (negative sampling only; see Config.kernel).
# cbow_held: CBOW whose window words' rows are read and written once per position (Config.kernel).
# dm_concat: PV-DM with a concatenated context (Doc2Vec's dm_concat; a DocConcat input).
KERNELS = {"sg": sg_job, "cbow": cbow_job, "cbow_held": cbow_held_job, "sg_shared": sg_job,
           "dm_concat": dm_concat_job}

__all__ = ["KERNELS", "sg_job", "cbow_job", "cbow_held_job", "dm_concat_job", "WordRows", "SubwordRows", "DocTags",
           "DocConcat", "NegativeSampling",
           "SharedNegatives", "HierarchicalSoftmax", "FullSoftmax", "Both", "Frozen", "with_own_rows", "publish", "own_lines",
           "SIGMOID_TABLE", "LOG_SIGMOID_TABLE", "MAX_EXP", "TABLE_SIZE"]
