"""Distributed training: shard splitting and the merge rule (plain NumPy), then Word2Vec on a local
Ray cluster: one worker equals local training, two workers match its quality, a worker killed
mid-round is replaced and the result is unchanged."""
import gzip
import os
import subprocess
import sys

import numpy as np
import pytest

from w2v import Word2Vec
from w2v.engines import get_engine
from w2v.engines.distributed import syncs_per_epoch
from w2v.engines.shard import RowUpdate, changed_rows, merge, round_slices, worker_config
from w2v.engines.epochs import Schedule
from w2v.engines.split import ByteRange, ShardSentences, plan_shards

try:
    import ray
except ImportError:
    ray = None



def needs_ray(test):
    """A test on a local Ray cluster: marked ``distributed`` (run with -m distributed), skipped
    without Ray."""
    skip = pytest.mark.skipif(ray is None, reason="Ray is not installed (pip install 'w2v[ray]')")
    return pytest.mark.distributed(skip(test))


@pytest.fixture(scope="session")
def ray_cluster():
    """One local Ray cluster for the whole session (started once: startup costs seconds)."""
    if ray is None:
        pytest.skip("Ray is not installed (pip install 'w2v[ray]')")
    if not ray.is_initialized():
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def planted(path, n_groups=50, size=8, n_sentences=6000, length=10, noise=0.5, seed=0):
    """Sentences from one group of words each, half their tokens random noise words."""
    rs = np.random.default_rng(seed)
    groups = [[f"g{g}w{i}" for i in range(size)] for g in range(n_groups)]
    words = [w for g in groups for w in g]
    with open(path, "w") as f:
        for _ in range(n_sentences):
            g = groups[rs.integers(n_groups)]
            f.write(" ".join(g[rs.integers(size)] if rs.random() > noise else
                             words[rs.integers(len(words))] for _ in range(length)) + "\n")
    return str(path)


def group_purity(wv, topn=5):
    """Fraction of each word's topn neighbours that belong to its own group."""
    v = wv.vectors / np.linalg.norm(wv.vectors, axis=1, keepdims=True)
    sims = v @ v.T
    np.fill_diagonal(sims, -2)
    top = np.argsort(-sims, axis=1)[:, :topn]
    group = np.array([w.split("w")[0] for w in wv.index_to_key])
    return float((group[top] == group[:, None]).mean())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return planted(tmp_path_factory.mktemp("dist") / "planted.txt")


SETTINGS = dict(vector_size=24, window=4, min_count=1, sample=0, epochs=3, seed=1, workers=1,
                progress=False, sg=1)


# ----------------------------------------------------------------- engine-free parts (no Ray)

def test_merge_rule_on_hand_made_arrays():
    base = np.array([[1, 1], [2, 2], [3, 3], [4, 4]], np.float32)
    w = {"syn0": base.copy(), "syn1neg": np.zeros((4, 2), np.float32)}
    ups = [{"syn0": RowUpdate(np.array([0, 2], np.int32), np.array([[5, 5], [7, 9]], np.float32)),
            "syn1neg": RowUpdate(np.array([3], np.int32), np.array([[6, 0]], np.float32))},
           {"syn0": RowUpdate(np.array([2, 3], np.int32), np.array([[1, 1], [0, 8]], np.float32)),
            "syn1neg": RowUpdate(np.zeros(0, np.int32), np.zeros((0, 2), np.float32))},
           None]                                     # a worker that changed nothing
    out = merge(w, ups, n_workers=3)
    # a row changed by k of K workers: (their values + (K - k) * old) / K
    expected = np.array([[(5 + 2 * 1) / 3] * 2, [2, 2], [(7 + 1 + 3) / 3, (9 + 1 + 3) / 3],
                         [(4 * 2 + 0) / 3, (4 * 2 + 8) / 3]], np.float32)
    np.testing.assert_allclose(w["syn0"], expected, rtol=1e-6)
    np.testing.assert_allclose(w["syn1neg"][3], [2, 0])
    assert out["syn0"].rows.tolist() == [0, 2, 3] and out["syn1neg"].rows.tolist() == [3]
    np.testing.assert_array_equal(out["syn0"].values, w["syn0"][[0, 2, 3]])
    # "sum": old + every worker's step
    w2 = {"syn0": base.copy()}
    merge(w2, [{"syn0": u["syn0"]} for u in ups[:2]], n_workers=2, rule="sum")
    np.testing.assert_allclose(w2["syn0"], [[5, 5], [2, 2], [7 + 1 - 3, 9 + 1 - 3], [0, 8]])
    # one worker: its values exactly, whatever the float rounding of a delta would do
    odd = np.array([[0.1, 1e-8]], np.float32)
    w3 = {"syn0": np.array([[3e7, -0.3]], np.float32)}
    merge(w3, [{"syn0": RowUpdate(np.array([0], np.int32), odd)}], n_workers=1)
    np.testing.assert_array_equal(w3["syn0"], odd)
    with pytest.raises(ValueError, match="rule"):
        merge(w3, [], 1, rule="median")


