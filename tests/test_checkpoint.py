"""Checkpoints: resuming gives the uninterrupted result; a killed run resumes from its directory."""
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from w2v import Word2Vec
from w2v.cli import main

from test_model import assert_groups_recovered, planted_corpus


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(s) for s in planted_corpus(3000)) + "\n")
    return path


KW = dict(vector_size=16, window=3, min_count=1, epochs=3, seed=5, workers=1, progress=False,
          sg=1, batch_words=2000)


def test_resume_from_any_checkpoint_equals_uninterrupted(tmp_path, corpus):
    full = Word2Vec(corpus_file=str(corpus), **KW)
    ckpt = tmp_path / "ckpt"
    stopped = {"n": 0}

    class Stop(Exception):
        pass

    # Interrupt at the 4th checkpoint write (mid-epoch) by failing on the next job's callback.
    original = Word2Vec._write_checkpoint

    def write_then_maybe_stop(self, schedule, position):
        original(self, schedule, position)
        stopped["n"] += 1
        if stopped["n"] == 4:
            raise Stop

    Word2Vec._write_checkpoint = write_then_maybe_stop
    try:
        with pytest.raises(Stop):
            Word2Vec(corpus_file=str(corpus), checkpoint_dir=ckpt, checkpoint_every=10000, **KW)
    finally:
        Word2Vec._write_checkpoint = original
    resumed = Word2Vec.resume(ckpt, progress=False)
    np.testing.assert_array_equal(resumed.wv.vectors, full.wv.vectors)
    np.testing.assert_array_equal(resumed.syn1neg, full.syn1neg)
    assert [e["loss"] for e in resumed.training_log] == pytest.approx(
        [e["loss"] for e in full.training_log], rel=1e-12)
    assert resumed.vocab.words == full.vocab.words


def test_checkpoint_every_validated():
    with pytest.raises(ValueError, match="checkpoint_every"):
        Word2Vec(checkpoint_every=0)
    with pytest.raises(ValueError, match="checkpoint_every"):
        Word2Vec(checkpoint_every="often")


def test_resume_of_a_finished_run_does_nothing(tmp_path):
    Word2Vec(planted_corpus(100), checkpoint_dir=tmp_path, **{**KW, "epochs": 2})
    model = Word2Vec.resume(tmp_path, progress=False)
    assert len(model.training_log) == 2


def test_resume_needs_a_file_corpus(tmp_path, monkeypatch):
    """An interrupted run on Python sentences cannot read them again: a clear error."""
    original = Word2Vec._write_checkpoint

    def write_then_stop(self, schedule, position):
        original(self, schedule, position)
        raise KeyboardInterrupt

    monkeypatch.setattr(Word2Vec, "_write_checkpoint", write_then_stop)
    with pytest.raises(KeyboardInterrupt):
        Word2Vec(planted_corpus(3000), checkpoint_dir=tmp_path, checkpoint_every=10000, **KW)
    monkeypatch.undo()
    with pytest.raises(ValueError, match="Python sentences, not a file"):
        Word2Vec.resume(tmp_path, progress=False)


def test_divergence_keeps_last_good_checkpoint(tmp_path, corpus):
    with pytest.raises(ValueError, match="diverged"):
        Word2Vec(corpus_file=str(corpus), checkpoint_dir=tmp_path, vector_size=8, min_count=1,
                 epochs=3, workers=1, progress=False, alpha=1e30, min_alpha=1e29, softmax=1,
                 negative=0)
    assert not (tmp_path / "checkpoint.w2v").exists()  # no checkpoint of NaN weights


@pytest.mark.slow
def test_sigkill_mid_epoch_then_resume(tmp_path, corpus):
    """The issue's scenario: kill `w2v train` with SIGKILL mid-epoch, resume from the checkpoint
    directory, finish with the same vocabulary and the same vectors as an uninterrupted run."""
    ckpt, out, ref = tmp_path / "ckpt", tmp_path / "m.w2v", tmp_path / "ref.w2v"
    args = [str(corpus), "--sg", "--size", "16", "--window", "3", "--min-count", "1",
            "--epochs", "100", "--threads", "1", "--seed", "5", "--quiet"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, "-m", "w2v", "train", *args, "-o", str(out),
                             "--checkpoint-dir", str(ckpt), "--checkpoint-every", "20000"],
                            env=env, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while not (ckpt / "checkpoint.w2v").exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)   # at once: the checkpoint file appears by an atomic rename
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "training finished before it could be killed"
    assert not out.exists()
    assert main(["train", "--resume", str(ckpt)]) == 0
    assert main(["train", *args, "-o", str(ref)]) == 0
    resumed, uninterrupted = Word2Vec.load(out), Word2Vec.load(ref)
    assert resumed.vocab.words == uninterrupted.vocab.words
    np.testing.assert_array_equal(resumed.wv.vectors, uninterrupted.wv.vectors)
    assert_groups_recovered(resumed.wv)
