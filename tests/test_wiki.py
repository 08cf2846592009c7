"""Wikipedia dumps: wikitext to prose, the streaming reader, multistream, bad input, ``w2v corpus``."""
import bz2
import collections
import gzip
import html
import os
import re

import pytest

from w2v import Word2Vec, WikiDump
from w2v.cli import main
from w2v.corpus import as_sentences, sniff
from w2v.corpus.wikitext import WikiCleaner, is_redirect

import zhwiki_sample

MARKUP = re.compile(r"\[\[|\{\{|'''|<ref|\{\||&[a-zA-Z]+;|&#\d+;")


def gensim_dump(name):
    gensim = pytest.importorskip("gensim", reason="gensim (test extra) ships the real dumps")
    path = os.path.join(os.path.dirname(gensim.__file__), "test", "test_data", name)
    if not os.path.exists(path):
        pytest.skip(f"{name} is not in this gensim's test data")
    return path


ENWIKI = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
TABLES = "enwiki-table-markup.xml.bz2"
BGWIKI = "bgwiki-latest-pages-articles-shortened.xml.bz2"


def write_dump(path, pages, siteinfo=""):
    """A dump of ``(title, ns, text)`` pages; ``.bz2`` by name."""
    body = "".join(zhwiki_sample.page_xml(t, ns, text) for t, ns, text in pages)
    data = f'<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/">\n{siteinfo}{body}</mediawiki>\n'
    raw = data.encode("utf-8")
    path.write_bytes(bz2.compress(raw) if str(path).endswith(".bz2") else raw)
    return path


# --------------------------------------------------------------------------- wikitext


@pytest.mark.parametrize("markup, prose", [
    ("[[Paris]] and [[Lyon|the city of Lyon]]", "Paris and the city of Lyon"),
    ("[[cat]]s", "cats"),
    ("'''bold''' ''italic'' '''''both'''''", "bold italic both"),
    ("a{{cite|x={{nested|y}}|z}}b", "ab"),
    ("a<ref>note</ref>b<ref name=\"x\" />c<ref name=y>{{cite|q}}</ref>", "abc"),
    ("x\n{| class=\"wikitable\"\n|-\n! head\n|-\n| cell || {{t|v}}\n|}\ny", "x\ny"),
    ("a[[File:X.jpg|thumb|caption with [[link]]]]b", "ab"),
    ("a[[Image:X.png]][[Category:Things]][[Datei:Y.jpg|mini|z]]b", "ab"),
    ("a[[文件:甲.jpg|缩略图|说明]][[图像:乙.png]][[分类:城市]][[檔案:丙.jpg]]b", "ab"),
    ("a<!-- hidden -->b <small>c</small><br/>d", "ab c d"),
    ("AT&amp;T &lt;3 caf&eacute;&nbsp;x &#65;", "AT&T <3 café x A"),
    ("== Heading ==\ntext\n=== Sub ===", "text"),
    ("* one\n# two\n: three\n; term", "one\ntwo\nthree\nterm"),
    ("In 1867, for 7.2 million dollars (50%)", "In 1867, for 7.2 million dollars (50%)"),
    ("[http://example.org the site] and http://bare.example.org/x.", "the site and ."),
    ("[[de:Paris]][[fr:Paris]]Paris", "Paris"),
    ("<math>x^2</math>y<gallery>\nA.jpg|a\n</gallery>", "y"),
    ("__NOTOC__text", "text"),
])
def test_markup_to_prose(markup, prose):
    assert WikiCleaner().clean(markup) == prose


@pytest.mark.parametrize("variant, expected", [
    ("zh-hans", "计算机很快"), ("zh-hant", "電腦很快"), ("zh-cn", "计算机很快"), ("zh-tw", "電腦很快"),
])
def test_variant_markup(variant, expected):
    text = "-{zh-hans:计算机;zh-hant:電腦}-很快"
    assert WikiCleaner(variant).clean(text) == expected


def test_variant_markup_forms():
    c = WikiCleaner()
    assert c.clean("-{zh-cn:软件; zh-tw:軟體;}-") == "软件"                 # zh-hans falls back to zh-cn
    assert c.clean("-{Linux}-系统") == "Linux系统"                            # shown as written
    assert c.clean("-{H|zh-hans:内存;zh-hant:記憶體}-内存") == "内存"         # a rule: no output
    assert c.clean("-{R|raw text}-") == "raw text"
    assert c.clean("-{zh-hant:只有繁體}-") == "只有繁體"                      # the only variant given
    with pytest.raises(ValueError, match="unknown variant"):
        WikiCleaner("klingon")