def test_skip_gram_workers_take_the_classic_kernel_at_scaled_rates():
    from w2v.models.config import Config

    sg = Config(sg=1).validate()
    assert sg.kernel == "sg_shared"
    assert worker_config(sg, 4).kernel == "sg" and worker_config(sg, 2) is sg
    cbow = Config(sg=0).validate()
    assert worker_config(cbow, 8) is cbow


def test_changed_rows_and_round_slices():
    before = np.zeros((5, 3), np.float32)
    after = before.copy()
    after[[1, 4], 2] = 1.0
    rows, values = changed_rows(before, after)
    assert rows.tolist() == [1, 4] and values.shape == (2, 3)
    offsets = np.array([0, 4, 8, 12, 16, 20, 24], np.int64)
    bounds, slices = round_slices(offsets, batch_words=8, syncs=3)
    assert slices[0][0] == 0 and slices[-1][1] == len(bounds) - 1
    assert all(a <= b for a, b in slices) and all(slices[i][1] == slices[i + 1][0] for i in range(2))
    rate = Schedule(0.02, 0.0, epochs=2, scale=3).rate(1, 100)
    assert rate(0) == pytest.approx(3 * 0.01) and rate(100) == 0.0


def _lines(path):
    with (gzip.open(path, "rt") if str(path).endswith(".gz") else open(path)) as f:
        return [line.split() for line in f if line.split()]


@pytest.mark.parametrize("k", [1, 2, 3, 7])
def test_shards_hold_every_line_once(tmp_path, k):
    text = "".join(f"{'w ' * (i % 5)}line{i}\n" if i % 9 else "\n" for i in range(200))
    plain = tmp_path / "c.txt"
    plain.write_text(text)
    packed = tmp_path / "c.txt.gz"
    with gzip.open(packed, "wt") as f:
        f.write(text)
    folder = tmp_path / "parts"
    folder.mkdir()
    lines = text.splitlines(keepends=True)
    for i in range(3):      # a folder of plain and compressed files
        part = folder / f"p{i}.txt{'.gz' if i == 1 else ''}"
        with (gzip.open(part, "wt") if i == 1 else open(part, "w")) as f:
            f.write("".join(lines[i * 70:(i + 1) * 70]))
    for source in (plain, packed, folder):
        shards = plan_shards(source, k)
        got = [s for shard in shards for s in ShardSentences(shard)]
        assert got == [line.split() for line in text.splitlines() if line.split()], (source, k)
        if k > 1:
            assert sum(1 for shard in shards if list(ShardSentences(shard))) >= 2


def test_byte_range_cuts_anywhere(tmp_path):
    data = b"alpha beta\ngamma\n\ndelta epsilon zeta\neta"
    path = tmp_path / "r.txt"
    path.write_bytes(data)
    for a in range(len(data) + 1):
        for b in range(a, len(data) + 1):
            parts = [ByteRange(path, 0, a).read(), ByteRange(path, a, b).read(),
                     ByteRange(path, b, None).read()]
            assert b"".join(parts) == data, (a, b)


