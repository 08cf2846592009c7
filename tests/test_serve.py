"""``w2v serve``'s JSON API, in-process (Starlette's TestClient) and on a live uvicorn server for raw paths."""
import http.client
import json
import os
import pathlib
import socket
import subprocess
import sys
import threading
import time
import warnings

import numpy as np
import pytest

pytest.importorskip("starlette", reason="w2v serve needs starlette")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")
uvicorn = pytest.importorskip("uvicorn", reason="w2v serve needs uvicorn")

with warnings.catch_warnings():     # Starlette >= 1.x asks for httpx2 rather than httpx; both work
    warnings.filterwarnings("ignore", message=".*httpx2")
    from starlette.testclient import TestClient  # noqa: E402

from w2v.cli import main  # noqa: E402
from w2v.evaluation.compare import most_changed, neighbour_overlap  # noqa: E402
from w2v.models.keyedvectors import KeyedVectors  # noqa: E402
from w2v.evaluation.plot import project_unit  # noqa: E402
from w2v.evaluation.probe import axis_projections, probe  # noqa: E402
from w2v.serve import ServedModel, create_app  # noqa: E402
from serving import ok, running  # noqa: E402
from w2v.serve.app import MAX_POINTS, MAX_TOPN  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:.*httpx2")

WORDS = ["the", "he", "she", "good", "bad", "king", "queen", "man", "woman", "doctor", "nurse", "Paris",
         "paris", "france", "then", "them", "theory"] + [f"w{i}" for i in range(183)]


def make_kv(seed, words=WORDS, dim=16):
    rng = np.random.default_rng(seed)
    counts = np.sort(rng.integers(5, 10000, len(words)))[::-1]
    return KeyedVectors(words, rng.standard_normal((len(words), dim)).astype(np.float32), counts=counts)


@pytest.fixture(scope="module")
def kvs():
    return [make_kv(1), make_kv(2, words=WORDS[:17][::-1] + WORDS[17:150] + ["only_b"])]


@pytest.fixture(scope="module")
def client(kvs):
    models = [ServedModel("a.w2v", kvs[0]), ServedModel("b.w2v", kvs[1])]
    with TestClient(create_app(models)) as c:
        yield c


def pairs(results):
    return [{"word": w, "similarity": pytest.approx(s, abs=1e-7)} for w, s in results]


# ---- answers match the library ----------------------------------------------------------------


def test_models(client):
    assert ok(client, "/api/models") == [
        {"name": "a.w2v", "words": 200, "dimensions": 16, "index": None, "analogy": None,    # random vectors
         "subwords": False, "documents": None},
        {"name": "b.w2v", "words": 151, "dimensions": 16, "index": None, "analogy": None,
         "subwords": False, "documents": None}]


@pytest.mark.parametrize("model, word, topn", [(0, "king", 10), (0, "w5", 1), (1, "woman", 25), (0, "Paris", 199)])
def test_neighbors_are_most_similar(client, kvs, model, word, topn):
    body = ok(client, "/api/neighbors", word=word, topn=topn, model=model)
    assert body["word"] == word
    assert body["neighbors"] == pairs(kvs[model].most_similar(word, topn=topn))
    assert len(body["neighbors"]) == min(topn, len(kvs[model]) - 1)


def test_concurrent_neighbour_queries_are_batched_with_the_same_answers(kvs):
    from concurrent.futures import ThreadPoolExecutor

    from w2v.serve.models import NeighbourBatcher

    kv = kvs[0]
    batcher = NeighbourBatcher(kv)
    calls = []
    original = kv.most_similar_batch
    kv.most_similar_batch = lambda words, topn: calls.append(len(words)) or original(words, topn=topn)
    try:
        words = kv.index_to_key[:120] + ["not-a-word"]
        topns = [1 + i % 13 for i in range(len(words))]

        def ask(args):
            try:
                return batcher.most_similar(*args)
            except KeyError as e:
                return e

        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(ask, zip(words, topns)))
    finally:
        del kv.most_similar_batch
    for w, topn, answer in zip(words[:-1], topns, answers):
        expected = kv.most_similar(w, topn=topn)
        assert [x for x, _ in answer] == [x for x, _ in expected]
        assert [s for _, s in answer] == pytest.approx([s for _, s in expected], abs=1e-6)
    assert isinstance(answers[-1], KeyError)              # the bad query fails alone
    assert calls and max(calls) > 1                       # some queries shared a matrix product


def test_neighbors_default_topn_and_model(client, kvs):
    assert ok(client, "/api/neighbors", word="queen")["neighbors"] == pairs(kvs[0].most_similar("queen", topn=10))


@pytest.mark.parametrize("method", ["add", "mul"])
def test_analogy(client, kvs, method):
    body = ok(client, "/api/analogy", a="man", b="king", c="woman", topn=5, method=method)
    kv = kvs[0]
    expected = (kv.most_similar(positive=["king", "woman"], negative=["man"], topn=5) if method == "add"
                else kv.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=5))
    assert body["answers"] == pairs(expected)
    assert body["method"] == method


