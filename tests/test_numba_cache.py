"""Numba's cache entries of w2v's functions go stale when any compiled source of w2v changes."""
import os
import shutil
import subprocess
import sys
import textwrap

from w2v import numba_cache
from w2v.kernels import skipgram


def test_digest_covers_the_modules_that_use_numba(tmp_path):
    (tmp_path / "kernel.py").write_text("from numba import njit\nX = 1\n")
    (tmp_path / "plain.py").write_text("X = 1\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner.py").write_text("import numba\n")
    before = numba_cache.sources_digest(str(tmp_path))
    numba_cache._DIGESTS.clear()
    (tmp_path / "plain.py").write_text("X = 2\n")
    assert numba_cache.sources_digest(str(tmp_path)) == before       # no Numba there: not counted
    numba_cache._DIGESTS.clear()
    (tmp_path / "sub" / "inner.py").write_text("import numba  # changed\n")
    assert numba_cache.sources_digest(str(tmp_path)) != before


def test_w2v_functions_are_stamped_with_the_package_digest():
    stamp = skipgram.sg_job._cache._cache_file._source_stamp
    assert isinstance(stamp, tuple) and stamp[1] == numba_cache.sources_digest()


def test_a_kernel_recompiles_when_a_module_it_inlines_changes(tmp_path):
    """A copy of the package: train once (compiles, writes the cache), train again (loads it),
    change only objectives.py, train again: the job compiles again instead of loading stale code."""
    import w2v
    package = tmp_path / "w2v"
    shutil.copytree(os.path.dirname(w2v.__file__), package,
                    ignore=shutil.ignore_patterns("__pycache__", "data"))
    os.mkdir(package / "data")
    script = textwrap.dedent("""
        import numpy as np
        from w2v.numba_cache import compiling
        from w2v import Word2Vec
        names = []
        with compiling(names.append, once=False):
            Word2Vec([["a", "b", "c", "a", "b"]] * 20, vector_size=8, min_count=1, epochs=1, workers=1,
                     sg=1, negative=2, seed=1)
        print("sg_job" in names)
    """)
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "NUMBA_CACHE_DIR": ""}

    def compiled():
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                              cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()[-1] == "True"

    assert compiled()
    assert not compiled()
    objectives = package / "kernels" / "objectives.py"
    objectives.write_text(objectives.read_text() + "\n# changed\n")
    assert compiled()
