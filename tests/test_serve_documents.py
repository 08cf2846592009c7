"""``w2v serve`` on a Doc2Vec model: the documents nearest a document or a typed text, a map of documents,
each with its first words (the model's ``doc_previews``, as ``w2v doc2vec search`` prints them), and
hostile parameters."""
import threading
import time
import warnings

import numpy as np
import pytest

pytest.importorskip("starlette", reason="w2v serve needs starlette")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2")
    from starlette.testclient import TestClient  # noqa: E402

from w2v import Doc2Vec, TaggedDocument  # noqa: E402
from w2v.cli import main  # noqa: E402
from w2v.evaluation.plot import project_unit  # noqa: E402
from w2v.models.keyedvectors import KeyedVectors  # noqa: E402
from w2v.serve import ServedModel, create_app, load_models  # noqa: E402
from w2v.serve.routes import MAX_TEXT_CHARS, MAX_TEXT_WORDS, MAX_TOPN  # noqa: E402
from serving import exact, ok  # noqa: E402
from test_doc2vec import TEXTS  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:.*httpx2")

SMALL = dict(vector_size=12, min_count=1, epochs=3, seed=7, workers=1, progress=False, sample=0, dm=0, dbow_words=1)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A Doc2Vec model of line-tagged documents saved by ``w2v doc2vec train`` (with the documents' first
    words), one with string tags trained in Python (without them), and plain word vectors."""
    folder = tmp_path_factory.mktemp("docs")
    corpus = folder / "docs.txt"
    corpus.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    lines = str(folder / "lines.w2v")
    assert main(["doc2vec", "train", str(corpus), "-o", lines, "--dbow", "--dbow-words", "--size", "12",
                 "--min-count", "1", "--epochs", "3", "--threads", "1", "--quiet"]) == 0
    named = Doc2Vec([TaggedDocument(t.split(), [f"doc-{i}", "all"] if i == 0 else [f"doc-{i}"])
                     for i, t in enumerate(TEXTS)], **SMALL)
    named.save(str(folder / "named.w2v"))
    KeyedVectors(["cat", "dog"], np.eye(2, dtype=np.float32)).save(str(folder / "words.w2v"))
    return [lines, str(folder / "named.w2v"), str(folder / "words.w2v")]


@pytest.fixture(scope="module")
def served(files):
    return load_models(files)


@pytest.fixture(scope="module")
def client(served):
    with TestClient(create_app(served)) as c:
        yield c



def test_a_doc2vec_file_is_served_with_its_documents(client, served):
    lines = served[0].documents
    assert isinstance(lines, Doc2Vec) and served[0].kv is lines.wv and served[2].documents is None
    assert lines.doc_previews[3] == TEXTS[3]                  # what w2v doc2vec train keeps: the first 12 words
    assert [(m["words"], m["documents"], m["subwords"]) for m in ok(client, "/api/models")] == [
        (len(lines.wv), 24, False), (len(served[1].kv), 25, False), (2, None, False)]


def test_the_documents_nearest_a_document(client, served):
    model = served[0].documents
    body = ok(client, "/api/documents/similar", tag="3", topn=5)
    assert body == exact({"tag": 3, "model": "lines.w2v", "text": TEXTS[3], "documents": [
        {"tag": t, "similarity": s, "text": TEXTS[t]} for t, s in model.dv.most_similar(3, topn=5)]})
    assert 3 not in [d["tag"] for d in body["documents"]]


def test_string_tags_and_a_model_without_texts(client, served):
    model = served[1].documents
    body = ok(client, "/api/documents/similar", tag="doc-4", topn=30, model=1)
    assert body == exact({"tag": "doc-4", "model": "named.w2v", "text": None, "documents": [
        {"tag": t, "similarity": s, "text": None} for t, s in model.dv.most_similar("doc-4", topn=30)]})
    assert len(body["documents"]) == 24 and "all" in [d["tag"] for d in body["documents"]]


def test_the_documents_nearest_a_typed_text_are_those_of_its_inferred_vector(client, served):
    model = served[0].documents
    text = "investors sold bank shares  zebra\tquagga"
    body = ok(client, "/api/documents/search", text=text, topn=4)
    vector = model.infer_vector(text.split())
    assert body == exact({"text": text, "model": "lines.w2v", "words": 6, "unknown": ["zebra", "quagga"],
                          "documents": [{"tag": t, "similarity": s, "text": TEXTS[t]}
                                        for t, s in model.dv.most_similar([vector], topn=4)]})
    assert ok(client, "/api/documents/search", text=text, topn=4) == body        # deterministic (and kept)


def test_an_inferred_vector_is_computed_once_through_the_gate(served):
    model = ServedModel("m", served[0].kv, documents=served[0].documents)
    calls = []

    class Gate:
        async def run(self, fn, *args):
            calls.append(fn.__name__)
            return fn(*args)

    app = create_app([model])
    app.state.gate = Gate()
    with TestClient(app) as c:
        first = ok(c, "/api/documents/search", text="the cat sat", topn=3)
        again = ok(c, "/api/documents/search", text="the  cat sat", topn=7)     # the same words
        assert calls == ["inferred"] and again["documents"][:3] == first["documents"]
        ok(c, "/api/documents/map", top=10)
        ok(c, "/api/documents/map", top=10)
        assert calls == ["inferred", "document_projection"]                    # the map kept too


def test_a_busy_gate_refuses_a_search_with_503(served, monkeypatch):
    """Inference is expensive work: beyond the gate's workers and queue it is refused, and a cheap
    endpoint answers meanwhile."""
    from w2v.serve.limits import Limits

    model = ServedModel("m", served[0].kv, documents=served[0].documents)
    release = threading.Event()
    monkeypatch.setattr(model, "inferred", lambda words: release.wait(30) and served[0].documents.infer_vector(words))
    app = create_app([model], limits=Limits(workers=1, queue=0))
    with TestClient(app) as c:
        holder = threading.Thread(target=lambda: c.get("/api/documents/search", params={"text": "the cat"}))
        holder.start()
        deadline = time.monotonic() + 20
        while app.state.gate.busy < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert app.state.gate.busy == 1
        r = c.get("/api/documents/search", params={"text": "a dog barked"})
        assert r.status_code == 503 and "busy" in r.json()["error"] and r.headers["retry-after"] == "2"
        assert c.get("/api/documents/similar", params={"tag": "1"}).status_code == 200
        release.set()
        holder.join(30)


def test_a_map_of_documents(client, served):
    model = served[0].documents
    body = ok(client, "/api/documents/map", top=10)
    xy = project_unit(model.dv.vectors[:10]).round(5)
    assert body == exact({"method": "pca", "points": [{"tag": i, "x": x, "y": y, "text": TEXTS[i]}
                                                      for i, (x, y) in enumerate(xy.tolist())]})
    around = ok(client, "/api/documents/map", around="5", top=6)
    assert [p["tag"] for p in around["points"]] == [5] + [t for t, _ in model.dv.most_similar(5, topn=5)]
    chosen = ok(client, "/api/documents/map", tags="doc-2,all,doc-2,doc-9", model=1)
    rows = [served[1].documents.dv.get_index(t) for t in ("doc-2", "all", "doc-9")]
    np.testing.assert_allclose([[p["x"], p["y"]] for p in chosen["points"]],
                               project_unit(served[1].documents.dv.vectors[rows]), atol=1e-5)
    assert [p["tag"] for p in chosen["points"]] == ["doc-2", "all", "doc-9"]
    assert len(ok(client, "/api/documents/map", tags="3,03,4")["points"]) == 2      # 03 is document 3


def test_map_of_documents_tsne(client):
    pytest.importorskip("sklearn", reason="t-SNE needs scikit-learn")
    body = ok(client, "/api/documents/map", top=20, method="tsne")
    assert len(body["points"]) == 20 and all(np.isfinite([p["x"], p["y"]]).all() for p in body["points"])


def test_the_word_queries_still_answer_on_a_doc2vec_model(client, served):
    body = ok(client, "/api/neighbors", word="market", topn=3)
    assert [n["word"] for n in body["neighbors"]] == [w for w, _ in served[0].kv.most_similar("market", topn=3)]


BAD = [
    ("/api/documents/similar", {}, 400, "missing parameter 'tag'"),
    ("/api/documents/similar", {"tag": "24"}, 404, "no document tagged '24'"),
    ("/api/documents/similar", {"tag": "-1"}, 404, "no document tagged"),
    ("/api/documents/similar", {"tag": "²"}, 404, "no document tagged"),
    ("/api/documents/similar", {"tag": "9" * 400}, 404, "no document tagged"),
    ("/api/documents/similar", {"tag": "9" * 600}, 400, "longer than"),
    ("/api/documents/similar", {"tag": "doc-1"}, 404, "ints 0..23"),
    ("/api/documents/similar", {"tag": "3", "model": "2"}, 400, "no document vectors"),
    ("/api/documents/similar", {"tag": "3", "topn": str(MAX_TOPN + 1)}, 400, "topn must be between"),
    ("/api/documents/similar", {"tag": "3", "topn": "0"}, 400, "topn must be between"),
    ("/api/documents/similar", {"tag": "3", "model": "9"}, 400, "model must be between"),
    ("/api/documents/search", {}, 400, "missing parameter 'text'"),
    ("/api/documents/search", {"text": "  \t "}, 400, "missing parameter 'text'"),
    ("/api/documents/search", {"text": "zebra quagga"}, 400, "none of the text's words"),
    ("/api/documents/search", {"text": "cat " * (MAX_TEXT_WORDS + 1)}, 400, f"at most {MAX_TEXT_WORDS}"),
    ("/api/documents/search", {"text": "c" * (MAX_TEXT_CHARS + 1)}, 400, f"longer than {MAX_TEXT_CHARS}"),
    ("/api/documents/search", {"text": "x" * 60000}, 400, "longer than"),
    ("/api/documents/search", {"text": "the cat", "model": "2"}, 400, "no document vectors"),
    ("/api/documents/search", {"text": "the cat", "topn": "many"}, 400, "whole number"),
    ("/api/documents/map", {}, 400, "missing parameter 'top', 'around' or 'tags'"),
    ("/api/documents/map", {"top": "1"}, 400, "between 2"),
    ("/api/documents/map", {"top": "10001"}, 400, "between 2"),
    ("/api/documents/map", {"tags": "3"}, 400, "at least 2 documents"),
    ("/api/documents/map", {"tags": "3,nope"}, 404, "no document tagged 'nope'"),
    ("/api/documents/map", {"tags": "3,4", "top": "5"}, 400, "not both"),
    ("/api/documents/map", {"around": "nope"}, 404, "no document tagged"),
    ("/api/documents/map", {"around": "3", "top": "5000"}, 400, "between 2"),
    ("/api/documents/map", {"top": "10", "method": "umap"}, 400, "method must be one of"),
    ("/api/documents/map", {"tags": "3,4", "method": "tsne"}, 400, "at least 3 documents"),
    ("/api/documents/map", {"top": "5", "model": "2"}, 400, "no document vectors"),
    ("/api/documents", {}, 404, "not found"),
]


@pytest.mark.parametrize("url, params, status, message", BAD)
def test_bad_input_is_4xx_json(client, url, params, status, message):
    r = client.get(url, params=params)
    assert r.status_code == status and message in r.json()["error"], r.text
    assert r.headers["content-type"] == "application/json"
    assert client.get("/api/documents/similar", params={"tag": "1"}).status_code == 200


def test_the_command_line_serves_documents_and_subwords(files, tmp_path, monkeypatch, capsys):
    """``w2v serve docs.w2v ft.w2v words.w2v`` loads each as what it is and says so."""
    import uvicorn

    import w2v.serve
    from w2v.models.subwordvectors import FastTextKeyedVectors

    ft = tmp_path / "ft.w2v"
    FastTextKeyedVectors.from_rows(["cat", "dog"], np.ones((12, 3), np.float32), 3, 5, 10).save(str(ft))
    served = []
    real_create_app = w2v.serve.create_app
    monkeypatch.setattr(w2v.serve, "create_app",
                        lambda models, **kw: served.extend(models) or real_create_app(models, **kw))
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets: None)    # do not serve forever
    assert main(["serve", files[0], str(ft), files[2], "--port", "0"]) == 0
    words = len(served[0].kv)
    assert (f"serving lines.w2v ({words} words, 24 documents x 12), ft.w2v (2 words x 3, subwords), "
            f"words.w2v (2 words x 2) at http://") in capsys.readouterr().out
    assert [m.documents is not None for m in served] == [True, False, False]
