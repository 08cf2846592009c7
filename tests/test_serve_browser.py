"""The ``w2v serve`` page in headless Chromium (Playwright): search, neighbours, map, analogy, comparison.

Needs Playwright (``pip install playwright``) and a Chromium (Debian's ``chromium`` package; ``.ci/run``
installs it); without them these tests skip, saying which is missing.
"""
import os
import shutil

import numpy as np
import pytest

uvicorn = pytest.importorskip("uvicorn", reason="w2v serve needs uvicorn")
sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright (pip install playwright)")

from w2v.models.keyedvectors import KeyedVectors  # noqa: E402
from w2v.serve import ServedModel  # noqa: E402
from serving import running  # noqa: E402

CHROMIUM = os.environ.get("W2V_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set W2V_CHROMIUM)", allow_module_level=True)

WORDS = ["the", "king", "queen", "man", "woman", "he", "she", "good", "bad", "doctor", "nurse", "river",
         "music", "piano"] + [f"w{i}" for i in range(486)]


def make_kv(seed):
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((len(WORDS), 24)).astype(np.float32)
    vectors[2] = vectors[1] + 0.3 * rng.standard_normal(24)        # queen near king
    if seed == 1:                                                  # ... and king - man + woman
        vectors[2] = vectors[1] - vectors[3] + vectors[4] + 0.05 * rng.standard_normal(24)
    counts = np.arange(len(WORDS), 0, -1) * 10
    return KeyedVectors(WORDS, vectors, counts=counts)


@pytest.fixture(scope="module")
def kvs():
    return [make_kv(1), make_kv(2)]