def test_sentences_split_on_latin_and_chinese_punctuation():
    c = WikiCleaner()
    assert c.sentences("It is 3.14 m long. Is it? Yes! \"Quoted.\" Next") == [
        "It is 3.14 m long.", "Is it?", "Yes!", "\"Quoted.\"", "Next"]
    assert c.sentences("天很蓝。我们走吧！你来吗？来；好") == ["天很蓝。", "我们走吧！", "你来吗？", "来；", "好"]
    assert c.sentences("他说：“好。”然后走了") == ["他说：“好。”", "然后走了"]


def test_unclosed_markup_does_not_swallow_the_rest():
    c = WikiCleaner()
    assert c.clean("before {{unclosed template\nafter the template") == "before unclosed template\nafter the template"
    assert c.clean("a {{b {{c}} d\ne}} f") == "a f"
    assert c.clean("[[unclosed link and text") == "unclosed link and text"
    assert c.clean("a <ref>unclosed reference\nnext line") == "a unclosed reference\nnext line"
    assert c.clean("a <!-- unclosed comment\nnext") == "a"
    assert c.clean("text }} ]] |} stray closers") == "text stray closers"
    assert c.clean("a" + "{{x" * 10 + "}}" * 10 + "b") == "ab"      # deeper than the regex passes
    # one linear scan: many unclosed openers end quickly and keep the text between them
    text = "{{" * 50000 + "end"
    assert c.clean(text) == "end"
    assert c.clean("x" + "{{a" * 20000) == "x" + "a" * 20000
    # the same for every other construct (each was quadratic in an earlier version)
    assert c.clean("<ref>a " * 20000) == " ".join(["a"] * 20000)
    assert c.clean("[http://x a " * 20000) == ("[ a " * 20000).strip()
    assert c.clean("[[File:x " * 20000) == ("File:x " * 20000).strip()
    assert c.clean("{{" * 50000 + "\n|}" * 50000) == ""
    assert c.clean("<math>" * 20000 + "tail") == "tail"


def test_redirects_in_any_language():
    for text in ("#REDIRECT [[Paris]]", "#redirect[[Paris]]", "#重定向 [[巴黎]]", "#перенаправление [[Х]]",
                 "  #WEITERLEITUNG [[Paris]]", "#REDIRECCIÓN [[París]]"):
        assert is_redirect(text), text
    for text in ("# [[Paris]] is a list item", "Paris is #1", "#REDIRECT Paris"):
        assert not is_redirect(text), text


def test_dump_namespace_names_drop_their_links():
    assert WikiCleaner().clean("a[[Jamii:X]]b") == "aJamii:Xb"
    assert WikiCleaner(extra_drop_prefixes=["Jamii"]).clean("a[[Jamii:X]]b") == "ab"


def test_rules_agree_with_mwparserfromhell_on_real_pages():
    """The hand-written rules against mwparserfromhell with the same policy (drop templates,
    references, tables, headings, files and categories; keep link text), on real pages."""
    mw = pytest.importorskip("mwparserfromhell", reason="mwparserfromhell (test extra) is the oracle")
    from w2v.corpus.wikitext import DROP_PREFIXES

    drop_tags = {"ref", "math", "gallery", "timeline", "table", "references", "pre", "code", "score"}

    def oracle(text):
        code = mw.parse(text)

        def remove(node):
            try:
                code.remove(node)
            except ValueError:        # inside a node already removed
                pass

        for node in code.filter_tags():
            if str(node.tag).strip().lower() in drop_tags:
                remove(node)
        for node in code.filter_headings() + code.filter_templates():
            remove(node)
        for node in code.filter_wikilinks():
            prefix, colon, _ = str(node.title).strip().lstrip(":").partition(":")
            if colon and prefix.strip().lower() in DROP_PREFIXES:
                remove(node)
        return code.strip_code()

    words = re.compile(r"[^\W_]+")
    for name in (TABLES, BGWIKI):
        ours, theirs = collections.Counter(), collections.Counter()
        d = WikiDump(gensim_dump(name), workers=1)
        texts = dict(d.wikitext())
        for title, text in texts.items():
            ours.update(words.findall(WikiCleaner().clean(text).lower()))
            theirs.update(words.findall(oracle(text).lower()))
        common = sum((ours & theirs).values())
        assert common >= 0.97 * sum(theirs.values()), name    # we keep what the parser keeps
        assert common >= 0.97 * sum(ours.values()), name      # and add little it drops


# --------------------------------------------------------------------------- the reader


@pytest.fixture
def zhdump(tmp_path):
    path = tmp_path / "zhwiki-sample-pages-articles.xml.bz2"
    prose, hidden, counts = zhwiki_sample.build(path, n_articles=30)
    return path, prose, hidden, counts