def test_analogy_defaults_to_3cosadd(client, kvs):
    body = ok(client, "/api/analogy", a="man", b="king", c="woman")
    assert body["answers"] == pairs(kvs[0].most_similar(positive=["king", "woman"], negative=["man"], topn=10))


def test_complete_by_prefix_case_insensitive_most_frequent_first(client):
    assert ok(client, "/api/complete", prefix="the")["words"] == ["the", "then", "them", "theory"]
    assert ok(client, "/api/complete", prefix="The", limit=2)["words"] == ["the", "then"]
    assert ok(client, "/api/complete", prefix="par")["words"] == ["Paris", "paris"]
    assert ok(client, "/api/complete", prefix="w1", limit=3)["words"] == ["w1", "w10", "w11"]
    assert ok(client, "/api/complete", prefix="zzz")["words"] == []


def test_map_top(client, kvs):
    body = ok(client, "/api/map", top=50)
    kv = kvs[0]
    assert [p["word"] for p in body["points"]] == kv.index_to_key[:50]
    assert [p["count"] for p in body["points"]] == kv.counts[:50].tolist()
    xy = project_unit(kv.vectors[:50])
    np.testing.assert_allclose([[p["x"], p["y"]] for p in body["points"]], xy, atol=1e-5)


def test_map_words_keeps_order_and_drops_repeats(client, kvs):
    body = ok(client, "/api/map", words="queen,king,man,queen", method="pca", model=1)
    assert [p["word"] for p in body["points"]] == ["queen", "king", "man"]
    kv = kvs[1]
    rows = [kv.key_to_index[w] for w in ("queen", "king", "man")]
    np.testing.assert_allclose([[p["x"], p["y"]] for p in body["points"]], project_unit(kv.vectors[rows]), atol=1e-5)


def test_map_around_a_word_is_the_word_and_its_neighbours(client, kvs):
    body = ok(client, "/api/map", around="king", top=8, model=1)
    assert [p["word"] for p in body["points"]] == ["king"] + [w for w, _ in kvs[1].most_similar("king", topn=7)]
    axes = ok(client, "/api/axes", x="he,she", around="doctor", top=5)
    near = [w for w, _ in kvs[0].most_similar("doctor", topn=4)]
    assert [p["word"] for p in axes["points"]] == [w for w in ["doctor"] + near if w not in ("he", "she")]


def test_maps_are_kept_and_prepare_computes_the_first_one(kvs, monkeypatch):
    import w2v.serve.models as served

    model = ServedModel("a", kvs[0])
    model.prepare()
    calls = []
    monkeypatch.setattr(served, "project_unit", lambda *a, **k: calls.append(1) or project_unit(*a, **k))
    with TestClient(create_app([model])) as c:
        first = ok(c, "/api/map", top=served.FIRST_MAP_WORDS)          # the page's first map: ready
        assert calls == [] and len(first["points"]) == len(kvs[0])
        assert ok(c, "/api/map", top=30) == ok(c, "/api/map", top=30)
        assert calls == [1]                                             # the second came from the cache
        for n in range(2, 2 + served.MAPS_KEPT):
            ok(c, "/api/map", top=n)
        ok(c, "/api/map", top=30)
        assert len(calls) == 2 + served.MAPS_KEPT                        # pushed out, computed again


def test_map_tsne(client):
    pytest.importorskip("sklearn", reason="t-SNE needs scikit-learn")
    body = ok(client, "/api/map", top=30, method="tsne")
    assert len(body["points"]) == 30 and body["method"] == "tsne"
    assert all(np.isfinite([p["x"], p["y"]]).all() for p in body["points"])


def test_map_ten_thousand_points():
    words = [f"w{i}" for i in range(MAX_POINTS + 5)]
    kv = KeyedVectors(words, np.random.default_rng(0).standard_normal((len(words), 8)).astype(np.float32))
    with TestClient(create_app([ServedModel("big", kv)])) as c:
        assert len(ok(c, "/api/map", top=MAX_POINTS)["points"]) == MAX_POINTS
        assert c.get("/api/map", params={"top": MAX_POINTS + 1}).status_code == 400


def test_axes(client, kvs):
    body = ok(client, "/api/axes", x="he,she", y="good,bad", words="doctor,nurse,king,he")
    assert body == json.loads(json.dumps(axis_projections(kvs[0], ("he", "she"), ("good", "bad"),
                                                          ["doctor", "nurse", "king", "he"])))
    assert [p["word"] for p in body["points"]] == ["doctor", "nurse", "king"]    # the axis' own words left out
    assert body["x"] == ["he", "she"] and body["y"] == ["good", "bad"]


def test_axes_one_word_and_top(client, kvs):
    body = ok(client, "/api/axes", x="good", top=20)
    kv = kvs[0]
    unit = kv.vectors / np.linalg.norm(kv.vectors, axis=1, keepdims=True)
    expected = {w: float(unit[kv.key_to_index[w]] @ unit[kv.key_to_index["good"]]) for w in kv.index_to_key[:20]}
    assert {p["word"]: p["x"] for p in body["points"]} == pytest.approx({w: v for w, v in expected.items() if w != "good"}, abs=1e-6)
    assert body["y"] is None and all(p["y"] == 0 for p in body["points"])