def test_uri_corpus_through_pyarrow(tmp_path):
    pytest.importorskip("pyarrow")
    path = planted(tmp_path / "u.txt", n_sentences=50)
    shards = plan_shards("file://" + path, 2)
    assert [s for shard in shards for s in ShardSentences(shard)] == _lines(path)


def test_options_are_checked():
    assert get_engine("ray").check_options({"num_workers": 3})["merge"] == "average"
    assert syncs_per_epoch(get_engine("ray").check_options({"num_workers": 3}), sg=1) == 12
    assert syncs_per_epoch(get_engine("ray").check_options({"num_workers": 8}), sg=0) == 4
    assert syncs_per_epoch(get_engine("ray").check_options({"num_workers": 3}), sg=0) == 1
    assert syncs_per_epoch(get_engine("ray").check_options({"num_workers": 1}), sg=1) == 1
    assert syncs_per_epoch(get_engine("ray").check_options({"num_workers": 3, "syncs_per_epoch": 2}), sg=1) == 2
    for bad in ({"num_workers": 0}, {"syncs_per_epoch": 1.5}, {"lr_scale": -1}, {"merge": "max"},
                {"address": 5}, {"nodes": 2}):
        with pytest.raises(ValueError):
            Word2Vec(engine="ray", engine_options=bad)
    with pytest.raises(ValueError, match="engine must be"):
        Word2Vec(engine="spark")
    with pytest.raises(ValueError, match="only to a distributed engine"):
        Word2Vec(engine_options={"num_workers": 2})


def test_cli_flags_reach_the_model():
    import argparse

    from w2v.cli.ctool import add_c_tool_options
    from w2v.cli.train import add_training_options, model_kwargs

    p = argparse.ArgumentParser()
    add_training_options(p)
    add_c_tool_options(p)
    kw = model_kwargs(p.parse_args(["--engine", "ray", "--address", "auto", "--num-workers", "4",
                                    "--syncs-per-epoch", "2"]))
    assert kw["engine"] == "ray"
    assert kw["engine_options"] == {"address": "auto", "num_workers": 4, "syncs_per_epoch": 2}
    assert "engine" not in model_kwargs(p.parse_args([]))
    with pytest.raises(ValueError, match="--engine ray"):
        model_kwargs(p.parse_args(["--num-workers", "4"]))


def test_import_w2v_does_not_import_ray():
    code = "import sys, w2v, w2v.engines.distributed, w2v.engines.shard; print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.stdout.strip() == "False"


# ----------------------------------------------------------------- on a local Ray cluster

@needs_ray
@pytest.mark.parametrize("params, syncs", [(dict(sg=1), 3), (dict(sg=0, hs=1, negative=2), 1)],
                         ids=["sg-ns-3syncs", "cbow-hs-ns"])
def test_one_worker_equals_local_training(ray_cluster, corpus, params, syncs):
    kw = dict(SETTINGS, epochs=2, **params)
    local = Word2Vec(corpus_file=corpus, **kw)
    remote = Word2Vec(engine="ray", engine_options={"num_workers": 1, "syncs_per_epoch": syncs}, **kw)
    remote.train(corpus_file=corpus)        # no vocabulary yet: counted on the worker
    assert remote.vocab.words == local.vocab.words
    np.testing.assert_array_equal(remote.wv.vectors, local.wv.vectors)
    for name in ("syn1", "syn1neg"):
        if getattr(local, name) is not None:
            np.testing.assert_array_equal(getattr(remote, name), getattr(local, name))
    for a, b in zip(local.training_log, remote.training_log):
        assert {k: a[k] for k in ("epoch", "loss", "examples", "known", "tokens", "alpha")} == \
               {k: b[k] for k in ("epoch", "loss", "examples", "known", "tokens", "alpha")}
        assert set(b) == set(a) | {"bytes_per_sync", "worker_tokens_per_sec"}
        assert b["bytes_per_sync"] > 0


