"""The probe: canonical analogies, neighbours, symmetry, degenerate vectors, bias axes and the verdict."""
import json

import numpy as np
import pytest

from w2v.models.keyedvectors import KeyedVectors
from w2v.evaluation.probe import (CANONICAL_ANALOGIES, MAX_NORM, MIN_NORM, OCCUPATIONS, bias_projections, format_report,
                       probe, read_word_list)


def _analogy_kv(seed=0, dim=16, n_filler=60):
    """Vectors where the three canonical analogies hold: d = c + (b - a) + small noise."""
    rng = np.random.default_rng(seed)
    words, vecs = [], []
    for a, b, c, d in CANONICAL_ANALOGIES:
        va, vc, offset = rng.normal(size=(3, dim))
        for w, v in ((a, va), (b, va + offset), (c, vc), (d, vc + offset + 0.05 * rng.normal(size=dim))):
            words.append(w)
            vecs.append(v)
    words += [f"w{i}" for i in range(n_filler)]
    vecs += list(rng.normal(size=(n_filler, dim)))
    return KeyedVectors(words, np.array(vecs, dtype=np.float32))


def test_canonical_analogies_answered_with_cosine():
    kv = _analogy_kv()
    r = probe(kv)
    assert [a["question"] for a in r["analogies"]] == [
        "king:man :: queen:?", "paris:france :: tokyo:?", "walking:walked :: swimming:?"]
    for a, (_, b, c, d) in zip(r["analogies"], CANONICAL_ANALOGIES):
        assert a["answer"] == d and a["correct"] is True and a["missing"] == []
        target = kv.get_vector(b, norm=True) - kv.get_vector(a["question"].split(":")[0], norm=True) \
            + kv.get_vector(c, norm=True)
        expected_cos = float(kv.get_vector(d, norm=True) @ target / np.linalg.norm(target))
        assert a["cosine"] == pytest.approx(expected_cos, abs=1e-5)


def test_missing_words_reported_not_raised():
    kv = KeyedVectors(["king", "man", "queen", "walking", "walked"], np.eye(5, dtype=np.float32))
    r = probe(kv, words=["king", "unicorn"])
    king, paris, walk = r["analogies"]
    assert king["missing"] == ["woman"] and king["answer"] is not None and king["correct"] is False
    assert paris["missing"] == ["paris", "france", "tokyo", "japan"] and paris["answer"] is None
    assert walk["missing"] == ["swimming", "swam"] and walk["correct"] is None
    assert r["missing_words"] == ["unicorn"] and list(r["neighbours"]) == ["king"]
    text = format_report(r)
    assert "skipped: model lacks paris, france, tokyo, japan" in text
    assert "not in the model: unicorn" in text


def test_neighbours_are_top_cosines_without_the_word_itself():
    kv = _analogy_kv()
    r = probe(kv, words=["king", "Paris"], topn=5)   # case-insensitive fallback
    assert list(r["neighbours"]) == ["king", "Paris"]
    for w, key in (("king", "king"), ("Paris", "paris")):
        nbrs = r["neighbours"][w]
        assert len(nbrs) == 5 and key not in [n for n, _ in nbrs]
        sims = [kv.similarity(key, other) for other in kv.index_to_key if other != key]
        assert [c for _, c in nbrs] == pytest.approx(sorted(sims, reverse=True)[:5], abs=1e-6)


def test_default_words_are_known_frequent_words():
    r = probe(_analogy_kv())
    assert list(r["neighbours"]) == ["king", "woman"]   # the defaults this model knows
    kv = KeyedVectors([f"词{i}" for i in range(200)], np.random.default_rng(0).normal(size=(200, 8)))
    r = probe(kv)
    assert list(r["neighbours"]) == ["词10", "词50", "词100"]


def test_healthy_model_verdict_never_rests_on_analogies():
    r = probe(_analogy_kv())
    assert all(a["correct"] for a in r["analogies"])
    assert r["symmetry"]["ok"] and r["symmetry"]["max_abs_diff"] <= 1e-6 and r["symmetry"]["pairs"] == 100
    assert r["degenerate"]["ok"]
    v = r["verdict"]
    assert v["training_bug"] is False and v["problems"] == []
    assert "intrinsic" in v["summary"] and "downstream" in v["summary"]
    assert "analogy accuracy alone does not make a model good" in v["summary"]
    assert v["analogy_note"] == "3 of 3 canonical analogies answered correctly"
    json.dumps(r, allow_nan=False)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")   # NaN rows, on purpose
def test_degenerate_vectors_flagged_as_training_bug():
    rng = np.random.default_rng(1)
    vecs = rng.normal(size=(30, 8)).astype(np.float32)
    vecs[3] = 0.0                   # norm 0
    vecs[4] = 1e-3                  # norm below MIN_NORM
    vecs[5] = 1e3                   # norm above MAX_NORM
    vecs[6, 2] = np.nan
    vecs[7, 0] = np.inf
    words = [f"w{i}" for i in range(30)]
    r = probe(KeyedVectors(words, vecs), words=["w0"])
    d = r["degenerate"]
    assert (d["nan_or_inf"], d["norm_below_min"], d["norm_above_max"]) == (2, 2, 1)
    assert d["nan_or_inf_words"] == ["w6", "w7"] and d["norm_below_min_words"] == ["w3", "w4"]
    assert d["norm_above_max_words"] == ["w5"] and d["limits"] == [MIN_NORM, MAX_NORM]
    assert not d["ok"] and r["verdict"]["training_bug"] is True
    assert any("NaN or inf" in p for p in r["verdict"]["problems"])
    assert "Training bug suspected" in r["verdict"]["summary"]
    json.dumps(r, allow_nan=False)   # NaN similarities come out as null, the JSON stays valid
    assert "FAILED: a training bug" in format_report(r)


