import os
import pathlib

import pytest

SHARED = pathlib.Path(os.environ.get("W2V_SHARED", pathlib.Path(__file__).resolve().parents[1].parent / "shared"))


@pytest.fixture(scope="session")
def shared():
    """The ../shared folder (corpora and evaluation sets); skips when it is not there."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not there (set W2V_SHARED)")
    return SHARED
