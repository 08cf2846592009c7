"""The one build step pyproject.toml cannot say: the wheel carries Numba's compiled kernels.

After the modules are copied to the build folder, ``python -m w2v.cli.warm`` trains tiny models
there in the demo's and ``w2v train``'s modes, and Numba caches what they compiled beside the
modules (``__pycache__/*.nbi, *.nbc``), which go into the wheel. Numba's cache index is tied to each
source file's content, its own version and the CPU, so the first run after ``pip install .`` on
this machine loads the kernels instead of compiling them; anywhere else Numba compiles on first use,
as it would without them. A build without Numba, or whose warm-up fails, says so and goes on.
"""
import os
import shutil
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithKernels(build_py):
    def run(self):
        editable = getattr(self, "editable_mode", False)   # an editable install caches in src/ on first use
        if not editable:
            # pip builds in the checkout's build/ folder, which setuptools never empties: without this, a
            # module deleted from src/ (kernels/skipgram_shared.py) and old compiled code went into the wheel
            shutil.rmtree(os.path.join(self.build_lib, "w2v"), ignore_errors=True)
        super().run()
        if editable:
            return
        env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "NUMBA_DISABLE_JIT")}
        # pip's isolated build environment reaches its packages through PYTHONPATH: keep them
        env["PYTHONPATH"] = os.pathsep.join(p for p in (os.path.abspath(self.build_lib), env.get("PYTHONPATH")) if p)
        done = subprocess.run([sys.executable, "-m", "w2v.cli.warm"], cwd=self.build_lib, env=env,
                              capture_output=True, text=True)
        message = (done.stderr.strip().splitlines() or ["no output"])[-1]
        if done.returncode:
            message = f"w2v: the kernels were not compiled into the wheel (they compile on first use): {message}"
        print(message, file=sys.stderr)


setup(cmdclass={"build_py": BuildPyWithKernels})
