"""Chinese text end to end: jieba segmentation, sentence splitting, encodings, CA8 and wordsim-240,
the CLI flags and the Chinese demo."""
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

from w2v import KeyedVectors, Word2Vec
from w2v.cli import main
from w2v.corpus import LineSentence, as_sentences, get_tokenizer
from w2v.corpus.encoded import scan
from w2v.evaluation.evaluate import evaluate_word_analogies, evaluate_word_pairs, resolve_dataset

NEEDS_JIEBA = "jieba is an optional extra: python3 -m pip install '.[zh]'"

TEXT = ("话说天下大势，分久必合，合久必分。\n"
        "孔明曰：“吾料曹操必走华容道。”玄德大喜。\n"
        "曹操与刘备煮酒论英雄！刘备闻言，吃了一惊？\n")


@pytest.fixture(scope="module")
def chinese():
    pytest.importorskip("jieba", reason=NEEDS_JIEBA)
    import w2v.corpus.chinese
    return w2v.corpus.chinese


@pytest.fixture(scope="module")
def tok(chinese):
    return chinese.ChineseTokenizer()


@pytest.fixture(scope="module")
def names(tmp_path_factory):
    path = tmp_path_factory.mktemp("dict") / "names.txt"
    path.write_text("孔明 100000 nr\n玄德 100000 nr\n", encoding="utf-8")
    return path


def _words_of(sentences):
    return [w for s in sentences for w in s]


# --------------------------------------------------------------------------- no jieba needed


def test_import_w2v_does_not_import_jieba():
    code = ("import sys, w2v, w2v.corpus, w2v.models.word2vec, w2v.cli.train; "
            "assert 'jieba' not in sys.modules and 'w2v.corpus.chinese' not in sys.modules; "
            "from w2v.corpus import registered_tokenizers; assert 'jieba' in registered_tokenizers()")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_missing_jieba_is_one_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "jieba", None)     # import jieba raises ImportError
    with pytest.raises(ImportError, match=r"python3 -m pip install '\.\[zh\]' in the w2v clone"):
        get_tokenizer("jieba")
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT, encoding="utf-8")
    for flags in (["--tokenizer", "jieba"], ["--stopwords", "zh"]):
        assert main(["train", str(corpus), "-o", str(tmp_path / "m"), "-q"] + flags) == 2
        err = capsys.readouterr().err.strip()
        assert err == ("w2v: error: the jieba tokenizer needs the jieba package: python3 -m pip install '.[zh]' "
                       "in the w2v clone (jieba and opencc)")


def test_ca8_loads_with_crlf_and_its_sections():
    raw = resolve_dataset("ca8-morphological").read_bytes()
    assert b"\r\n" in raw
    # the first question of each file, as the model would know it (no trailing \r)
    words = []
    for name in ("ca8-morphological", "ca8-semantic"):
        lines = resolve_dataset(name).read_text(encoding="utf-8").splitlines()
        words += lines[1].split()
    kv = KeyedVectors(words, np.random.default_rng(0).normal(size=(len(words), 4)).astype(np.float32))
    _, sections = evaluate_word_analogies(kv, "ca8")
    names = [s["section"] for s in sections]
    assert names == ["A", "prefix", "AB", "suffix", "geography", "nature", "history", "people",
                     "Total accuracy"]
    total = sections[-1]
    assert len(total["correct"]) + len(total["incorrect"]) + total["oov"] == 17813
    assert len(total["correct"]) + len(total["incorrect"]) >= 2     # CRLF did not make them OOV
    assert sections[0]["correct"] + sections[0]["incorrect"] and sections[4]["correct"] + sections[4]["incorrect"]
    for name, n in (("ca8-morphological", 10177), ("ca8-semantic", 7636)):
        _, secs = evaluate_word_analogies(kv, name)
        assert len(secs) == 5
        assert len(secs[-1]["correct"]) + len(secs[-1]["incorrect"]) + secs[-1]["oov"] == n


def test_wordsim240_loads():
    first = resolve_dataset("wordsim240").read_text(encoding="utf-8").splitlines()
    assert len(first) == 240
    words = sorted({w for line in first[:20] for w in line.split("\t")[:2]})
    known = sum(a in words and b in words for a, b, _ in (line.split("\t") for line in first))
    kv = KeyedVectors(words, np.random.default_rng(1).normal(size=(len(words), 4)).astype(np.float32))
    _, (rho, _), oov = evaluate_word_pairs(kv, "wordsim240")
    assert known >= 20 and np.isfinite(rho) and oov == pytest.approx(100 * (240 - known) / 240)


