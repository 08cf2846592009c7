"""``w2v serve`` on subword vectors (FastText): words outside the vocabulary answered from their n-grams
and named in the JSON (``oov``); a plain model still answers them 404."""
import warnings

import numpy as np
import pytest

pytest.importorskip("starlette", reason="w2v serve needs starlette")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2")
    from starlette.testclient import TestClient  # noqa: E402

from w2v.evaluation.compare import neighbour_overlap  # noqa: E402
from w2v.evaluation.plot import project_unit  # noqa: E402
from w2v.models.keyedvectors import KeyedVectors  # noqa: E402
from w2v.models.subwordvectors import FastTextKeyedVectors  # noqa: E402
from w2v.serve import ServedModel, create_app, load_models  # noqa: E402
from serving import exact, ok  # noqa: E402
from w2v.vectors import facebook  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:.*httpx2")

WORDS = ["the", "king", "queen", "man", "woman", "he", "she", "good", "bad", "music", "musician",
         "piano", "pianist"] + [f"w{i}" for i in range(87)]
BUCKET = 500


def subword_kv(seed=0, bucket=BUCKET):
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((len(WORDS) + bucket, 12)).astype(np.float32)
    return FastTextKeyedVectors.from_rows(WORDS, matrix, 3, 5, bucket, counts=np.arange(len(WORDS), 0, -1) * 7)


@pytest.fixture(scope="module")
def kv():
    return subword_kv()


@pytest.fixture(scope="module")
def plain():
    rng = np.random.default_rng(5)
    return KeyedVectors(WORDS, rng.standard_normal((len(WORDS), 12)).astype(np.float32))


@pytest.fixture(scope="module")
def client(kv, plain):
    with TestClient(create_app([ServedModel("ft.w2v", kv), ServedModel("plain.w2v", plain)])) as c:
        yield c



def pairs(results):
    return [{"word": w, "similarity": s} for w, s in results]


def test_models_say_which_answer_for_unseen_words(client):
    assert [(m["name"], m["subwords"], m["documents"]) for m in ok(client, "/api/models")] == [
        ("ft.w2v", True, None), ("plain.w2v", False, None)]


def test_neighbours_of_an_oov_word_are_its_ngram_vectors_and_say_so(client, kv):
    assert "musicians" in kv and not kv.has_index_for("musicians")
    body = ok(client, "/api/neighbors", word="musicians", topn=5)
    assert body == exact({"word": "musicians", "model": "ft.w2v",
                          "neighbors": pairs(kv.most_similar("musicians", topn=5)), "oov": ["musicians"]})
    unit = kv.get_vector("musicians") / np.linalg.norm(kv.get_vector("musicians"))
    by_hand = sorted((float(unit @ kv[w] / np.linalg.norm(kv[w])) for w in WORDS), reverse=True)[:5]
    assert [n["similarity"] for n in body["neighbors"]] == pytest.approx(by_hand, abs=1e-6)
    known = ok(client, "/api/neighbors", word="music", topn=5)
    assert known["oov"] == [] and [n["word"] for n in known["neighbors"]] == [w for w, _ in kv.most_similar("music", topn=5)]


def test_the_plain_model_still_refuses_an_unknown_word(client):
    r = client.get("/api/neighbors", params={"word": "musicians", "model": 1})
    assert r.status_code == 404
    assert r.json()["error"].startswith("'musicians' is not in the vocabulary") and "plain.w2v" in r.json()["error"]


def test_an_analogy_with_oov_words(client, kv):
    body = ok(client, "/api/analogy", a="piano", b="pianists", c="music", topn=4, method="mul")
    assert body == exact({"a": "piano", "b": "pianists", "c": "music", "method": "mul",
                          "answers": pairs(kv.analogy("piano", "pianists", "music", topn=4, method="mul")),
                          "oov": ["pianists"]})
    same = ok(client, "/api/analogy", a="kings", b="kings", c="queen", topn=2)
    assert same["oov"] == ["kings"]                                     # named once
    assert ok(client, "/api/analogy", a="man", b="king", c="woman")["oov"] == []


