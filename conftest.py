"""pytest at the repository root: the docstring examples of a module that needs an optional
package skip, with the reason, when that package is not installed."""
import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).parent

# A module whose examples (or whose import) need packages of an extra: path -> (packages, extra).
OPTIONAL = {
    "src/w2v/plot.py": (("matplotlib",), "plot"),
    "src/w2v/chinese.py": (("jieba", "opencc"), "zh"),
    "src/w2v/engines/ray.py": (("ray",), "ray"),
}


def _missing(packages):
    return [p for p in packages if importlib.util.find_spec(p) is None]


# engines/ray.py imports Ray itself: without it the module cannot even be collected.
collect_ignore = [path for path, (packages, _) in OPTIONAL.items()
                  if path.endswith("engines/ray.py") and _missing(packages)]


def pytest_collection_modifyitems(items):
    for item in items:
        if not isinstance(item, pytest.DoctestItem):
            continue
        path = item.path.resolve().relative_to(ROOT).as_posix()
        packages, extra = OPTIONAL.get(path, ((), None))
        missing = _missing(packages)
        if missing:
            item.add_marker(pytest.mark.skip(
                reason=f"needs {', '.join(missing)} (pip install '.[{extra}]')"))