@pytest.fixture(scope="module")
def two_workers(ray_cluster, corpus):
    model = Word2Vec(corpus_file=corpus, engine="ray",
                     engine_options={"num_workers": 2, "syncs_per_epoch": 2}, **SETTINGS)
    return model


@needs_ray
def test_two_workers_match_local_quality(corpus, two_workers):
    local = Word2Vec(corpus_file=corpus, **SETTINGS)
    assert group_purity(two_workers.wv) >= group_purity(local.wv) - 0.02
    assert two_workers.training_log[-1]["loss"] == pytest.approx(local.training_log[-1]["loss"], rel=0.02)
    assert len(two_workers.training_log) == 3
    assert sum(e["tokens"] for e in two_workers.training_log) == 3 * 60_000


def _dying_worker_class(flag, epoch, sync):
    """A ShardWorker whose first call of round (epoch, sync), on whichever worker gets there
    first, trains and then kills its process before answering (once: a flag file)."""
    from w2v.engines import ray as ray_engine

    class DyingWorker(ray_engine.ShardWorker):
        def train_round(self, merged, e, s):
            result = super().train_round(merged, e, s)
            if (e, s) == (epoch, sync):
                try:
                    os.close(os.open(flag, os.O_CREAT | os.O_EXCL))
                except FileExistsError:
                    return result
                os._exit(1)
            return result

    return ray.remote(max_restarts=0, max_task_retries=0)(DyingWorker)


@needs_ray
def test_worker_killed_mid_round_is_replaced(corpus, two_workers, tmp_path, monkeypatch, caplog):
    from w2v.engines import ray as ray_engine

    monkeypatch.setattr(ray_engine, "_RemoteWorker", _dying_worker_class(str(tmp_path / "f"), 1, 1))
    model = Word2Vec(engine="ray", engine_options={"num_workers": 2, "syncs_per_epoch": 2},
                     cache_dir=str(tmp_path), **SETTINGS)
    with caplog.at_level("WARNING", logger="w2v.engines.ray"):
        model.train(corpus_file=corpus)
    assert os.path.exists(tmp_path / "f") and "was lost" in caplog.text
    # retrained from the last merged model with the same random state: nothing changed
    np.testing.assert_array_equal(model.wv.vectors, two_workers.wv.vectors)
    np.testing.assert_array_equal(model.syn1neg, two_workers.syn1neg)


@needs_ray
def test_lost_workers_beyond_max_restarts_stop_the_run(corpus, tmp_path, monkeypatch):
    from w2v.engines import ray as ray_engine

    monkeypatch.setattr(ray_engine, "_RemoteWorker", _dying_worker_class(str(tmp_path / "f"), 0, 0))
    model = Word2Vec(engine="ray", engine_options={"num_workers": 2, "max_restarts": 0},
                     cache_dir=str(tmp_path), **dict(SETTINGS, epochs=1))   # the lost shard stays
    with pytest.raises(RuntimeError, match="max_restarts"):
        model.train(corpus_file=corpus)


def test_sentences_must_be_a_path():
    model = Word2Vec(engine="ray", **SETTINGS)
    with pytest.raises(TypeError, match="not an iterable"):
        model.train([["a", "b"]])