def test_axes_default_words_are_the_probes_occupations(client, kvs):
    body = ok(client, "/api/axes", x="he,she")
    assert [p["word"] for p in body["points"]] == ["doctor", "nurse"]     # the occupations the model knows
    assert "engineer" in body["missing"]


def test_probe_is_what_w2v_probe_json_prints(client, kvs):
    assert ok(client, "/api/probe") == json.loads(json.dumps(probe(kvs[0])))
    assert ok(client, "/api/probe", model=1)["vocabulary"] == 151


def test_compare(client, kvs):
    body = ok(client, "/api/compare", word="king", topn=7)
    expected = json.loads(json.dumps(neighbour_overlap(kvs[0], kvs[1], "king", topn=7)))
    assert body["models"] == ["a.w2v", "b.w2v"]
    assert body["shared"] == expected["shared"] and body["jaccard"] == pytest.approx(expected["jaccard"])
    assert body["neighbors"] == expected["neighbors"]


def test_differ(client, kvs):
    body = ok(client, "/api/differ", words=100, topn=5, limit=10, skip=0)
    expected = most_changed(kvs[0], kvs[1], words=100, topn=5, pool=20000, limit=10, ties="known")
    assert body["words"] == json.loads(json.dumps(expected))
    assert [r["jaccard"] for r in body["words"]] == sorted(r["jaccard"] for r in body["words"])
    same = ok(client, "/api/differ", a=0, b=0, words=20, topn=5, limit=3)
    assert [r["jaccard"] for r in same["words"]] == [1.0, 1.0, 1.0]


def test_differ_leaves_out_the_most_frequent_words_of_either_model(client, kvs):
    """The page's list: not 'the, a, of' at Jaccard 0.00, but words both models know well."""
    from w2v.serve.routes import DIFFER_SKIP

    body = ok(client, "/api/differ", words=30, topn=5, limit=30)
    frequent = set(kvs[0].index_to_key[:DIFFER_SKIP]) | set(kvs[1].index_to_key[:DIFFER_SKIP])
    assert body["words"] and not frequent & {r["word"] for r in body["words"]}
    expected = most_changed(kvs[0], kvs[1], words=30, topn=5, limit=30, skip=DIFFER_SKIP, ties="known")
    assert body["words"] == json.loads(json.dumps(expected))
    assert {r["word"] for r in expected} == set([w for w in kvs[0].index_to_key[DIFFER_SKIP:]
                                                 if w in kvs[1].key_to_index and kvs[1].key_to_index[w] >= DIFFER_SKIP][:30])
    assert "the" in [r["word"] for r in ok(client, "/api/differ", words=30, topn=5, limit=30, skip=0)["words"]]


def test_differ_ties_come_best_known_first(client, kvs):
    """Among words of equal overlap, the one whose neighbours are closest in both models comes first."""
    from w2v.evaluation.compare import shared_vocabulary

    body = ok(client, "/api/differ", words=150, topn=5, limit=150, skip=0)
    shared = shared_vocabulary(kvs[0], kvs[1])
    subs = [KeyedVectors(shared, kv.vectors[[kv.key_to_index[w] for w in shared]]) for kv in kvs]
    known = {r["word"]: min(np.mean([s for _, s in sub.most_similar(r["word"], topn=5)]) for sub in subs)
             for r in body["words"]}
    keys = [(r["jaccard"], -known[r["word"]]) for r in body["words"]]
    assert keys == sorted(keys)
    assert len({r["jaccard"] for r in body["words"]}) < len(keys)          # there were ties to order


def test_the_placeholder_analogy_is_one_the_model_answers():
    """man : king :: woman is not answered queen here; the first candidate that is answered right is shown."""
    words = ["man", "king", "woman", "queen", "france", "paris", "japan", "tokyo"] + [f"w{i}" for i in range(60)]
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((len(words), 12)).astype(np.float32)
    at = {w: i for i, w in enumerate(words)}
    vectors[at["queen"]] = -(vectors[at["king"]] - vectors[at["man"]] + vectors[at["woman"]])
    vectors[at["tokyo"]] = vectors[at["paris"]] - vectors[at["france"]] + vectors[at["japan"]]
    kv = KeyedVectors(words, vectors)
    assert kv.analogy("man", "king", "woman", topn=1)[0][0] != "queen"
    model = ServedModel("toy", kv)
    assert model.example_analogy() == ["france", "paris", "japan", "tokyo"]
    assert kv.analogy("france", "paris", "japan", topn=1)[0][0] == "tokyo"
    with TestClient(create_app([model])) as c:
        assert ok(c, "/api/models")[0]["analogy"] == ["france", "paris", "japan", "tokyo"]


# ---- the page and its assets ----------------------------------------------------------------