# --------------------------------------------------------------------------- segmentation


def test_segmentation_of_a_fixture(tok):
    assert tok.sentences("孔明曰：“吾料曹操必走华容道。”玄德大喜。") == [
        ["孔明曰", "吾料", "曹操", "必走", "华容道"], ["玄德大", "喜"]]


def test_user_dict_keeps_names_whole(chinese, names):
    plain = chinese.ChineseTokenizer()
    tok = chinese.ChineseTokenizer(user_dict=names)
    assert tok.sentences("孔明曰：“吾料曹操必走华容道。”玄德大喜。") == [
        ["孔明", "曰", "吾料", "曹操", "必走", "华容道"], ["玄德", "大喜"]]
    # each tokenizer has its own dictionary: the user words do not leak
    assert plain("孔明曰玄德大喜") == chinese.ChineseTokenizer()("孔明曰玄德大喜") == ["孔明曰", "玄德大", "喜"]


def test_user_dict_frequency_zero_removes_a_word(chinese, tmp_path):
    path = tmp_path / "del.txt"
    path.write_text("# jieba's dictionary has 孔明笑\n孔明 100000 nr\n孔明笑 0\n", encoding="utf-8")
    assert chinese.ChineseTokenizer()("孔明笑曰") == ["孔明笑", "曰"]
    assert chinese.ChineseTokenizer(user_dict=path)("孔明笑曰") == ["孔明", "笑", "曰"]


def test_sentences_split_on_chinese_punctuation(tok):
    assert tok.sentences("我爱北京。你好！他是谁？天晴了；我们走吧") == [
        ["我", "爱", "北京"], ["你好"], ["他", "是", "谁"], ["天晴", "了"], ["我们", "走", "吧"]]
    assert tok("我爱北京。你好！") == ["我", "爱", "北京", "你好"]


def test_windows_do_not_cross_sentences(tmp_path, chinese):
    path = tmp_path / "c.txt"
    path.write_text("我爱北京。你好！\n\n他是谁？\n", encoding="utf-8")
    with scan(as_sentences(str(path), tokenizer="jieba")) as s:
        offsets = np.fromfile(s.offsets_path, dtype=np.int64)
        assert s.n_sentences == 3 and offsets.tolist() == [0, 3, 4, 7]


def test_closing_quotes_stay_with_their_sentence(chinese):
    tok = chinese.ChineseTokenizer(keep_punct=True)
    assert tok.sentences("他说：“好！”然后走了。") == [
        ["他", "说", "：", "“", "好", "！", "”"], ["然后", "走", "了", "。"]]


def test_full_width_space_separates_words(chinese):
    tok = chinese.ChineseTokenizer(keep_punct=True)
    assert tok.sentences("北京大学") == [["北京大学"]]
    assert tok.sentences("北京\u3000大学") == [["北京", "大学"]]
    assert tok.sentences("\u3000\u3000话说 天下") == [["话", "说", "天下"]]


def test_punctuation_dropped_by_default(tok):
    words = _words_of(tok.sentences("“好！”……他说，——走吧。"))
    assert words == ["好", "他", "说", "走", "吧"]


def test_stopwords_bundled_file_and_iterable(chinese, tmp_path):
    text = "我们的国家是一个美丽的地方。"
    assert chinese.ChineseTokenizer(stopwords="zh").sentences(text) == [["国家", "美丽", "地方"]]
    own = tmp_path / "stop.txt"
    own.write_text("\ufeff# mine\n的 是\n", encoding="utf-8")
    assert chinese.ChineseTokenizer(stopwords=own).sentences(text) == [
        ["我们", "国家", "一个", "美丽", "地方"]]
    assert chinese.ChineseTokenizer(stopwords=["美丽"])(text) == ["我们", "的", "国家", "是", "一个", "的", "地方"]
    zh = chinese.load_stopwords("zh")
    assert 300 <= len(zh) <= 1000 and {"的", "了", "之", "乎", "者", "也"} <= zh
    with pytest.raises(FileNotFoundError, match="no such stopword file"):
        chinese.load_stopwords(tmp_path / "missing.txt")