@needs_ray
def test_without_address_a_local_cluster_is_started_and_stopped(corpus):
    code = ("import ray, w2v\n"
            f"m = w2v.Word2Vec(engine='ray', engine_options={{'num_workers': 2}}, "
            f"**{dict(SETTINGS, epochs=1)!r})\n"
            f"m.train(corpus_file={corpus!r})\n"
            "print(len(m.training_log), ray.is_initialized())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-2:] == ["1", "False"]


class EpochLosses:
    """Records get_latest_training_loss() at each epoch's end."""

    def __init__(self):
        self.seen = []

    def on_epoch_end(self, model):
        self.seen.append(model.get_latest_training_loss())


@needs_ray
def test_ray_reports_the_loss_and_honours_vectors_lockf(ray_cluster, corpus):
    """The Ray engine runs through the same schedule as local training: the running loss reaches
    get_latest_training_loss() and the callbacks, and locked rows stay put; with one worker all
    of it equals local training exactly."""
    kw = dict(SETTINGS, epochs=2, compute_loss=True)
    runs = {}
    for engine, options in (("local", None), ("ray", {"num_workers": 1, "syncs_per_epoch": 2})):
        model = Word2Vec(engine=engine, engine_options=options, **kw)
        model.build_vocab(corpus_file=corpus)
        before = model.wv.vectors.copy()
        model.wv.vectors_lockf = np.r_[np.zeros(10), np.ones(len(model.wv) - 10)].astype(np.float32)
        seen = EpochLosses()
        model.train(corpus_file=corpus, total_examples=model.corpus_count, epochs=2,
                    compute_loss=True, callbacks=[seen])
        np.testing.assert_array_equal(model.wv.vectors[:10], before[:10])
        assert (model.wv.vectors[10:] != before[10:]).any(axis=1).all()
        log = model.training_log
        assert len(seen.seen) == 2 and 0 < seen.seen[0] < seen.seen[1]
        assert seen.seen[1] == pytest.approx(sum(e["loss"] * e["examples"] for e in log), rel=1e-9)
        assert model.get_latest_training_loss() == seen.seen[1]
        runs[engine] = model
    np.testing.assert_array_equal(runs["ray"].wv.vectors, runs["local"].wv.vectors)
    assert runs["ray"].get_latest_training_loss() == runs["local"].get_latest_training_loss()


@needs_ray
def test_ray_checkpoints_resume_to_the_uninterrupted_result(corpus, two_workers, tmp_path, monkeypatch):
    """Checkpoints between rounds (checkpoint_every) and at each epoch's end; a run stopped
    mid-epoch resumes from the last one, on the cluster, to the weights of an uninterrupted run."""
    from w2v.engines import ray as ray_engine

    class Stop(Exception):
        pass

    calls = []
    train_step = ray_engine.RayEngine.train_step

    def stopping(self, epoch, step, *args):
        calls.append((epoch, step))
        if (epoch, step) == (2, 1):          # the last round: after the checkpoint at (2, 1)
            raise Stop
        return train_step(self, epoch, step, *args)

    monkeypatch.setattr(ray_engine.RayEngine, "train_step", stopping)
    model = Word2Vec(engine="ray", engine_options={"num_workers": 2, "syncs_per_epoch": 2},
                     checkpoint_dir=tmp_path / "ck", checkpoint_every=25_000, **SETTINGS)
    with pytest.raises(Stop):
        model.train(corpus_file=corpus)
    monkeypatch.setattr(ray_engine.RayEngine, "train_step", train_step)
    from w2v.vectors import native
    meta, _ = native.load_native(tmp_path / "ck" / "checkpoint.w2v", kind="checkpoint")
    assert meta["position"]["epoch"] == 2 and meta["position"]["step"] == 1
    assert meta["engine"] == "ray" and meta["engine_options"]["num_workers"] == 2
    resumed = Word2Vec.resume(tmp_path / "ck", progress=False)
    assert resumed.engine == "ray" and len(resumed.training_log) == 3
    np.testing.assert_array_equal(resumed.wv.vectors, two_workers.wv.vectors)
    np.testing.assert_array_equal(resumed.syn1neg, two_workers.syn1neg)
    assert [e["loss"] for e in resumed.training_log] == [e["loss"] for e in two_workers.training_log]


@needs_ray
def test_a_model_that_trains_other_input_rows_is_refused(ray_cluster, corpus):
    class OwnRows(Word2Vec):
        def _training_arrays(self):
            inputs, objective = super()._training_arrays()
            return inputs._replace(syn0=inputs.syn0.copy()), objective

    model = OwnRows(engine="ray", engine_options={"num_workers": 1}, **dict(SETTINGS, epochs=1))
    with pytest.raises(ValueError, match="OwnRows trains other input rows: use engine='local'"):
        model.train(corpus_file=corpus)        # counted on the workers, then refused