def test_page_and_assets(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    for name, kind in (("app.js", "javascript"), ("app.css", "text/css")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and kind in r.headers["content-type"]
        assert f"static/{name}" in page.text
    assert "http" not in page.text.replace("http-equiv", "")          # no CDN: works offline


def test_the_cjk_font_is_served_when_the_zh_extra_is_there(client, monkeypatch):
    """app.css asks for static/cjk.otf (Chinese labels on a system without a CJK font): the zh
    extra's file, byte for byte, or a JSON 404 saying how to get it."""
    from w2v.evaluation import fonts
    from w2v.serve import app as serve_app

    assert 'url("cjk.otf")' in client.get("/static/app.css").text
    assert "font-src 'self'" in client.get("/").headers["content-security-policy"]
    path = fonts.packaged_cjk_font()
    if path is not None:
        r = client.get("/static/cjk.otf")
        assert r.status_code == 200 and r.headers["content-type"] == "font/otf"
        assert r.content == pathlib.Path(path).read_bytes()
    monkeypatch.setattr(serve_app, "packaged_cjk_font", lambda: None)
    r = client.get("/static/cjk.otf")
    assert r.status_code == 404 and "pip install '.[zh]'" in r.json()["error"]


@pytest.mark.parametrize("url", ["/", "/api/models", "/api/neighbors?word=nope", "/static/nope.js", "/x"])
def test_security_headers_everywhere(client, url):
    headers = client.get(url).headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_allowed_hosts(kvs):
    app = create_app([ServedModel("a", kvs[0])], allowed_hosts=["127.0.0.1", "localhost"])
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert c.get("/api/models").status_code == 200
    with TestClient(app, base_url="http://evil.example") as c:
        assert c.get("/api/models").status_code == 400


# ---- bad input: 4xx with a JSON error, and the server keeps answering -----------------------------

BAD = [
    ("/api/neighbors", {}, 400),
    ("/api/neighbors", {"word": ""}, 400),
    ("/api/neighbors", {"word": "   "}, 400),
    ("/api/neighbors", {"word": "zebra"}, 404),
    ("/api/neighbors", {"word": "king", "topn": "ten"}, 400),
    ("/api/neighbors", {"word": "king", "topn": "0"}, 400),
    ("/api/neighbors", {"word": "king", "topn": "-3"}, 400),
    ("/api/neighbors", {"word": "king", "topn": str(MAX_TOPN + 1)}, 400),
    ("/api/neighbors", {"word": "king", "topn": "9" * 5000}, 400),
    ("/api/neighbors", {"word": "king", "topn": "1e3"}, 400),
    ("/api/neighbors", {"word": "king", "model": "2"}, 400),
    ("/api/neighbors", {"word": "king", "model": "-1"}, 400),
    ("/api/neighbors", {"word": "king", "model": "a"}, 400),
    ("/api/neighbors", {"word": "x" * 600}, 400),
    ("/api/neighbors", {"word": "x" * 30000}, 400),
    ("/api/neighbors", {"word": "only_b", "model": "0"}, 404),
    ("/api/neighbors", {"word": "\x00../../etc/passwd"}, 404),
    ("/api/analogy", {"a": "man", "b": "king"}, 400),
    ("/api/analogy", {"a": "man", "b": "king", "c": "unicorn"}, 404),
    ("/api/analogy", {"a": "man", "b": "king", "c": "woman", "method": "div"}, 400),
    ("/api/analogy", {"a": "man", "b": "king", "c": "woman", "topn": "100000"}, 400),
    ("/api/complete", {}, 400),
    ("/api/complete", {"prefix": "a", "limit": "1000000"}, 400),
    ("/api/complete", {"prefix": "a", "limit": "0"}, 400),
    ("/api/map", {}, 400),
    ("/api/map", {"top": "1"}, 400),
    ("/api/map", {"top": "many"}, 400),
    ("/api/map", {"top": str(MAX_POINTS + 1)}, 400),
    ("/api/map", {"top": "10", "words": "king,queen"}, 400),
    ("/api/map", {"words": "king"}, 400),
    ("/api/map", {"words": ",,,"}, 400),
    ("/api/map", {"words": "king,unicorn"}, 404),
    ("/api/map", {"around": "unicorn"}, 404),
    ("/api/map", {"around": "king", "top": "5000"}, 400),
    ("/api/map", {"around": "king", "words": "he,she"}, 400),
    ("/api/map", {"top": "10", "method": "umap"}, 400),
    ("/api/map", {"words": "king,queen", "method": "tsne"}, 400),
    ("/api/axes", {}, 400),
    ("/api/axes", {"x": "he,she,it"}, 400),
    ("/api/axes", {"x": "he,"}, 400),
    ("/api/axes", {"x": "he,unicorn"}, 404),
    ("/api/axes", {"x": "he,she", "y": "good,unicorn"}, 404),
    ("/api/axes", {"x": "he,she", "words": "king,unicorn"}, 404),
    ("/api/axes", {"x": "he,she", "top": "0"}, 400),
    ("/api/probe", {"model": "7"}, 400),
    ("/api/compare", {"word": "only_b"}, 404),
    ("/api/compare", {"word": "king", "b": "5"}, 400),
    ("/api/differ", {"words": "0"}, 400),
    ("/api/differ", {"topn": "1000"}, 400),
    ("/api/nothing", {}, 404),
    ("/static/index.html.bak", {}, 404),
]


@pytest.mark.parametrize("url, params, status", BAD)
def test_bad_input_is_4xx_json_and_the_server_keeps_answering(client, url, params, status):
    r = client.get(url, params=params)
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and body["error"] and "Traceback" not in body["error"]
    assert ok(client, "/api/neighbors", word="king", topn=3)["neighbors"]


def test_unknown_word_suggests_spellings(client):
    r = client.get("/api/neighbors", params={"word": "kng"})
    assert r.status_code == 404 and "'king'" in r.json()["error"]


def test_wrong_method_is_405_json(client):
    r = client.post("/api/neighbors", params={"word": "king"})
    assert r.status_code == 405 and r.json() == {"error": "method not allowed"}


@pytest.mark.parametrize("error", [RuntimeError, ValueError])     # a ValueError inside is a bug too, not a 400
def test_internal_error_is_json_500_without_traceback(kvs, caplog, error):
    model = ServedModel("a", kvs[0])

    def broken(word, topn):
        raise error("a bug")

    model.neighbours = broken
    with TestClient(create_app([model]), raise_server_exceptions=False) as c:
        r = c.get("/api/neighbors", params={"word": "king"})
        assert r.status_code == 500
        assert r.json() == {"error": "internal error (the server's log has the details)"}
        assert ok(c, "/api/models")
    assert "a bug" in caplog.text        # the traceback goes to the server's log


# ---- a live server: raw paths, concurrency, the command line ------------------------------------


@pytest.fixture
def live(kvs):
    """A uvicorn server on a free port of 127.0.0.1, in a thread; yields (host, port, models)."""
    models = [ServedModel("a.w2v", kvs[0])]
    with running(models) as port:
        yield "127.0.0.1", port, models


def raw_get(host, port, path):
    conn = http.client.HTTPConnection(host, port, timeout=20)
    conn.putrequest("GET", path, skip_accept_encoding=True)     # the path as is: no client-side clean-up
    conn.endheaders()
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, body


@pytest.mark.parametrize("path", [
    "/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fetc%2fpasswd",
    "/static/%252e%252e%252fetc%252fpasswd", "/static/app.js/../../../etc/passwd", "/../../etc/passwd",
    "/static/..\\..\\etc\\passwd", "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/",
    "/static/../serve/app.py", "/static/./app.js/..",
])
def test_path_traversal_is_404(live, path):
    host, port, _ = live
    status, body = raw_get(host, port, path)
    assert status == 404, (path, body[:200])
    assert b"root:" not in body and b"import" not in body
    assert raw_get(host, port, "/api/models")[0] == 200


def test_a_slow_query_does_not_block_the_others(live):
    host, port, models = live
    release = threading.Event()

    def slow_probe():
        release.wait(10)
        return {"slow": True}

    models[0].probe_report = slow_probe
    done = []
    slow = threading.Thread(target=lambda: done.append(raw_get(host, port, "/api/probe")))
    slow.start()
    time.sleep(0.2)
    start = time.monotonic()
    status, _ = raw_get(host, port, "/api/neighbors?word=king")
    fast = time.monotonic() - start
    release.set()
    slow.join(10)
    assert status == 200 and fast < 5
    assert done and done[0][0] == 200 and json.loads(done[0][1]) == {"slow": True}


def test_cli_errors_are_one_line(tmp_path, capsys):
    assert main(["serve", str(tmp_path / "missing.w2v"), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.w2v" in err
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        assert main(["serve", str(tmp_path / "missing.w2v"), "--port", str(busy.getsockname()[1])]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "cannot listen" in err
    finally:
        busy.close()
    assert main(["serve", "x.w2v", "--port", "70000"]) == 2
    assert main(["serve", "x.w2v", "--host", "no such host.invalid"]) == 2
    capsys.readouterr()
    for flag, value in (("--workers", "0"), ("--queue", "-1"), ("--request-timeout", "0"),
                        ("--request-timeout", "soon"), ("--max-connections", "0"), ("--cache-mb", "x")):
        assert main(["serve", "x.w2v", flag, value]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and flag in err, err


def test_cli_socket_is_tcp_so_answers_are_not_held_back():
    from w2v.cli.serve import listen

    sock = listen("127.0.0.1", 0)
    try:
        # asyncio sets TCP_NODELAY on accepted connections only for proto IPPROTO_TCP; with proto 0,
        # every keep-alive answer waited ~40 ms for a delayed ACK.
        assert sock.proto == socket.IPPROTO_TCP and sock.getsockname()[1] > 0
    finally:
        sock.close()


def _serve(args, tmp_path):
    """Start ``w2v serve`` in a process; return it and the address it printed."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(os.path.dirname(__file__), "..", "src"),
                                                      os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, "-m", "w2v", "serve", *args, "--port", "0"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    return proc, line


@pytest.mark.parametrize("host, warns", [("127.0.0.1", False), ("0.0.0.0", True)])
def test_cli_serves_and_prints_its_address(tmp_path, kvs, host, warns):
    path = tmp_path / "a.txt"
    kvs[0].save_word2vec_format(path)
    proc, line = _serve([str(path), "--host", host], tmp_path)
    try:
        assert line.startswith("serving a.txt (200 words x 16) at http://"), line
        url = line.split(" at ")[1].split()[0]
        port = int(url.rsplit(":", 1)[1].strip("/"))
        status, body = raw_get("127.0.0.1", port, "/api/models")
        assert status == 200 and json.loads(body)[0]["words"] == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert ("anyone who can reach this machine" in err) == warns


# ---- an approximate-neighbour index (w2v index) -------------------------------------------------


@pytest.fixture
def faiss():
    return pytest.importorskip("faiss", reason="the ann extra (faiss-cpu) is not installed")


class Counting:
    """An indexer that counts its searches, to show the answers come through it."""

    def __init__(self, index):
        self.index, self.method, self.calls = index, index.method, 0

    def most_similar(self, vector, num_neighbors):
        self.calls += 1
        return self.index.most_similar(vector, num_neighbors)


def test_neighbours_come_through_the_index(kvs, faiss):
    kv = kvs[0]
    index = kv.build_index(method="ivf", nlist=20, threads=1)
    index.set_search(nprobe=1)                  # one list of 20: answers differ from the exact ones
    spy = Counting(index)
    with TestClient(create_app([ServedModel("a.w2v", kv, indexer=spy), ServedModel("b.w2v", kvs[1])])) as c:
        assert [m["index"] for m in ok(c, "/api/models")] == ["ivf", None]
        differs = False
        for word in ("king", "w5", "Paris", "w150"):
            body = ok(c, "/api/neighbors", word=word, topn=8)
            through = [(w, s) for w, s in kv.most_similar(word, topn=9, indexer=index) if w != word][:8]
            assert body["neighbors"] == pairs(through)        # the index's answer, the word itself left out
            assert word not in [n["word"] for n in body["neighbors"]]
            differs |= [w for w, _ in through] != [w for w, _ in kv.most_similar(word, topn=8)]
        assert spy.calls == 4 and differs
        body = ok(c, "/api/neighbors", word="king", topn=8, model=1)        # the other model: exact
        assert body["neighbors"] == pairs(kvs[1].most_similar("king", topn=8))


def test_cli_index_per_model(tmp_path, kvs, monkeypatch, faiss, capsys):
    import w2v.serve

    paths = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for kv, path in zip(kvs, paths):
        kv.save_word2vec_format(path)
    kvs[0].build_index(threads=1).save(tmp_path / "a.index")
    served = []
    real_create_app = w2v.serve.create_app
    monkeypatch.setattr(w2v.serve, "create_app",
                        lambda models, **kw: served.extend(models) or real_create_app(models, **kw))
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets: None)    # do not serve forever
    assert main(["serve", *map(str, paths), "--index", str(tmp_path / "a.index"), "--index", "-", "--port", "0"]) == 0
    assert [m.describe()["index"] for m in served] == ["ivf", None]
    assert "a.txt (200 words x 16, ivf index), b.txt (151 words x 16)" in capsys.readouterr().out
    word = "king"
    through = kvs[0].most_similar(word, topn=6, indexer=served[0].indexer)
    assert served[0].neighbours(word, 5) == [(w, s) for w, s in through if w != word][:5]


@pytest.mark.parametrize("which, message", [
    ("other", "built for other vectors"),            # a's index for c: the same words, other vectors
    ("shape", "this index was built for 200 words"),   # a's index for b
    ("count", "give one --index per MODEL"),
    ("missing", "no such file"),
])
def test_cli_bad_index_is_one_line_exit_2(tmp_path, kvs, faiss, capsys, which, message):
    paths = [tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"]
    for kv, path in zip(kvs + [KeyedVectors(kvs[0].index_to_key, kvs[0].vectors + 1)], paths):
        kv.save_word2vec_format(path)
    kvs[0].build_index(threads=1).save(tmp_path / "a.index")
    a = str(tmp_path / "a.index")
    index = {"other": [a, "-", a], "shape": [a, a, "-"], "count": [a],
             "missing": [str(tmp_path / "none.index"), "-", "-"]}[which]
    argv = ["serve", *map(str, paths), *[a for i in index for a in ("--index", i)], "--port", "0"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err


# ---- hostile use: bounded memory, no head-of-line blocking, refusals in JSON (issue 28) -------------


def raw_exchange(port, data, host="127.0.0.1", wait=10.0):
    """Send raw bytes; return (status, headers dict, body bytes, seconds until the server closed)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(wait)
        s.connect((host, port))
        start = time.monotonic()
        s.sendall(data)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        elapsed = time.monotonic() - start
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines[0] else None
    headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
    return status, headers, body, elapsed


def test_differ_results_are_kept_within_their_bounds(kvs):
    from w2v.serve.app import DIFFER_KEPT
    from w2v.serve.limits import Limits

    app = create_app([ServedModel("a", kvs[0]), ServedModel("b", kvs[1])], limits=Limits(cache_mb=0.25))
    cache = app.state.differ_cache
    with TestClient(app) as c:
        for words in range(1, DIFFER_KEPT + 30):             # distinct settings, each computed and kept
            ok(c, "/api/differ", words=words, topn=20, skip=0)
            assert len(cache) <= DIFFER_KEPT and cache.bytes <= 0.25 * (1 << 20)
        assert 1 < len(cache) < DIFFER_KEPT                     # the byte bound is what held here
        big = create_app([ServedModel("a", kvs[0]), ServedModel("b", kvs[1])])
    with TestClient(big) as c:
        for words in range(1, DIFFER_KEPT + 10):
            ok(c, "/api/differ", words=words, topn=2, skip=0)
        assert len(big.state.differ_cache) == DIFFER_KEPT        # ... and here the count


def test_bounded_cache_drops_the_least_recently_used():
    from w2v.serve.limits import BoundedCache, size_of

    cache = BoundedCache(max_entries=3, max_bytes=10 ** 6)
    for key in "abc":
        cache.put(key, np.zeros(10))
    cache.get("a")
    cache.put("d", np.zeros(10))
    assert [k for k in "abcd" if cache.get(k) is not None] == ["a", "c", "d"]
    cache.put("huge", np.zeros(10 ** 6))                        # larger than the whole budget: not kept
    assert cache.get("huge") is None and len(cache) == 3
    assert cache.bytes == sum(size_of(k) + size_of(np.zeros(10)) for k in "acd")
    assert size_of(["x" * 1000] * 50) < 2000                    # one string held 50 times counts once


def test_a_cheap_endpoint_answers_while_the_expensive_one_is_saturated(kvs, monkeypatch):
    """65 /api/differ requests that cannot finish: /api/complete still answers at once, and those beyond
    the gate's workers and queue are refused 503 with a JSON error, not queued on threads."""
    import concurrent.futures

    import w2v.serve.routes as routes
    from w2v.serve.limits import Limits

    release = threading.Event()
    real = routes.most_changed
    monkeypatch.setattr(routes, "most_changed", lambda *a, **k: release.wait(30) and real(*a, **k))
    models = [ServedModel("a", kvs[0]), ServedModel("b", kvs[1])]
    limits = Limits(workers=2, queue=8)
    with running(models, limits=limits) as port, concurrent.futures.ThreadPoolExecutor(65) as pool:
        def differ(words):
            return raw_get("127.0.0.1", port, f"/api/differ?words={words}&skip=0")

        futures = [pool.submit(differ, w) for w in range(1, 66)]
        deadline = time.monotonic() + 20                    # until the refused ones are answered (a busy machine)
        while sum(f.done() for f in futures) < 65 - 2 - 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        refused = [f.result(timeout=10) for f in futures if f.done()]
        start = time.monotonic()
        status, body = raw_get("127.0.0.1", port, "/api/complete?prefix=th")
        took = time.monotonic() - start
        assert status == 200 and json.loads(body)["words"] == ["the", "then", "them", "theory"]
        assert took < 0.5, took
        release.set()
        answers = [f.result(timeout=30) for f in futures]
    assert len(refused) == 65 - 2 - 8
    assert all(s == 503 and "busy" in json.loads(b)["error"] for s, b in refused)
    assert sum(s == 200 for s, _ in answers) == 2 + 8


def test_an_incomplete_request_is_closed_after_the_timeout(kvs):
    from w2v.serve.limits import Limits

    with running([ServedModel("a", kvs[0])], limits=Limits(request_timeout=0.5)) as port:
        status, headers, body, took = raw_exchange(port, b"GET /api/models HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        assert status == 408 and headers["content-type"] == "application/json" and 0.4 < took < 3
        assert "within 0.5 s" in json.loads(body)["error"]
        assert raw_exchange(port, b"")[3] < 3                  # connected, sent nothing: closed too
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:   # a byte at a time: no extension
            start = time.monotonic()
            try:
                for byte in b"GET /api/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX: " + b"y" * 100:
                    s.sendall(bytes([byte]))
                    time.sleep(0.05)
            except (BrokenPipeError, ConnectionResetError):
                pass
            assert time.monotonic() - start < 3
        # a complete request is answered, and the keep-alive connection may then send the next one
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for _ in range(2):
            conn.request("GET", "/api/models")
            assert conn.getresponse().read() and True
        conn.close()


def test_connections_beyond_the_limit_are_refused_with_json(kvs):
    from w2v.serve.limits import Limits

    with running([ServedModel("a", kvs[0])], limits=Limits(max_connections=3)) as port:
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
        try:
            time.sleep(0.2)
            status, headers, body, _ = raw_exchange(port, b"GET /api/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert status == 503 and "connections at most" in json.loads(body)["error"]
        finally:
            for s in idle:
                s.close()
        time.sleep(0.2)
        assert raw_get("127.0.0.1", port, "/api/models")[0] == 200


@pytest.mark.parametrize("request_bytes, status, says", [
    (b"GET /api/models HTTP/1.1\r\n\r\n", 400, "Host"),                                   # h11: no Host
    (b"GET /api/models HTTP/1.0\r\n\r\n", 400, "missing Host"),                           # the Host check
    (b"GET /api/\xff HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400, "bad HTTP request"),
    (b"GET /api/models HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n", 400, "Host"),
    (b"GET /api/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX: " + b"a" * 200_000 + b"\r\n\r\n", 431, "headers over"),
    (b"GET /api/models HTTP/1.1\r\nHost: evil.example\r\n\r\n", 400, "not served here"),
    (b"GET /api/models HTTP/1.1\r\nHost: evil.example:8000\r\n\r\n", 400, "not served here"),
    (b"GET /api/models/ HTTP/1.1\r\nHost: evil.example\r\n\r\n", 400, "not served here"),
    (b"GET /api/models/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 404, "not found"),
])
def test_refusals_are_json(kvs, request_bytes, status, says):
    from w2v.serve.app import LOOPBACK_HOSTS

    with running([ServedModel("a", kvs[0])], allowed_hosts=LOOPBACK_HOSTS) as port:
        got, headers, body, _ = raw_exchange(port, request_bytes)
        assert got == status, body[:300]
        assert headers["content-type"] == "application/json" and "location" not in headers
        assert says in json.loads(body)["error"]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8000", "localhost:8000", "LOCALHOST.", "127.0.0.2:9",
                                  "[::1]:8000", "::1"])
def test_loopback_names_and_addresses_pass_the_host_check(kvs, host):
    from w2v.serve.app import LOOPBACK_HOSTS

    app = create_app([ServedModel("a", kvs[0])], allowed_hosts=LOOPBACK_HOSTS)
    with TestClient(app) as c:
        assert c.get("/api/models", headers={"host": host}).status_code == 200
        r = c.get("/api/models", headers={"host": "evil.example"})
        assert r.status_code == 400 and "DNS rebinding" in r.json()["error"]


@pytest.mark.parametrize("host, checked", [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True),
                                           ("localhost", True), ("0.0.0.0", False), ("::", False)])
def test_every_loopback_address_gets_the_host_check(host, checked):
    from w2v.cli.serve import allowed_hosts

    assert (allowed_hosts(host) is not None) == checked


def test_ipv6_loopback_refuses_a_foreign_host(tmp_path, kvs):
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        socket.socket(socket.AF_INET6).bind(("::1", 0))
    except OSError:
        pytest.skip("no ::1 here")
    path = tmp_path / "a.txt"
    kvs[0].save_word2vec_format(path)
    proc, line = _serve([str(path), "--host", "::1"], tmp_path)
    try:
        port = int(line.split(" at ")[1].split()[0].rsplit(":", 1)[1].strip("/"))
        status, _, body, _ = raw_exchange(port, b"GET /api/models HTTP/1.1\r\nHost: evil.example\r\n\r\n", host="::1")
        assert status == 400 and "not served here" in json.loads(body)["error"]
        status, _, body, _ = raw_exchange(port, b"GET /api/models HTTP/1.1\r\nHost: [::1]\r\n\r\n", host="::1")
        assert status == 200
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


def test_axes_without_words_left_is_a_clear_400(client):
    r = client.get("/api/axes", params={"x": "he,she", "words": "he,she"})
    assert r.status_code == 400
    assert r.json() == {"error": "no words to place: he, she are the axes' own words, which are left out"}


@pytest.mark.parametrize("sig, status", [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_signal_stops_the_server_with_a_line_and_the_conventional_status(tmp_path, kvs, sig, status):
    import signal

    path = tmp_path / "a.txt"
    kvs[0].save_word2vec_format(path)
    proc, line = _serve([str(path)], tmp_path)
    assert line.startswith("serving")
    port = int(line.split(" at ")[1].split()[0].rsplit(":", 1)[1].strip("/"))
    assert raw_get("127.0.0.1", port, "/api/models")[0] == 200
    proc.send_signal(getattr(signal, sig))
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == status
    assert err.strip().splitlines()[-1] == f"w2v: stopped by {sig}, after finishing the requests in flight"


SLOW_SERVER = """
import socket, sys, time
import numpy as np
from w2v.models.keyedvectors import KeyedVectors
from w2v.serve import ServedModel, create_app
from w2v.serve.server import serve

model = ServedModel("a", KeyedVectors(["x", "y"], np.eye(2, dtype=np.float32)))
model.probe_report = lambda: time.sleep(2) or {"slow": True}
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
sock.bind(("127.0.0.1", 0))
sock.listen(8)
print(sock.getsockname()[1], flush=True)
print("stopped by", serve(create_app([model]), [sock]).name, flush=True)
"""


def test_sigterm_finishes_the_request_in_flight():
    import signal

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(os.path.dirname(__file__), "..", "src"),
                                                      os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, "-c", SLOW_SERVER], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    port = int(proc.stdout.readline())
    answer = []
    slow = threading.Thread(target=lambda: answer.append(raw_get("127.0.0.1", port, "/api/probe")))
    slow.start()
    time.sleep(0.7)                       # the probe is being computed
    proc.send_signal(signal.SIGTERM)
    slow.join(20)
    out, err = proc.communicate(timeout=20)
    assert answer and answer[0][0] == 200 and json.loads(answer[0][1]) == {"slow": True}
    assert proc.returncode == 0 and out.strip() == "stopped by SIGTERM", err