def test_user_dict_errors_name_file_and_line(chinese, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("孔明 100 nr\n玄德 100 nr extra\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.txt: line 2: expected 'word \[frequency\] \[tag\]'"):
        chinese.ChineseTokenizer(user_dict=bad)
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("孔明\n".encode("gbk"))
    with pytest.raises(ValueError, match=r"gbk.txt: line 1: not UTF-8"):
        chinese.read_user_dict(gbk)


def test_to_simplified(chinese):
    pytest.importorskip("opencc", reason="OpenCC is an optional extra: python3 -m pip install '.[zh]'")
    tok = chinese.ChineseTokenizer(to_simplified=True, stopwords=["我們"])   # converted too
    assert tok("三國演義　關羽說：「我們走吧！」") == ["三国演义", "关羽", "说", "走", "吧"]


def test_parallel_segmentation_equals_serial(chinese, names, monkeypatch):
    monkeypatch.setattr(chinese, "_PARALLEL_MIN_CHARS", 1)
    monkeypatch.setattr(chinese, "_LINES_PER_TASK", 7)
    lines = TEXT.splitlines() * 10 + ["", "北京\u3000大学"]
    serial = chinese.ChineseTokenizer(user_dict=names).sentences_of_lines(lines)
    parallel = chinese.ChineseTokenizer(user_dict=names, processes=2).sentences_of_lines(lines)
    assert parallel == serial and len(serial) == 51


def test_pickled_tokenizer_keeps_the_user_words(chinese, names, tmp_path):
    tok = chinese.ChineseTokenizer(user_dict=names, stopwords=["曰"])
    moved = tmp_path / "gone.txt"
    os.replace(names, moved)        # the copy must not need the file
    try:
        copy = pickle.loads(pickle.dumps(tok))
        assert copy.sentences("孔明曰：“吾料曹操必走华容道。”玄德大喜。") == [
            ["孔明", "吾料", "曹操", "必走", "华容道"], ["玄德", "大喜"]]
    finally:
        os.replace(moved, names)


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_other_encodings_train_the_same_vocabulary(tmp_path, chinese, encoding):
    twin, other = tmp_path / "utf8.txt", tmp_path / f"{encoding}.txt"
    twin.write_text(TEXT * 3, encoding="utf-8")
    other.write_text(TEXT * 3, encoding=encoding)
    opts = dict(vector_size=8, min_count=1, epochs=1, workers=1, progress=False, tokenizer="jieba")
    a = Word2Vec(corpus_file=str(twin), **opts)
    b = Word2Vec(corpus_file=str(other), encoding="utf-8" if encoding == "utf-8-sig" else encoding, **opts)
    assert a.wv.index_to_key == b.wv.index_to_key and "曹操" in a.wv
    assert a.vocab.counts.tolist() == b.vocab.counts.tolist()


def test_big5(tmp_path, chinese):
    path = tmp_path / "big5.txt"
    path.write_bytes("三國演義\n話說天下大勢，分久必合，合久必分。\n".encode("big5"))
    assert list(LineSentence(path, tokenizer="jieba", encoding="big5")) == [
        ["三國", "演義"], ["話", "說", "天下", "大勢", "分久必合", "合久必分"]]


def test_wrong_encoding_names_file_and_line(tmp_path, chinese):
    path = tmp_path / "gbk.txt"
    path.write_bytes(b"ascii first line\n" + "话说天下大势\n".encode("gbk"))
    with pytest.raises(ValueError, match=r"gbk.txt: line 2: invalid utf-8 byte 0xbb at column 1; .*gb18030"):
        list(LineSentence(path, tokenizer="jieba"))
    big5 = tmp_path / "big5.txt"
    big5.write_bytes(b"a\nb\n" + "三國演義\n".encode("big5"))
    with pytest.raises(ValueError, match=r"big5.txt: line 3: invalid gbk byte"):
        list(LineSentence(big5, tokenizer="jieba", encoding="gbk"))


# --------------------------------------------------------------------------- CLI


def test_cli_train_with_chinese_flags(tmp_path, chinese, names, capsys):
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT * 5, encoding="utf-8")
    out = tmp_path / "v.txt"
    rc = main(["train", str(corpus), "--save-vectors", str(out), "--user-dict", str(names),
               "--stopwords", "zh", "--min-count", "1", "--epochs", "1", "--threads", "1", "-q"])
    assert rc == 0
    words = {line.split(" ")[0] for line in out.read_text(encoding="utf-8").splitlines()[1:]}
    assert {"孔明", "玄德", "曹操", "刘备"} <= words
    assert not words & {"之", "了", "与", "曰孔明", "孔明曰", "，", "。"}
    rc = main(["train", str(corpus), "--save-vectors", str(out), "--user-dict", str(names),
               "--tokenizer", "simple", "-q"])
    assert rc == 2 and "apply to --tokenizer jieba" in capsys.readouterr().err


