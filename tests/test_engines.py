"""The engine registry: a model finds its engine by name, every engine goes through the one
epoch loop (loss, callbacks, checkpoints), and an unknown name or option is a clear error."""
import numpy as np
import pytest

from w2v import Word2Vec
from w2v.engines import base, get_engine, register_engine
from w2v.engines.local import LocalFactory

SENTENCES = [["cat", "sat", "on", "the", "mat"], ["dog", "sat", "on", "the", "log"]] * 40
SETTINGS = dict(vector_size=8, min_count=1, epochs=2, seed=5, workers=1, progress=False)


class Recording(LocalFactory):
    """The local engine, noting each start and closing of its runs."""

    def __init__(self):
        self.events = []

    def start(self, model, options, request):
        engine = super().start(model, options, request)
        self.events.append(("start", request.checkpoint_every, request.schedule.epochs))
        close = engine.close
        engine.close = lambda: (self.events.append(("close",)), close())[1]
        return engine


@pytest.fixture
def recording(monkeypatch):
    factory = Recording()
    monkeypatch.setitem(base._REGISTRY, "recording", factory)   # gone after the test
    return factory


def test_a_registered_engine_trains_through_the_one_epoch_loop(recording, tmp_path):
    seen = []

    class Losses:
        def on_epoch_end(self, model):
            seen.append(model.get_latest_training_loss())

    model = Word2Vec(SENTENCES, engine="recording", compute_loss=True, callbacks=[Losses()],
                     checkpoint_dir=tmp_path, checkpoint_every=100, **SETTINGS)
    local = Word2Vec(SENTENCES, compute_loss=True, **SETTINGS)
    assert recording.events == [("start", 100, 2), ("close",)]
    np.testing.assert_array_equal(model.wv.vectors, local.wv.vectors)
    assert len(seen) == 2 and seen[1] == model.get_latest_training_loss() == local.get_latest_training_loss()
    assert (tmp_path / "checkpoint.w2v").exists()


def test_unknown_engines_and_options_are_clear_errors(recording):
    assert get_engine("recording") is recording
    with pytest.raises(ValueError, match=r"engine must be one of 'local', 'ray', 'recording', got 'gpu'"):
        Word2Vec(engine="gpu")
    with pytest.raises(ValueError, match="engine_options apply only to a distributed engine"):
        Word2Vec(engine="recording", engine_options={"num_workers": 2})
    with pytest.raises(TypeError, match="an engine is an EngineFactory"):
        register_engine("bad", object())
