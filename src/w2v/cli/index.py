"""Commands for big vocabularies: ``w2v index`` (build an approximate index) and ``w2v neighbours`` (every
word's nearest neighbours to a TSV file, exact or through an index).
"""
import sys
import time

import numpy as np

from ..vectors import index as ann
from .._atomic import atomic_write
from ..vectors.neighbours import BLOCK_CELLS, iter_exact_neighbours, unit_norms
from .inputs import load_vectors, open_index, require_ann
from .options import MODEL_HELP, add_no_header, fraction, positive_int
from .outputs import check_output

INDEX_BLOCK_ROWS = 4096      # words searched per call through an index


def register(subparsers):
    """Add ``index`` and ``neighbours`` to the ``w2v`` parser's sub-commands."""
    p = subparsers.add_parser("index", help="build an approximate nearest-neighbour index (needs w2v[ann])",
                              description="Build a faiss index over MODEL's vectors, tune its search effort "
                                          "to reach --recall on a sample of exact queries, and save it.")
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="where to write the index")
    p.add_argument("--recall", type=fraction, default=0.95, help="recall@10 to reach (0.95)")
    p.add_argument("--method", choices=ann.METHODS, default="ivf",
                   help="ivf (k-means lists; quick to build, default) or hnsw (graph; faster queries, "
                        "slow to build)")
    p.add_argument("--connectivity", type=positive_int, default=16, help="HNSW links per word (16)")
    p.add_argument("--ef-construction", type=positive_int, default=100, help="HNSW build effort (100)")
    p.add_argument("--nlist", type=positive_int, default=None, help="IVF lists (2 sqrt(V))")
    p.add_argument("--sample", type=positive_int, default=500,
                   help="words whose exact neighbours tune it, and as many others that confirm it (500)")
    p.add_argument("--threads", type=positive_int, default=None, help="build threads (all cores)")
    add_no_header(p)
    p.set_defaults(func=run_index)

    p = subparsers.add_parser("neighbours", help="every word's nearest neighbours to a TSV file",
                              description="Write the --topn nearest neighbours of every word (cosine) as "
                                          "word<TAB>rank<TAB>neighbour<TAB>similarity lines: exact, by blocked "
                                          "matrix products in bounded memory, or through --index.")
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="the TSV file to write")
    p.add_argument("--topn", type=positive_int, default=10, help="neighbours per word (10)")
    p.add_argument("--index", metavar="FILE", help="answer through this index (w2v index) instead of exactly")
    p.add_argument("--block-mb", type=positive_int, default=4 * BLOCK_CELLS >> 20,
                   help=f"memory for one block of similarities, MB ({4 * BLOCK_CELLS >> 20})")
    p.add_argument("--threads", type=positive_int, default=None, help="index search threads (all cores)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_no_header(p)
    p.set_defaults(func=run_neighbours)


def run_index(args):
    check_output(args.output, "-o", example="vectors.index")
    require_ann()
    kv = load_vectors(args.model, args.no_header)
    if len(kv) < 2:
        raise ValueError(f"{args.model}: {len(kv)} word(s); an index needs at least 2")
    start = time.perf_counter()
    index = kv.build_index(method=args.method, recall=None, connectivity=args.connectivity,
                           ef_construction=args.ef_construction, nlist=args.nlist, threads=args.threads)
    built = time.perf_counter() - start
    reached = index.tune(args.recall, sample=args.sample)
    index.save(args.output)
    print(f"built a {args.method} index over {len(kv):,} words x {kv.vector_size} in {built:.1f} s; "
          f"recall@10 {reached:.3f} at {index.describe_search()} on {min(args.sample, len(kv) // 2):,} "
          f"held-out words (asked {args.recall}, tuned on as many others); wrote {args.output}")
    if reached < args.recall:
        hint = "--connectivity" if args.method == "hnsw" else "--nlist (fewer lists)"
        print(f"w2v: warning: recall {reached:.3f} is below the {args.recall} asked even at the largest search "
              f"effort; rebuild with a larger {hint}", file=sys.stderr)
    return 0


def run_neighbours(args):
    from tqdm.auto import tqdm      # here, so that building the parser does not load it

    check_output(args.output, "-o", example="neighbours.tsv")
    kv = load_vectors(args.model, args.no_header)
    if not 1 <= args.topn < len(kv):
        raise ValueError(f"--topn must be below the vocabulary size ({len(kv)} words), not {args.topn}")
    index = open_index(args.index, kv) if args.index else None
    keys = kv.index_to_key
    with atomic_write(args.output, "w") as out, \
            tqdm(total=len(kv), unit="word", unit_scale=True, leave=False,
                 disable=args.quiet or not sys.stderr.isatty()) as bar:   # no frames in pipes and logs
        out.write("word\trank\tneighbour\tsimilarity\n")
        for start, ids, sims in _blocks(kv, index, args):
            lines = []
            for row, (row_ids, row_sims) in enumerate(zip(ids.tolist(), sims.tolist()), start):
                word = keys[row]
                lines.extend(f"{word}\t{rank}\t{keys[i]}\t{s:.6f}\n"
                             for rank, (i, s) in enumerate(zip(row_ids, row_sims), 1) if i >= 0)
            out.write("".join(lines))
            bar.update(len(ids))
    print(f"wrote {args.topn} {'approximate' if index else 'exact'} neighbours of {len(kv):,} words to "
          f"{args.output}")
    return 0


def _blocks(kv, index, args):
    if index is None:
        cells = max(1, (args.block_mb << 20) // 4)
        yield from iter_exact_neighbours(kv.vectors, args.topn, norms=unit_norms(kv.vectors), block_cells=cells)
        return
    for start in range(0, len(kv), INDEX_BLOCK_ROWS):
        rows = np.arange(start, min(len(kv), start + INDEX_BLOCK_ROWS))
        ids, sims = index.neighbours_of_rows(rows, args.topn, threads=args.threads)
        yield start, ids, sims