def test_cli_keep_punct_flag(tmp_path, chinese):
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT * 5, encoding="utf-8")
    out = tmp_path / "v.txt"
    assert main(["train", str(corpus), "--save-vectors", str(out), "--keep-punct", "--min-count", "1",
                 "--epochs", "1", "--threads", "1", "-q"]) == 0
    words = {line.split(" ")[0] for line in out.read_text(encoding="utf-8").splitlines()[1:]}
    assert {"，", "。", "“"} <= words


def test_cli_evaluate_ca8_per_section(tmp_path, capsys):
    pairs = resolve_dataset("wordsim240").read_text(encoding="utf-8").splitlines()[:10]
    words = sorted({w for line in pairs for w in line.split("\t")[:2]} | {"北京", "中国", "东京", "日本"})
    kv = KeyedVectors(words, np.random.default_rng(2).normal(size=(len(words), 4)).astype(np.float32))
    path = tmp_path / "v.txt"
    kv.save_word2vec_format(path)
    assert main(["evaluate", str(path), "--analogies", "ca8", "--pairs", "wordsim240"]) == 0
    out = capsys.readouterr().out
    for section in ("prefix", "suffix", "geography", "people", "wordsim240"):
        assert section in out


@pytest.mark.slow
def test_demo_zh(capsys, chinese):
    assert main(["demo", "--lang", "zh", "--epochs", "2", "-q"]) == 0
    out = capsys.readouterr().out
    assert "三国演义" in out
    for word in ("曹操", "孔明", "刘备", "关公"):
        assert f"  {word}：" in out
    assert "玄德 : 刘备 = 孔明 : ?" in out


# --------------------------------------------------------------------------- issue 26


def test_a_query_in_the_other_script_is_told_the_form_the_model_has():
    pytest.importorskip("opencc", reason="the zh extra (OpenCC) is not installed")
    simplified = KeyedVectors(["刘备", "曹操"], np.eye(2, dtype=np.float32))
    with pytest.raises(KeyError, match=r"'劉備' is not in the vocabulary; the model has its simplified form '刘备'"):
        simplified["劉備"]
    traditional = KeyedVectors(["劉備", "曹操"], np.eye(2, dtype=np.float32))
    with pytest.raises(KeyError, match=r"the model has its traditional form '劉備'"):
        traditional.most_similar("刘备")
    with pytest.raises(KeyError) as e:
        simplified["孙权"]                         # the same in both scripts: no hint
    assert "form" not in str(e.value)


def test_encoding_auto_detects_gb18030_and_big5(tmp_path, capsys):
    pytest.importorskip("charset_normalizer")
    text = "滚滚 长江 东 逝水 ， 浪花 淘尽 英雄 。 是非 成败 转头 空 。 青山 依旧 在 ， 几度 夕阳 红 。\n" * 40
    utf8 = tmp_path / "utf8.txt"
    utf8.write_text(text, encoding="utf-8")
    gb = tmp_path / "gb.txt"
    gb.write_bytes(text.encode("gb18030"))
    expected = LineSentence(str(utf8))
    assert list(LineSentence(str(gb), encoding="auto")) == list(expected)
    assert LineSentence(str(gb), encoding="auto").encoding == "gb18030"
    big5 = tmp_path / "big5.txt"
    big5.write_bytes("滾滾 長江 東 逝水 ， 浪花 淘盡 英雄 。 是非 成敗 轉頭 空 。\n".encode("big5") * 40)
    assert LineSentence(str(big5), encoding="auto").encoding.startswith("big5")
    assert main(["vocab", str(gb), "--encoding", "auto", "--min-count", "1", "--top", "2"]) == 0
    assert capsys.readouterr().out.splitlines() == ["。 120", "， 80"]
    (tmp_path / "both").mkdir()
    (tmp_path / "both" / "a.txt").write_bytes(gb.read_bytes())
    (tmp_path / "both" / "b.txt").write_bytes(utf8.read_bytes())
    with pytest.raises(ValueError, match=r"different encodings \(a.txt gb18030, b.txt utf-8\)"):
        as_sentences(str(tmp_path / "both"), encoding="auto")
