"""Software prefetch of a matrix row: a hint to the CPU to start loading a row the kernel reads
a little later (LLVM's ``llvm.prefetch``, which Numba does not expose), so that the loads of
rows drawn at random overlap the arithmetic on others. It changes no result.
"""
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from ..compiler import njit


LINE_FLOATS = 16          # float32 per 64-byte cache line


@intrinsic
def prefetch_item(typingctx, matrix, i, j):
    """Prefetch the cache line of ``matrix[i, j]`` to be written (the kernels read a row, then
    update it: a line fetched for writing needs no second request to own it), kept in all cache levels."""
    if not (isinstance(matrix, types.Array) and matrix.ndim == 2 and isinstance(i, types.Integer)
            and isinstance(j, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        index = [context.cast(builder, v, t, types.intp) for v, t in zip(args[1:], signature.args[1:])]
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, index, wraparound=False)
        byte_ptr = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.VoidType(), [byte_ptr, i32, i32, i32]),
                                            "llvm.prefetch.p0i8")
        # write (1), locality 3 (keep in every level), data cache (1)
        builder.call(fn, [builder.bitcast(ptr, byte_ptr), i32(1), i32(3), i32(1)])
        return context.get_dummy_value()

    return types.void(matrix, i, j), codegen


@njit(inline="always", nogil=True, cache=True)
def prefetch_row(matrix, r):
    """Prefetch every cache line of row ``r`` of a float32 matrix, to be written."""
    for j in range(0, matrix.shape[1], LINE_FLOATS):
        prefetch_item(matrix, r, j)