@pytest.fixture(scope="module")
def server(kvs):
    """Two models served by uvicorn on a free port of 127.0.0.1, in a thread; yields the page's address."""
    models = [ServedModel("one.w2v", kvs[0]), ServedModel("two.w2v", kvs[1])]
    with running(models) as port:
        yield f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh page; at the end, the test fails if the page logged an error or threw, other than
    those the test said it expects (``page.expected``: substrings of the message)."""
    context = browser.new_context(viewport={"width": 1300, "height": 950})
    pg = context.new_page()
    problems = []
    pg.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.problems = problems
    pg.expected = []
    yield pg
    context.close()
    assert [p for p in problems if not any(e in p for e in pg.expected)] == []


def open_page(page, server, view=""):
    page.goto(server + (f"#{view}" if view else ""))
    page.wait_for_selector("body[data-ready='1']", timeout=30000)


def texts(page, selector):
    return [t.strip() for t in page.locator(selector).all_inner_texts()]


def on_screen(page, point):
    """The page coordinates of a map point (a JavaScript expression for one of ``mapView.points``)."""
    return page.evaluate(f"""() => {{
        const r = document.getElementById('map').getBoundingClientRect();
        const [sx, sy] = mapView.toScreen({point});
        return [r.left + sx, r.top + sy];
    }}""")


def test_typing_a_word_shows_its_neighbours(page, server, kvs):
    open_page(page, server)
    page.fill("#search", "qu")
    page.wait_for_function("() => document.querySelectorAll('#completions option').length > 0")
    assert page.eval_on_selector_all("#completions option", "os => os.map(o => o.value)") == ["queen"]
    page.fill("#search", "king")
    page.press("#search", "Enter")
    page.wait_for_function("() => document.querySelector('#current-word').textContent === 'king' && "
                           "document.querySelectorAll('#neighbours li button.word').length === 15")
    expected = kvs[0].most_similar("king", topn=15)
    assert texts(page, "#neighbours li button.word") == [w for w, _ in expected]
    assert texts(page, "#neighbours li .sim")[0] == f"{expected[0][1]:.3f}"
    assert "word=king" in page.evaluate("location.hash")
    # clicking a neighbour explores it
    page.click("#neighbours li:nth-child(2) button.word")
    page.wait_for_function(f"() => document.querySelector('#current-word').textContent === {expected[1][0]!r}")


def test_unknown_word_shows_the_servers_message(page, server):
    open_page(page, server)
    page.fill("#search", "kingg")
    page.press("#search", "Enter")
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('not in the vocabulary')")
    assert "did you mean 'king'" in page.inner_text("#status")
    # a 404 answer is logged by the browser as a failed resource; that one is expected here (checked
    # at teardown: the console event can arrive after the status text has changed)
    page.expected.append("404 (Not Found)")


def test_the_map_is_drawn_and_a_click_selects(page, server):
    open_page(page, server, "n=300")
    page.wait_for_selector("#map-wrap[data-points='300']")
    page.wait_for_timeout(100)
    painted = page.evaluate("""() => {
        const c = document.getElementById('map');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
    }""")
    assert painted > 2000
    x, y = on_screen(page, "mapView.points.find(q => q.word === 'music')")
    page.mouse.move(x, y)
    page.wait_for_selector("#tooltip:not([hidden])")
    assert page.inner_text("#tooltip").startswith("music")
    page.mouse.click(x, y)
    page.wait_for_function("() => document.querySelector('#current-word').textContent === 'music'")


def test_zoom_and_semantic_axes(page, server):
    open_page(page, server, "n=200&layout=axes&x=he,she&y=good")
    page.wait_for_selector("#map-wrap[data-points]")
    assert page.is_visible("#axes-inputs")
    assert page.evaluate("mapView.axes.x") == ["he", "she"]
    scale = page.evaluate("mapView.view.scale")
    box = page.locator("#map").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_function(f"() => mapView.view.scale > {scale} * 1.2")


def test_an_analogy_is_answered(page, server, kvs):
    open_page(page, server)
    page.fill("#an-a", "man")
    page.fill("#an-b", "king")
    page.fill("#an-c", "woman")
    page.select_option("#an-method", "mul")
    page.click("#analogy-form button[type=submit]")
    page.wait_for_function("() => document.querySelectorAll('#analogy-answers li button.word').length === 10")
    expected = kvs[0].most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=10)
    assert texts(page, "#analogy-answers li button.word") == [w for w, _ in expected]


def test_two_models_compare(page, server, kvs):
    open_page(page, server, "word=queen&topn=10")
    assert page.is_visible("#compare-panel")
    page.wait_for_function("() => document.querySelectorAll('#cmp-b li').length === 10")
    a = [w for w, _ in kvs[0].most_similar("queen", topn=10)]
    b = [w for w, _ in kvs[1].most_similar("queen", topn=10)]
    assert texts(page, "#cmp-a li button.word") == a
    assert texts(page, "#cmp-b li button.word") == b
    shared = [w for w in a if w in b]
    assert texts(page, "#cmp-a li.shared button.word") == shared
    assert f"{len(shared)} of 10 neighbours shared" in page.inner_text("#overlap")
    page.click("#differ-button")
    page.wait_for_function("() => document.querySelectorAll('#differ li').length > 0")
    assert "Jaccard" in page.inner_text("#differ li:first-child")


def test_the_probe_report(page, server):
    open_page(page, server)
    page.click("#probe-details summary")
    page.wait_for_selector("#probe .verdict")
    assert "No training bug found" in page.inner_text("#probe .verdict")


def test_the_address_restores_the_view(page, server):
    open_page(page, server, "model=1&word=river&words=around&n=20&layout=axes&x=he,she&y=good,bad")
    page.wait_for_selector("#map-wrap[data-points='20']")
    assert page.input_value("#search") == "river"
    assert page.input_value("#model") == "1"
    assert page.input_value("#map-layout") == "axes"
    assert page.input_value("#axis-y") == "good,bad"
    assert page.inner_text("#current-word") == "river"


def test_exports(page, server):
    open_page(page, server, "word=king&n=100")
    page.wait_for_selector("#map-wrap[data-points='100']")
    for button, suffix in (("#export-png", ".png"), ("#export-svg", ".svg"), ("#export-map-csv", ".csv"),
                           ("#export-csv", ".csv")):
        with page.expect_download() as info:
            page.click(button)
        download = info.value
        assert download.suggested_filename.endswith(suffix)
        content = open(download.path(), "rb").read()
        if suffix == ".png":
            assert content.startswith(b"\x89PNG")
        elif suffix == ".svg":
            assert content.startswith(b"<svg") and b"<circle" in content
        elif button == "#export-csv":
            assert content.decode().splitlines()[0] == "rank,word,similarity"
            assert len(content.decode().splitlines()) == 16
        else:
            assert content.decode().splitlines()[0] == "word,x,y,count"


def test_the_placeholder_analogy_is_answered_by_the_model(page, server, kvs):
    open_page(page, server)
    placeholders = page.eval_on_selector_all("#analogy-form input", "es => es.map(e => e.placeholder)")
    assert placeholders == ["man", "king", "woman"]
    assert kvs[0].analogy("man", "king", "woman", topn=1)[0][0] == "queen"
    page.click("#analogy-form button[type=submit]")                # empty boxes: the placeholders
    page.wait_for_function("() => document.querySelectorAll('#analogy-answers li button.word').length === 10")
    assert texts(page, "#analogy-answers li button.word")[0] == "queen"


def test_the_left_column_cards_sit_together_before_a_word_is_explored(page, server):
    open_page(page, server)
    boxes = [page.locator(f"#{name}-panel").bounding_box() for name in ("neighbours", "analogy", "compare")]
    map_box = page.locator("#map-panel").bounding_box()
    gaps = [b["y"] - (a["y"] + a["height"]) for a, b in zip(boxes, boxes[1:])]
    assert all(0 <= gap < 30 for gap in gaps), gaps              # the grid's gap (14 px), not the map's height
    assert boxes[-1]["y"] + boxes[-1]["height"] < map_box["y"] + map_box["height"]


def test_a_foreign_host_is_refused_with_json(browser, kvs):
    """DNS rebinding as a browser sees it: a name resolved to 127.0.0.1 reads a JSON refusal, not the models."""
    from w2v.serve.app import LOOPBACK_HOSTS

    with running([ServedModel("one.w2v", kvs[0])], allowed_hosts=LOOPBACK_HOSTS) as port:
        rebinding = browser.browser_type.launch(executable_path=CHROMIUM,
                                                args=["--host-resolver-rules=MAP rebound.example 127.0.0.1"])
        try:
            pg = rebinding.new_page()
            response = pg.goto(f"http://rebound.example:{port}/api/models")
            assert response.status == 400 and response.headers["content-type"] == "application/json"
            assert "not served here" in response.json()["error"]
            assert pg.goto(f"http://127.0.0.1:{port}/api/models").json()[0]["name"] == "one.w2v"
        finally:
            rebinding.close()


ZH_WORDS = ["曹操", "刘备", "关羽", "张飞", "诸葛亮", "孙权", "周瑜", "赵云", "吕布", "司马懿"] + [f"词{i}" for i in range(190)]


def test_chinese_labels_use_the_servers_font(browser, tmp_path):
    """Without a CJK font on the system, the map's labels are drawn with the zh extra's font that the
    server offers (app.css's @font-face), not as boxes: the canvas draws 曹 differently from a font
    that has no such glyph."""
    from w2v.evaluation.fonts import packaged_cjk_font

    if packaged_cjk_font() is None:
        pytest.skip("the zh extra's font is not installed (pip install '.[zh]')")
    rng = np.random.default_rng(3)
    kv = KeyedVectors(ZH_WORDS, rng.standard_normal((len(ZH_WORDS), 16)).astype(np.float32),
                      counts=np.arange(len(ZH_WORDS), 0, -1) * 10)
    with running([ServedModel("sanguo.w2v", kv)]) as port:
        context = browser.new_context(viewport={"width": 1300, "height": 950})
        pg = context.new_page()
        problems = []
        pg.on("pageerror", lambda e: problems.append(str(e)))
        pg.goto(f"http://127.0.0.1:{port}/#word=曹操")
        pg.wait_for_selector("body[data-ready='1']", timeout=30000)
        pg.wait_for_function("""() => document.fonts.check('11px "w2v CJK"', '曹')""", timeout=30000)
        drawn_differently = pg.evaluate("""() => {
            const pixels = (font) => {
                const c = document.createElement('canvas'); c.width = 40; c.height = 40;
                const ctx = c.getContext('2d'); ctx.font = font; ctx.fillText('曹', 4, 30);
                return Array.from(ctx.getImageData(0, 0, 40, 40).data).join(',');
            };
            return pixels('30px "w2v CJK"') !== pixels('30px "no such font"');
        }""")
        pg.wait_for_timeout(500)
        pg.screenshot(path=str(tmp_path / "zh-map.png"))
        if os.environ.get("W2V_SCREENSHOTS"):
            pg.screenshot(path=os.environ["W2V_SCREENSHOTS"])
        context.close()
    assert drawn_differently and problems == []


# ---- a FastText model: words outside the vocabulary -----------------------------------------------

SUBWORD_WORDS = ["the", "king", "queen", "man", "woman", "music", "musician", "piano", "pianist"] + [f"w{i}" for i in range(191)]


@pytest.fixture(scope="module")
def subword_server():
    from w2v.models.subwordvectors import FastTextKeyedVectors

    rng = np.random.default_rng(4)
    matrix = rng.standard_normal((len(SUBWORD_WORDS) + 400, 16)).astype(np.float32)
    kv = FastTextKeyedVectors.from_rows(SUBWORD_WORDS, matrix, 3, 5, 400,
                                        counts=np.arange(len(SUBWORD_WORDS), 0, -1) * 10)
    with running([ServedModel("ft.w2v", kv)]) as port:
        yield f"http://127.0.0.1:{port}/", kv


def test_an_oov_word_is_answered_from_its_ngrams_and_marked(page, subword_server):
    server, kv = subword_server
    open_page(page, server)
    assert page.get_attribute("#search", "placeholder") == "type any word (unseen: from n-grams)"
    page.fill("#search", "musicians")
    page.press("#search", "Enter")
    page.wait_for_function("() => document.querySelector('#current-word').textContent === 'musicians' && "
                           "document.querySelectorAll('#neighbours li button.word').length === 15")
    assert texts(page, "#neighbours li button.word") == [w for w, _ in kv.most_similar("musicians", topn=15)]
    assert page.is_visible("#oov-badge") and page.inner_text("#oov-badge") == "OOV · from n-grams"
    assert page.inner_text("#status") == ""
    page.click("#neighbours li:nth-child(1) button.word")             # a vocabulary word: no badge
    page.wait_for_function("() => document.querySelector('#current-word').textContent !== 'musicians'")
    page.wait_for_function("() => document.getElementById('oov-badge').hidden")
    for box, word in (("#an-a", "piano"), ("#an-b", "pianists"), ("#an-c", "music")):
        page.fill(box, word)
    page.click("#analogy-form button[type=submit]")
    page.wait_for_function("() => document.querySelectorAll('#analogy-answers li button.word').length === 10")
    assert texts(page, "#analogy-answers li button.word") == [w for w, _ in kv.analogy("piano", "pianists", "music", topn=10)]
    assert page.inner_text("#analogy-oov") == "OOV, built from character n-grams: pianists"


def test_a_map_around_an_oov_word(page, subword_server, tmp_path):
    server, kv = subword_server
    open_page(page, server, "word=kingly&words=around&n=12")
    page.wait_for_selector("#map-wrap[data-points='12']")
    assert page.evaluate("mapView.points.map(p => p.word)") == ["kingly"] + [w for w, _ in kv.most_similar("kingly", topn=11)]
    assert page.evaluate("mapView.points.filter(p => p.oov).map(p => p.word)") == ["kingly"]
    x, y = on_screen(page, "mapView.points[0]")
    page.mouse.move(x, y)
    page.wait_for_selector("#tooltip:not([hidden])")
    assert page.inner_text("#tooltip") == "kingly · OOV, from n-grams"
    page.wait_for_timeout(200)
    page.screenshot(path=str(tmp_path / "oov.png"))


# ---- a Doc2Vec model: documents -----------------------------------------------------------------

DOC_TEXTS = ["the cat sat on the mat with another cat",
             "a dog sat on the log and the dog barked",
             "cats and dogs are pets that people keep at home",
             "the stock market fell as investors sold their shares",
             "shares of the bank rose after the market opened",
             "investors bought bank shares when the market fell"] * 5


@pytest.fixture(scope="module")
def doc_server(tmp_path_factory, kvs):
    """A Doc2Vec model trained by ``w2v doc2vec train`` (so with its documents' first words) beside plain
    word vectors."""
    from w2v.cli import main
    from w2v.serve import load_models

    folder = tmp_path_factory.mktemp("docs")
    (folder / "docs.txt").write_text("\n".join(DOC_TEXTS) + "\n", encoding="utf-8")
    path = str(folder / "docs.w2v")
    assert main(["doc2vec", "train", str(folder / "docs.txt"), "-o", path, "--dbow", "--dbow-words", "--size", "12",
                 "--min-count", "1", "--epochs", "3", "--threads", "1", "--quiet"]) == 0
    served = load_models([path]) + [ServedModel("one.w2v", kvs[0])]
    with running(served) as port:
        yield f"http://127.0.0.1:{port}/", served[0].documents


def doc_results(page):
    return [(t.strip(), d.strip()) for t, d in zip(page.locator("#doc-results li button.word").all_inner_texts(),
                                                   page.locator("#doc-results li .doc-text").all_inner_texts())]


def test_typed_text_finds_the_nearest_documents(page, doc_server, tmp_path):
    server, model = doc_server
    open_page(page, server, "topn=8")
    assert page.is_visible("#documents-panel") and page.inner_text("#doc-count") == "30 documents"
    page.fill("#doc-text", "investors sold bank shares zebra")
    page.click("#doc-search-form button[type=submit]")
    page.wait_for_function("() => document.querySelectorAll('#doc-results li button.word').length === 8")
    expected = model.dv.most_similar([model.infer_vector("investors sold bank shares zebra".split())], topn=8)
    assert doc_results(page) == [(str(t), DOC_TEXTS[t]) for t, _ in expected]
    assert page.inner_text("#doc-query") == "Nearest the text (5 words; not in the vocabulary, skipped: zebra)"
    page.click("#doc-results li:nth-child(2) button.word")             # a document: its own neighbours
    tag = expected[1][0]
    page.wait_for_function(f"() => document.getElementById('doc-query').textContent.startsWith('Nearest {tag}:')")
    assert doc_results(page) == [(str(t), DOC_TEXTS[t]) for t, _ in model.dv.most_similar(tag, topn=8)]
    assert f"doc={tag}" in page.evaluate("location.hash")
    page.screenshot(path=str(tmp_path / "documents.png"))


def test_a_map_of_documents(page, doc_server):
    server, model = doc_server
    open_page(page, server, "words=docs&n=50")
    page.wait_for_selector("#map-wrap[data-points='30']")          # every document (30 < 50)
    assert page.evaluate("mapView.points.map(p => p.tag)") == list(range(30))
    assert "the documents' order" in page.inner_text("#map-caption")
    x, y = on_screen(page, "mapView.points.find(q => q.tag === 4)")
    page.mouse.move(x, y)
    page.wait_for_selector("#tooltip:not([hidden])")
    hovered = page.evaluate("mapView.points[mapView.hover].tag")      # 4, or a document drawn at the same place
    assert page.inner_text("#tooltip") == f"{hovered} · {DOC_TEXTS[hovered]}"
    page.mouse.click(x, y)
    page.wait_for_function(f"() => document.getElementById('doc-query').textContent.startsWith('Nearest {hovered}:')")
    assert page.evaluate("mapView.focus") == str(hovered)
    assert page.evaluate("[...mapView.near].length") == 15


def test_a_map_around_a_document_from_the_address(page, doc_server):
    server, model = doc_server
    open_page(page, server, "doc=3&words=docs-around&n=6&topn=5")
    page.wait_for_selector("#map-wrap[data-points='6']")
    assert page.evaluate("mapView.points.map(p => p.tag)") == [3] + [t for t, _ in model.dv.most_similar(3, topn=5)]
    assert page.evaluate("mapView.focus") == "3" and page.input_value("#doc-tag") == "3"
    assert page.evaluate("mapView.points[0].label") == DOC_TEXTS[3][:31].rsplit(" ", 1)[0] + "…"


def test_a_model_without_documents_hides_them(page, doc_server):
    server, _ = doc_server
    open_page(page, server, "words=docs&n=20")
    page.wait_for_selector("#map-wrap[data-points='20']")
    page.select_option("#model", "1")
    page.wait_for_function("() => document.getElementById('documents-panel').hidden")
    assert page.input_value("#map-words") == "top"
    assert page.eval_on_selector_all("#map-words option", "os => os.filter(o => !o.hidden).map(o => o.value)") == ["top", "around"]
    page.wait_for_function("() => mapView.points.length === 20 && mapView.points[0].tag === undefined")
