"""How w2v's Numba functions are compiled: Numba's own nopython pipeline, with the blocks of each
function renumbered 0, 1, 2, ... just before it is lowered to LLVM.

Why: Numba gives the blocks of a function it inlines (``inline="always"``, which every kernel's
helpers use) labels past a process-wide counter, then raises the counter past them; a helper's IR
is itself numbered from that counter first, so each inlining about doubles it. After some
thousands of inlinings in one process (the test suite got there; any long session that compiles
many kinds of kernel can) the labels had over 1,000 digits, and LLVM refuses block names that long ("name is too
long which can result in name collisions"): every kernel compiled after that failed. Renumbering
before lowering keeps the names short however long the process has run; the labels only name
blocks, so the compiled code is the same.

Every module that compiles functions takes ``njit`` from here instead of from Numba, and
``jit_options`` of overloads take :data:`PIPELINE`.
"""
import numba
from numba.core import ir
from numba.core.compiler import CompilerBase, DefaultPassBuilder
from numba.core.compiler_machinery import FunctionPass, register_pass
from numba.core.typed_passes import NoPythonSupportedFeatureValidation

from . import numba_cache  # noqa: F401  (before any @njit: cache stamps cover all compiled sources)

__all__ = ["Compiler", "PIPELINE", "njit", "compact_labels"]


def compact_labels(blocks):
    """``blocks`` (label -> ir.Block) relabelled 0, 1, 2, ... in the order of their labels, with
    every jump and branch retargeted; the first block stays first. The blocks are reused, their
    terminators replaced by new nodes (copies of an IR may share the old ones).

    Examples
    --------
    >>> loc = ir.Loc("f", 1)
    >>> a, b = ir.Block(ir.Scope(None, loc), loc), ir.Block(ir.Scope(None, loc), loc)
    >>> a.append(ir.Jump(10 ** 40, loc)); b.append(ir.Return(ir.Var(b.scope, "x", loc), loc))
    >>> new = compact_labels({7: a, 10 ** 40: b})
    >>> sorted(new), new[0].terminator.target
    ([0, 1], 1)
    """
    number = {label: i for i, label in enumerate(sorted(blocks))}
    compact = {}
    for label, block in blocks.items():
        term = block.terminator
        if isinstance(term, ir.Jump):
            block.body[-1] = ir.Jump(number[term.target], term.loc)
        elif isinstance(term, ir.Branch):
            block.body[-1] = ir.Branch(term.cond, number[term.truebr], number[term.falsebr], term.loc)
        compact[number[label]] = block
    return compact


@register_pass(mutates_CFG=True, analysis_only=False)
class CompactLabels(FunctionPass):
    """Renumber the function's blocks 0, 1, 2, ... (:func:`compact_labels`)."""

    _name = "w2v_compact_labels"

    def __init__(self):
        FunctionPass.__init__(self)

    def run_pass(self, state):
        blocks = state.func_ir.blocks
        if max(blocks) < len(blocks):      # already 0 .. n-1
            return False
        state.func_ir.blocks = compact_labels(blocks)
        return True


class Compiler(CompilerBase):
    """Numba's nopython pipeline with :class:`CompactLabels` once the typed passes are done, right
    before the IR is legalised (which computes the variables' lifetimes from the labels) and the
    function lowered."""

    def define_pipelines(self):
        pm = DefaultPassBuilder.define_nopython_pipeline(self.state)
        pm.add_pass_after(CompactLabels, NoPythonSupportedFeatureValidation)
        pm.finalize()
        return [pm]


# The option that makes a decorator compile through :class:`Compiler` (overloads' ``jit_options``).
PIPELINE = dict(pipeline_class=Compiler)


def njit(*args, **options):
    """``numba.njit`` compiling through :class:`Compiler`; takes the same arguments.

    Examples
    --------
    >>> @njit
    ... def twice(x):
    ...     return 2 * x
    >>> twice(21)
    42
    """
    options.setdefault("pipeline_class", Compiler)
    return numba.njit(*args, **options)