def test_zhwiki_dump_keeps_prose_and_only_prose(zhdump):
    path, prose, hidden, counts = zhdump
    d = WikiDump(path, workers=1)
    lines = [line for _, text in d.articles() for line in text.split("\n")]
    assert lines == prose                                     # every sentence, in order, nothing else
    joined = "\n".join(lines)
    assert [h for h in hidden if h in joined] == []
    assert not any(MARKUP.search(line) for line in lines)
    assert (d.stats.articles, d.stats.redirects, d.stats.skipped, d.stats.failed) == (
        counts["articles"], counts["redirects"], counts["talk"], 0)


def test_zhwiki_traditional_variant(zhdump):
    path = zhdump[0]
    text = "\n".join(t for _, t in WikiDump(path, variant="zh-hant", workers=1).articles())
    assert "繁體變體0己产业" in text and "计算机产业" not in text


def test_tokens_and_restart(zhdump):
    path = zhdump[0]
    d = WikiDump(path, workers=1)
    first = list(d)
    assert first == list(d)                                   # restartable
    assert first[0] == ["北京是中国的重要城市之一", "第0号条目介绍它的历史"]   # simple: runs of letters and digits
    assert ["the", "city", "of", "北京", "is", "also", "written", "in", "english", "with", "0",
            "references"] in first


def test_jieba_segments_dump(zhdump):
    pytest.importorskip("jieba", reason="jieba (the zh extra) segments Chinese")
    d = WikiDump(zhdump[0], tokenizer="jieba", workers=1)
    first = next(iter(d))
    assert "北京" in first and "重要" in first and "城市" in first


def test_worker_processes_keep_the_order(zhdump):
    path = zhdump[0]
    assert list(WikiDump(path, workers=2)) == list(WikiDump(path, workers=1))


def test_stopping_early_leaves_no_thread_or_process(zhdump):
    import multiprocessing
    import threading

    before = threading.active_count()
    it = iter(WikiDump(zhdump[0], workers=2))
    assert next(it)
    it.close()
    assert threading.active_count() == before and multiprocessing.active_children() == []


def test_multistream_with_index(tmp_path, zhdump):
    """A multistream dump (one bz2 stream per 10 pages) and its index: read by stream offsets."""
    plain = bz2.decompress(zhdump[0].read_bytes()).decode("utf-8")
    head, _, rest = plain.partition("  <page>")
    pages = ["  <page>" + p for p in rest.split("  <page>")]
    pages[-1], tail = pages[-1].split("</mediawiki>")[0], "</mediawiki>\n"
    path = tmp_path / "zhwiki-multistream.xml.bz2"
    index = []
    with open(path, "wb") as f:
        f.write(bz2.compress(head.encode()))
        for i in range(0, len(pages), 10):
            offset = f.tell()
            group = pages[i:i + 10]
            index += [f"{offset}:{i + j}:{re.search('<title>(.*?)</title>', p).group(1)}" for j, p in enumerate(group)]
            f.write(bz2.compress("".join(group).encode()))
        f.write(bz2.compress(tail.encode()))
    (tmp_path / "zhwiki-multistream-index.txt.bz2").write_bytes(bz2.compress("\n".join(index).encode() + b"\n"))
    d = WikiDump(path, workers=2)
    assert d.index == str(tmp_path / "zhwiki-multistream-index.txt.bz2")
    one_stream = WikiDump(path, workers=1, index=False)
    assert list(d.articles()) == list(one_stream.articles())
    assert (d.stats.articles, d.stats.redirects, d.stats.skipped) == (30, 12, 5)
    assert d.stats.articles == one_stream.stats.articles
    # an index naming every other stream: a span then holds two streams, both are read
    sparse = tmp_path / "sparse-index.txt.bz2"
    offsets = sorted({int(line.split(":")[0]) for line in index})
    sparse.write_bytes(bz2.compress("".join(f"{o}:0:x\n" for o in offsets[::2]).encode()))
    assert list(WikiDump(path, workers=1, index=sparse).articles()) == list(one_stream.articles())
    # a damaged last stream: a clear error
    cut = tmp_path / "cut-multistream.xml.bz2"
    cut.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(ValueError, match="ends early|damaged"):
        list(WikiDump(cut, workers=1, index=tmp_path / "zhwiki-multistream-index.txt.bz2"))


