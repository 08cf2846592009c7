"""A model that subclasses Word2Vec adds its hyperparameters and saved arrays without editing
Word2Vec: its own signature, errors naming it, save/load and checkpoints as its own class."""
import dataclasses
import inspect

import numpy as np
import pytest

from w2v import Word2Vec
from w2v.models.config import Config
from w2v.vectors.native import WrongKindError


@dataclasses.dataclass
class BiasConfig(Config):
    bias_init: float = 0.5

    def validate(self):
        super().validate()
        if not 0 <= self.bias_init <= 1:
            raise ValueError(f"bias_init must be between 0 and 1, got {self.bias_init}")
        return self


class Biased(Word2Vec):
    """A toy: one hyperparameter more, and one array per word more, saved with the model."""

    config_class = BiasConfig
    archive_kind = "biased-model"
    checkpoint_kind = "biased-checkpoint"

    def init_weights(self):
        super().init_weights()
        self.bias = np.full(len(self.vocab), self.config.bias_init, np.float32)

    def _archive(self):
        meta, arrays = super()._archive()
        arrays["bias"] = self.bias
        return meta, arrays

    def _restore(self, meta, arrays, mapped=False):
        super()._restore(meta, arrays, mapped)
        if arrays["bias"].shape != (len(self.vocab),):
            raise ValueError(f"bias has shape {arrays['bias'].shape}, expected ({len(self.vocab)},)")
        self.bias = np.array(arrays["bias"])


SENTENCES = [["cat", "sat", "on", "the", "mat"], ["dog", "sat", "on", "the", "log"]] * 30
SETTINGS = dict(vector_size=8, min_count=1, epochs=2, seed=3, workers=1, progress=False)


def test_the_signature_has_gensims_parameters_first_then_the_subclass_own():
    params = inspect.signature(Biased).parameters
    base = inspect.signature(Word2Vec).parameters
    positional = [n for n, p in params.items() if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert positional == [n for n, p in base.items() if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert positional[:3] == ["sentences", "corpus_file", "vector_size"]
    assert [n for n in params if n not in base] == ["bias_init"]
    assert params["bias_init"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["bias_init"].default == 0.5
    assert "bias_init" not in base            # Word2Vec itself is unchanged
    model = Biased(bias_init=0.25)
    assert model.bias_init == 0.25 and model.config.bias_init == 0.25
    model.bias_init = 0.75                     # gensim-style attribute, kept in the config
    assert model.config.bias_init == 0.75
    with pytest.raises(ValueError, match="bias_init must be between 0 and 1"):
        Biased(bias_init=2.0)


def test_unknown_keywords_name_the_subclass():
    with pytest.raises(TypeError, match=r"^Biased\(\): .*'bias_int' \(did you mean 'bias_init'\?\)"):
        Biased(bias_int=0.1)
    with pytest.raises(AttributeError, match="Biased has no attribute 'nope'"):
        Biased().nope
    with pytest.raises(AttributeError, match=r"Biased\.load\(path\)"):
        Biased().load


def test_save_and_load_round_trip_as_the_subclass(tmp_path):
    model = Biased(SENTENCES, bias_init=0.25, **SETTINGS)
    plain = Word2Vec(SENTENCES, **SETTINGS)
    # training is inherited: the same seed gives Word2Vec's vectors
    np.testing.assert_array_equal(model.wv.vectors, plain.wv.vectors)
    model.bias[1] = 0.125
    path = tmp_path / "m.w2v"
    model.save(path)
    back = Biased.load(path)
    assert type(back) is Biased and back.config == model.config and repr(back).startswith("Biased<")
    np.testing.assert_array_equal(back.bias, model.bias)
    np.testing.assert_array_equal(back.wv.vectors, model.wv.vectors)
    with pytest.raises(WrongKindError, match="holds a 'biased-model', not a 'model'"):
        Word2Vec.load(path)
    plain.save(tmp_path / "plain.w2v")
    with pytest.raises(WrongKindError, match="holds a 'model', not a 'biased-model'"):
        Biased.load(tmp_path / "plain.w2v")


def test_checkpoints_resume_as_the_subclass(tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(" ".join(s) for s in SENTENCES) + "\n")
    whole = Biased(str(corpus), **SETTINGS)

    class Stop(Exception):
        pass

    class StopAtSecondEpoch:
        def on_epoch_begin(self, model):
            if model.training_log:
                raise Stop

    with pytest.raises(Stop):
        Biased(str(corpus), **SETTINGS, checkpoint_dir=tmp_path / "ck", callbacks=[StopAtSecondEpoch()])
    with pytest.raises(WrongKindError, match="not a 'checkpoint'"):
        Word2Vec.resume(tmp_path / "ck")
    resumed = Biased.resume(tmp_path / "ck", progress=False)
    assert type(resumed) is Biased and len(resumed.training_log) == 2
    np.testing.assert_array_equal(resumed.wv.vectors, whole.wv.vectors)
    np.testing.assert_array_equal(resumed.bias, whole.bias)