class _AsymmetricKV(KeyedVectors):
    """A buggy similarity that depends on argument order."""

    def similarity(self, w1, w2):
        return super().similarity(w1, w2) + (1e-3 if w1 < w2 else 0.0)


def test_asymmetric_similarity_flagged():
    rng = np.random.default_rng(2)
    kv = _AsymmetricKV([f"w{i}" for i in range(50)], rng.normal(size=(50, 8)).astype(np.float32))
    r = probe(kv, words=["w1"], n_pairs=20, seed=3)
    s = r["symmetry"]
    assert not s["ok"] and s["pairs"] == 20 and s["max_abs_diff"] == pytest.approx(1e-3, rel=1e-3)
    assert r["verdict"]["training_bug"] and "not symmetric" in r["verdict"]["problems"][0]
    assert "FAILED" in format_report(r)


def _bias_kv():
    """Gender along dimension 0; occupations placed with known leanings."""
    words = ["he", "she", "doctor", "nurse", "engineer", "teacher", "tree"]
    vecs = np.array([[1, 0, 0, 1], [-1, 0, 0, 1], [0.3, 1, 0, 0], [-0.6, 1, 0, 0], [0.5, 0, 1, 0],
                     [-0.1, 0, 1, 0], [0, 0, 0, 1]], dtype=np.float32)
    return KeyedVectors(words, vecs)


def test_bias_axis_projection_and_ranking():
    kv = _bias_kv()
    [r] = bias_projections(kv, ["he:she"], ["doctor", "nurse", "engineer", "teacher", "tree", "he", "pilot"])
    assert (r["axis"], r["positive"], r["negative"]) == ("he:she", "he", "she")
    assert r["missing"] == ["pilot"]
    assert [w for w, _ in r["ranking"]] == ["nurse", "engineer", "doctor", "teacher", "tree"]   # |gap| order
    axis = kv.get_vector("he", norm=True) - kv.get_vector("she", norm=True)
    axis /= np.linalg.norm(axis)
    for w, p in r["ranking"]:
        assert p == pytest.approx(float(kv.get_vector(w, norm=True) @ axis), abs=1e-6)
    assert dict(r["ranking"])["nurse"] < 0 < dict(r["ranking"])["engineer"]
    assert r["mean_abs_projection"] == pytest.approx(np.mean([abs(p) for _, p in r["ranking"]]))


def test_bias_axes_in_probe_default_words_and_errors():
    kv = _bias_kv()
    r = probe(kv, bias_axes=["he:she", ("doctor", "nurse"), "he:unicorn"])
    he_she, doc_nurse, broken = r["bias"]
    assert {w for w, _ in he_she["ranking"]} == {"doctor", "nurse", "engineer", "teacher"}
    assert len(he_she["missing"]) == len(read_word_list(OCCUPATIONS)) - 4
    assert "doctor" not in dict(doc_nurse["ranking"]) and "nurse" not in dict(doc_nurse["ranking"])
    assert broken["missing"][0] == "unicorn" and broken["ranking"] == []
    text = format_report(r)
    assert "Bias axis he:she" in text and "skipped: model lacks unicorn" in text
    with pytest.raises(ValueError, match="two words"):
        bias_projections(kv, ["he-she"])


def test_occupation_list_is_about_a_hundred_distinct_words():
    words = read_word_list(OCCUPATIONS)
    assert 90 <= len(words) <= 120 and len(set(words)) == len(words)
    assert all(w.isalpha() and w.islower() for w in words)


def test_report_has_all_four_checks_and_verdict():
    text = format_report(probe(_analogy_kv(), words=["king"]))
    for heading in ("1. Canonical analogies", "2. Nearest neighbours", "3. Symmetry", "4. Degenerate vectors",
                    "Verdict:"):
        assert heading in text
    assert "king:man :: queen:?" in text and "woman (cos" in text


def test_parse_axis_words():
    from w2v.evaluation.probe import parse_axis_words

    assert parse_axis_words("he:she") == ("he", "she")
    assert parse_axis_words(" he , she ") == ("he", "she")
    assert parse_axis_words("good") == ("good",)
    for bad in ("a,b,c", "he,", "", ","):
        with pytest.raises(ValueError, match="axis"):
            parse_axis_words(bad)


def test_axis_projections_match_bias_projections():
    from w2v.evaluation.probe import axis_projections

    rng = np.random.default_rng(3)
    words = ["he", "she", "good", "doctor", "nurse", "pilot", "tree"]
    kv = KeyedVectors(words, rng.standard_normal((len(words), 8)).astype(np.float32), counts=[7, 6, 5, 4, 3, 2, 1])
    r = axis_projections(kv, "he,she", "good", ["doctor", "nurse", "pilot", "she", "ghost"])
    [bias] = bias_projections(kv, ["he:she"], ["doctor", "nurse", "pilot", "ghost"])
    assert {p["word"]: p["x"] for p in r["points"]} == pytest.approx(dict(bias["ranking"]), abs=1e-6)
    unit = kv.vectors / np.linalg.norm(kv.vectors, axis=1, keepdims=True)
    assert [p["y"] for p in r["points"]] == pytest.approx(unit[[3, 4, 5]] @ unit[2], abs=1e-6)
    assert [p["count"] for p in r["points"]] == [4, 3, 2]
    assert r["x"] == ["he", "she"] and r["y"] == ["good"] and r["missing"] == ["ghost"]
    with pytest.raises(KeyError, match="unicorn"):
        axis_projections(kv, "he,unicorn")