def test_a_map_with_oov_words_places_their_ngram_vectors(client, kv):
    body = ok(client, "/api/map", words="king,kingly,queen,queenly")
    vectors = np.vstack([kv.get_vector(w) for w in ("king", "kingly", "queen", "queenly")])
    xy = project_unit(vectors).round(5)
    assert body == exact({"method": "pca", "oov": ["kingly", "queenly"], "points": [
        {"word": w, "x": x, "y": y, "count": c} for w, (x, y), c in
        zip(["king", "kingly", "queen", "queenly"], xy.tolist(), [int(kv.counts[1]), 0, int(kv.counts[2]), 0])]})
    around = ok(client, "/api/map", around="kingly", top=6)
    assert [p["word"] for p in around["points"]] == ["kingly"] + [w for w, _ in kv.most_similar("kingly", topn=5)]
    assert around["oov"] == ["kingly"] and around["points"][0]["count"] == 0
    assert ok(client, "/api/map", top=20)["oov"] == []


def test_a_comparison_of_an_oov_word(client, kv):
    with TestClient(create_app([ServedModel("a", kv), ServedModel("b", subword_kv(seed=3))])) as c:
        body = ok(c, "/api/compare", word="kingly", topn=5)
    other = subword_kv(seed=3)
    expected = exact(neighbour_overlap(kv, other, "kingly", 5))
    assert body["neighbors"] == expected["neighbors"] and body["shared"] == expected["shared"]
    assert client.get("/api/compare", params={"word": "kingly"}).status_code == 404     # the plain model lacks it


BAD = [
    ("/api/axes", {"x": "he,shes"}, 404, "not OOV words built from n-grams"),
    ("/api/axes", {"x": "he,she", "words": "king,kingly"}, 404, "not OOV words"),
    ("/api/axes", {"x": "he,she", "around": "kingly"}, 404, "not OOV words"),
    ("/api/neighbors", {"word": "x" * 600}, 400, "longer than"),
    ("/api/map", {"words": "kingly"}, 400, "at least 2 words"),
    ("/api/neighbors", {"word": "kingly", "model": "1"}, 404, "not in the vocabulary"),
]


@pytest.mark.parametrize("url, params, status, message", BAD)
def test_what_oov_words_cannot_do(client, url, params, status, message):
    r = client.get(url, params=params)
    assert r.status_code == status and message in r.json()["error"], r.text


def test_without_buckets_a_subword_model_is_a_plain_one():
    kv = FastTextKeyedVectors.from_rows(WORDS[:5], np.eye(5, dtype=np.float32), 3, 6, 0)
    with TestClient(create_app([ServedModel("nobuckets", kv)])) as c:
        assert ok(c, "/api/models")[0]["subwords"] is False
        assert c.get("/api/neighbors", params={"word": "kings"}).status_code == 404


def test_served_files_native_fasttext_and_facebook_bin(tmp_path, kv):
    """``w2v serve`` opens a FastText native file and a fastText .bin as subword vectors."""
    kv.save(str(tmp_path / "ft.w2v"))
    n = len(WORDS)
    rng = np.random.default_rng(2)
    args = dict(dim=12, ws=5, epoch=5, minCount=1, neg=5, wordNgrams=1, loss=2, model=2, bucket=BUCKET,
                minn=3, maxn=5, lrUpdateRate=100, t=1e-4)
    facebook.write_facebook(str(tmp_path / "m.bin"), facebook.FacebookModel(
        args, WORDS, np.arange(n, 0, -1, dtype=np.int64), 99, kv.vectors_all, rng.standard_normal((n, 12)).astype(np.float32)))
    plain = KeyedVectors(WORDS, kv.vectors.copy())
    plain.save(str(tmp_path / "plain.w2v"))
    served = load_models([tmp_path / "ft.w2v", tmp_path / "m.bin", tmp_path / "plain.w2v"])
    assert [m.subwords for m in served] == [True, True, False]
    with TestClient(create_app(served)) as c:
        for model in (0, 1):
            body = ok(c, "/api/neighbors", word="musicians", topn=3, model=model)
            assert body["oov"] == ["musicians"]
            assert [n["word"] for n in body["neighbors"]] == [w for w, _ in kv.most_similar("musicians", topn=3)]
        assert c.get("/api/neighbors", params={"word": "musicians", "model": 2}).status_code == 404