def test_real_enwiki_dump():
    from w2v.corpus import get_tokenizer

    d = WikiDump(gensim_dump(ENWIKI), workers=2)
    lines = [line for _, text in d.articles() for line in text.split("\n")]
    assert (d.stats.articles, d.stats.redirects, d.stats.failed) == (106, 100, 0)
    assert sum(bool(MARKUP.search(line)) for line in lines) < 0.005 * len(lines)
    tokens = [t for line in lines for t in get_tokenizer("simple")(line)]
    assert len(tokens) > 0.9 * 452944            # gensim's WikiCorpus: 452,944 tokens (benchmarks/wiki.py)
    assert sum(t.isdigit() for t in tokens) > 10000      # numbers kept


def test_utf16_dump_and_old_dump_without_ns(tmp_path):
    d = WikiDump(gensim_dump(BGWIKI), workers=1)             # a UTF-16 dump
    assert len(list(d)) > 50 and d.stats.articles == 1
    old = tmp_path / "old.xml"
    old.write_text('<mediawiki><siteinfo><namespaces><namespace key="1">Talk</namespace></namespaces></siteinfo>'
                   '<page><title>Talk:A</title><revision><text>chatter</text></revision></page>'
                   '<page><title>A</title><revision><text>Prose here.</text></revision></page></mediawiki>')
    d = WikiDump(old, workers=1)
    assert list(d) == [["prose", "here"]] and d.stats.skipped == 1


def test_word2vec_trains_from_a_dump(zhdump):
    path = zhdump[0]
    assert isinstance(as_sentences(str(path)), WikiDump)
    by_path = Word2Vec(corpus_file=str(path), vector_size=8, min_count=1, epochs=1, workers=1, progress=False)
    by_reader = Word2Vec(WikiDump(path, workers=1), vector_size=8, min_count=1, epochs=1, workers=1,
                         progress=False)
    assert by_path.vocab.words == by_reader.vocab.words
    assert "北京是中国的重要城市之一" in by_path.wv


# --------------------------------------------------------------------------- bad input


def test_truncated_bz2(tmp_path, zhdump):
    data = zhdump[0].read_bytes()
    cut = tmp_path / "cut.xml.bz2"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="truncated"):
        list(WikiDump(cut, workers=1))


def test_truncated_xml(tmp_path):
    p = tmp_path / "cut.xml"
    p.write_text("<mediawiki><page><title>A</title><ns>0</ns><revision><text>hi")
    with pytest.raises(ValueError, match="ends before </mediawiki>"):
        list(WikiDump(p, workers=1))


def test_not_a_mediawiki_dump(tmp_path):
    p = tmp_path / "feed.xml"
    p.write_text('<?xml version="1.0"?><rss><channel>news</channel></rss>')
    assert sniff(str(p)) == "xml"
    with pytest.raises(ValueError, match="not a MediaWiki dump"):
        WikiDump(p)
    text = tmp_path / "t.txt"
    text.write_text("plain words\n")
    with pytest.raises(ValueError, match="not a MediaWiki dump"):
        WikiDump(text)


def test_invalid_utf8(tmp_path):
    p = tmp_path / "bad.xml"
    p.write_bytes(b"<mediawiki><page><title>A</title><ns>0</ns><revision><text>caf\xe9 ok.</text>"
                  b"</revision></page></mediawiki>")
    with pytest.raises(ValueError, match=r"invalid UTF-8 byte 0xe9 at byte 62"):
        list(WikiDump(p, workers=1))
    assert list(WikiDump(p, workers=1, errors="replace")) == [["caf", "ok"]]


def test_unbalanced_page_does_not_affect_the_next(tmp_path):
    p = write_dump(tmp_path / "d.xml", [("A", 0, "Start {{infobox\n| x = 1\nAlpha text."),
                                        ("B", 0, "Beta {{t}} text. [[unclosed"),
                                        ("C", 0, "Gamma text.")])
    assert list(WikiDump(p, workers=1)) == [["start", "infobox"], ["alpha", "text"], ["beta", "text"],
                                            ["unclosed"], ["gamma", "text"]]


def test_a_page_that_fails_to_parse_is_skipped_and_counted(tmp_path, monkeypatch):
    from w2v.corpus.wikitext import WikiCleaner as Cleaner

    real = Cleaner.sentences

    def fragile(self, text):
        if "poison" in text:
            raise ValueError("cannot parse this")
        return real(self, text)

    monkeypatch.setattr(Cleaner, "sentences", fragile)
    p = write_dump(tmp_path / "d.xml", [("A", 0, "Alpha."), ("B", 0, "poison"), ("C", 0, "Gamma.")])
    d = WikiDump(p, workers=1)
    assert list(d) == [["alpha"], ["gamma"]]
    assert (d.stats.articles, d.stats.failed) == (2, 1) and "1 failed to parse" in d.stats.summary()


# --------------------------------------------------------------------------- w2v corpus


def test_cli_corpus_from_dump(tmp_path, zhdump, capsys):
    out = tmp_path / "zh.txt.gz"
    assert main(["corpus", str(zhdump[0]), "-o", str(out), "--workers", "1", "--quiet"]) == 0
    lines = gzip.open(out, "rt", encoding="utf-8").read().splitlines()
    assert lines[0] == "北京是中国的重要城市之一 第0号条目介绍它的历史"
    err = capsys.readouterr().err
    assert "30 articles kept" in err and "12 redirects and 5 other pages skipped" in err
    assert "0 failed to parse" in err and f"wrote {len(lines)} sentences" in err
    # training from the written text sees exactly the dump's tokens
    from_text = Word2Vec(corpus_file=str(out), vector_size=8, min_count=1, epochs=1, workers=1, progress=False)
    from_dump = Word2Vec(corpus_file=str(zhdump[0]), vector_size=8, min_count=1, epochs=1, workers=1,
                         progress=False)
    assert from_text.vocab.words == from_dump.vocab.words
    assert from_text.vocab.counts.tolist() == from_dump.vocab.counts.tolist()


def test_cli_corpus_jieba_and_variant(tmp_path, zhdump):
    pytest.importorskip("jieba", reason="jieba (the zh extra) segments Chinese")
    out = tmp_path / "zh.txt"
    assert main(["corpus", str(zhdump[0]), "-o", str(out), "--tokenizer", "jieba", "--variant", "zh-hant",
                 "--workers", "2", "--quiet"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].split()[:4] == ["北京", "是", "中国", "的"]
    assert any("繁體" in line for line in lines)


def test_cli_corpus_text_file_and_folder(tmp_path, capsys):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text("Hello,  World!\n\nsecond line\n")
    (folder / "b.txt").write_text("third\n")
    out = tmp_path / "out.txt"
    assert main(["corpus", str(folder), "-o", str(out), "--quiet"]) == 0
    assert out.read_text() == "Hello, World!\nsecond line\nthird\n"
    assert main(["corpus", str(folder / "a.txt"), "-o", str(out), "--tokenizer", "simple", "--quiet"]) == 0
    assert out.read_text() == "hello world\nsecond line\n"


def test_cli_corpus_bad_input_keeps_the_old_output(tmp_path, capsys):
    out = tmp_path / "out.txt"
    out.write_text("precious\n")
    feed = tmp_path / "feed.xml"
    feed.write_text("<rss><channel/></rss>")
    assert main(["corpus", str(feed), "-o", str(out), "--quiet"]) == 2
    assert "not a MediaWiki dump" in capsys.readouterr().err
    cut = tmp_path / "cut.xml"
    cut.write_text("<mediawiki><page><title>A</title><ns>0</ns><revision><text>" + "word. " * 1000)
    assert main(["corpus", str(cut), "-o", str(out), "--quiet", "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "truncated" in err and "Traceback" not in err
    assert out.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert main(["corpus", str(tmp_path / "missing.xml"), "-o", str(out), "--quiet"]) == 2


def test_cli_corpus_of_empty_input_exits_2_and_shows_lines_outside_a_terminal(tmp_path, capsys):
    """Issue 26: an empty input wrote an empty corpus and exited 0; outside a terminal the progress
    bar left only its first frame (docs/wiki.md promises a line per update)."""
    empty, out = tmp_path / "empty.txt", tmp_path / "out.txt"
    empty.write_text("\n  \n")
    assert main(["corpus", str(empty), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == f"w2v: error: the corpus is empty: no sentence in {empty}"
    assert not out.exists()
    text = tmp_path / "a.txt"
    text.write_text("hello world\n" * 100)
    assert main(["corpus", str(text), "-o", str(out)]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert "\r" not in "".join(lines) and lines[-2].startswith("reading: 100%")
    assert lines[-1] == f"wrote 100 sentences, 200 tokens to {out}"


def test_cli_train_from_dump(tmp_path, zhdump):
    model = tmp_path / "m.w2v"
    assert main(["train", str(zhdump[0]), "-o", str(model), "--size", "8", "--min-count", "1",
                 "--epochs", "1", "--threads", "1", "--quiet"]) == 0
    assert "北京是中国的重要城市之一" in Word2Vec.load(model).wv


def test_html_escape_roundtrip_in_sample():
    # the sample writes its wikitext XML-escaped, as real dumps do
    assert "&lt;ref" in zhwiki_sample.page_xml("t", 0, "<ref>x</ref>") and html.unescape("&lt;") == "<"
