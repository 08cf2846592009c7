"""Tests for w2v.corpus: readers, tokenizers, scan and encode against naive references."""
import bz2
import gc
import gzip
import io
import lzma
import os
import threading

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from w2v import corpus
from w2v.corpus import interning
from w2v.corpus import blocks
from w2v.corpus import (LineSentence, PathLineSentences, as_sentences, get_tokenizer, open_text,
                        register_tokenizer)
from w2v.corpus.encoded import EncodedCorpus, encode_with_vocab, scan
from w2v.corpus.interning import BlockInterner
from w2v.corpus.vocab import RULE_DEFAULT, RULE_DISCARD, RULE_KEEP, Vocab

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpora", "en-dict.txt.gz")
OPENERS = {"": open, ".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
TEXT = "the quick brown fox\n\njumps over  the\tlazy dog\nthe end\n"
EXPECTED = [["the", "quick", "brown", "fox"], ["jumps", "over", "the", "lazy", "dog"], ["the", "end"]]


def write(path, data, opener=open):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with opener(path, "wb") as f:
        f.write(data)
    return str(path)


# ---------------------------------------------------------------- naive references

def naive_scan(sentences, max_vocab_size=None):
    """gensim's _scan_vocab with provisional ids: returns words, counts, live, ids by token."""
    live, words, counts, ids, min_reduce = {}, [], [], [], 1
    for s in sentences:
        for w in s:
            if w not in live:
                live[w] = len(words)
                words.append(w)
                counts.append(0)
            counts[live[w]] += 1
            ids.append(live[w])
        if max_vocab_size and len(live) > max_vocab_size:
            for w, pid in list(live.items()):
                if counts[pid] < min_reduce:
                    del live[w]
            min_reduce += 1
    alive = np.zeros(len(words), bool)
    alive[list(live.values())] = True
    return words, counts, alive, ids


def offsets_of(sentences):
    return np.concatenate([[0], np.cumsum([len(s) for s in sentences])]).astype(np.int64)


def read_all(s):
    ids = np.fromfile(s.ids_path, dtype=np.int32)
    offsets = np.fromfile(s.offsets_path, dtype=np.int64)
    return ids, offsets


# ---------------------------------------------------------------- files and readers

@pytest.mark.parametrize("ext", list(OPENERS))
def test_line_sentence_reads_plain_and_compressed(tmp_path, ext):
    p = write(tmp_path / f"c.txt{ext}", TEXT, OPENERS[ext])
    assert list(LineSentence(p)) == EXPECTED
    with open_text(p) as f:
        assert f.read() == TEXT
    with scan(p) as s:
        ids, offsets = read_all(s)
        assert [[s.words[i] for i in ids[a:b]] for a, b in zip(offsets[:-1], offsets[1:])] == EXPECTED


def test_compression_is_sniffed_not_named(tmp_path):
    p = write(tmp_path / "misnamed.txt", TEXT, gzip.open)
    assert list(LineSentence(p)) == EXPECTED
    q = write(tmp_path / "plain.gz", TEXT)
    assert list(LineSentence(q)) == EXPECTED


def test_restartable_and_file_objects(tmp_path):
    p = write(tmp_path / "c.txt", TEXT)
    r = LineSentence(p)
    assert list(r) == list(r) == EXPECTED
    for f in (io.BytesIO(TEXT.encode()), io.StringIO(TEXT)):
        r = LineSentence(f)
        assert list(r) == list(r) == EXPECTED
        with scan(r) as s, scan(r) as s2:
            assert s.words == s2.words == ["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "end"]


def test_folder_sorted_skips_hidden_and_subfolders(tmp_path):
    write(tmp_path / "b.txt", "two\n")
    write(tmp_path / "a.txt.gz", "one\n", gzip.open)
    write(tmp_path / ".hidden", "no\n")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "c.txt", "no\n")
    r = PathLineSentences(tmp_path)
    assert list(r) == list(r) == [["one"], ["two"]]
    assert list(as_sentences(str(tmp_path))) == [["one"], ["two"]]
    with scan(tmp_path) as s:
        assert s.words == ["one", "two"] and s.n_sentences == 2


def test_limit_counts_lines_including_empty_ones(tmp_path):
    p = write(tmp_path / "c.txt", "a b\n\nc\nd\n")
    assert list(LineSentence(p, limit=3)) == [["a", "b"], ["c"]]
    assert list(LineSentence(p, limit=0)) == []
    with scan(LineSentence(p, limit=3)) as s:
        assert s.words == ["a", "b", "c"] and s.n_sentences == 2


def test_long_line_split_into_chunks_without_loss(tmp_path):
    tokens = [f"w{i % 997}" for i in range(25_001)]
    p = write(tmp_path / "long.txt", "short line\n" + " ".join(tokens) + "\n")
    sents = list(LineSentence(p))
    assert [len(x) for x in sents] == [2, 10_000, 10_000, 5_001]
    assert sum(sents[1:], []) == tokens
    with scan(p) as s:
        ids, offsets = read_all(s)
        assert np.diff(offsets).tolist() == [2, 10_000, 10_000, 5_001]
        assert [s.words[i] for i in ids[2:]] == tokens
    assert [len(x) for x in LineSentence(p, max_sentence_length=3)][:2] == [2, 3]


@pytest.mark.parametrize("ext", ["", ".gz"])
def test_invalid_utf8_strict_names_file_line_and_column(tmp_path, ext):
    p = write(tmp_path / f"corpus.txt{ext}", b"ok line\nfine\nab\xffc d\n", OPENERS[ext])
    msg = rf"corpus.txt{ext}: line 3: invalid utf-8 byte 0xff at column 3; pass errors='replace'"
    with pytest.raises(ValueError, match=msg):
        list(LineSentence(p))
    with pytest.raises(ValueError, match=msg):
        scan(p)


def test_invalid_utf8_line_number_across_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 7)
    lines = [f"line {i}" for i in range(40)]
    lines[31] = "bad \xe9x"
    p = write(tmp_path / "c.txt", ("\n".join(lines) + "\n").encode("latin-1"))
    for fn in (lambda: list(LineSentence(p)), lambda: scan(p), lambda: scan(LineSentence(p, tokenizer="simple"))):
        with pytest.raises(ValueError, match=r"line 32: invalid utf-8 byte 0xe9 at column 5"):
            fn()


def test_prefetch_thread_passes_errors_and_stops_when_abandoned():
    closed = []

    def gen(fail):
        try:
            for i in range(1000):
                if fail and i == 3:
                    raise KeyError("boom")
                yield i
        finally:
            closed.append(threading.current_thread().name)

    with pytest.raises(KeyError, match="boom"):
        list(corpus.prefetch(gen(True), depth=2))
    it = corpus.prefetch(gen(False), depth=2)
    assert [next(it), next(it)] == [0, 1]
    it.close()
    assert closed == ["w2v-reader", "w2v-reader"]
    assert not any(t.name == "w2v-reader" for t in threading.enumerate())


def test_errors_replace_substitutes(tmp_path):
    p = write(tmp_path / "c.txt", b"ab\xffc d\n")
    r = LineSentence(p, errors="replace")
    assert list(r) == [["ab\ufffdc", "d"]]
    with scan(r) as s:
        assert s.words == ["ab\ufffdc", "d"]


def test_missing_paths_are_named(tmp_path):
    missing = str(tmp_path / "nope.txt")
    for fn in (LineSentence, PathLineSentences, as_sentences, scan, open_text):
        with pytest.raises(FileNotFoundError, match="nope.txt"):
            fn(missing)


def test_crlf_and_bom(tmp_path):
    data = "\ufeffhello world\r\nsecond line\r\n".encode("utf-8")
    for ext in ("", ".gz"):
        p = write(tmp_path / f"c.txt{ext}", data, OPENERS[ext])
        assert list(LineSentence(p)) == [["hello", "world"], ["second", "line"]]
        assert list(LineSentence(p, tokenizer=lambda line: [line])) == [["hello world"], ["second line"]]
        with scan(p) as s:
            assert s.words == ["hello", "world", "second", "line"]
        with scan(LineSentence(p, errors="replace")) as s:
            assert s.words == ["hello", "world", "second", "line"]


def test_other_encodings(tmp_path):
    text = "naïve café\nçà\n"
    p16 = write(tmp_path / "u16.txt", text.encode("utf-16"))
    assert list(LineSentence(p16, encoding="utf-16")) == [["naïve", "café"], ["çà"]]
    p1 = write(tmp_path / "l1.txt", ("\ufeff" + text).encode("utf-8").decode("latin-1").encode("latin-1"))
    assert list(LineSentence(p1, encoding="latin-1"))[0][0] == "ï»¿naÃ¯ve"      # a BOM only means something in UTF-8
    p1 = write(tmp_path / "l1.txt", text.encode("latin-1"))
    assert list(LineSentence(p1, encoding="latin-1")) == [["naïve", "café"], ["çà"]]
    with scan(LineSentence(p1, encoding="latin-1")) as s:
        assert s.words == ["naïve", "café", "çà"]


# ---------------------------------------------------------------- tokenizers

def test_builtin_tokenizers():
    assert get_tokenizer()("a  b\tc\u3000d") == ["a", "b", "c", "d"]
    simple = get_tokenizer("simple")
    assert simple("Hello, World! snake_case 42x Ünïcode 北京") == ["hello", "world", "snake", "case", "42x",
                                                                    "ünïcode", "北京"]
    assert get_tokenizer("simple", lowercase=False)("Hi THERE") == ["Hi", "THERE"]
    fn = str.upper
    assert get_tokenizer(fn) is fn
    with pytest.raises(ValueError, match="unknown tokenizer 'nope'; known: .*simple.*whitespace"):
        get_tokenizer("nope")
    with pytest.raises(TypeError):
        get_tokenizer(fn, lowercase=True)
    with pytest.raises(ValueError, match="already registered"):
        register_tokenizer("simple", lambda: str.split)


class SentenceSplitter:
    """Splits a line into sentences at '.', then on whitespace."""

    def sentences(self, line):
        return [part.split() for part in line.split(".") if part.strip()]


def test_registered_sentence_splitter_yields_several_sentences_per_line(tmp_path):
    register_tokenizer("test-dots", lambda: SentenceSplitter(), overwrite=True)
    p = write(tmp_path / "c.txt", "a b. c d e. f\n\ng.\n")
    r = LineSentence(p, tokenizer="test-dots", max_sentence_length=2)
    expected = [["a", "b"], ["c", "d"], ["e"], ["f"], ["g"]]
    assert list(r) == expected
    with scan(r) as s:
        assert s.n_sentences == 5 and s.words == list("abcdefg")
        ids, offsets = read_all(s)
        assert np.diff(offsets).tolist() == [2, 2, 1, 1, 1]


# ---------------------------------------------------------------- as_sentences

def test_as_sentences_kinds(tmp_path):
    p = write(tmp_path / "c.txt", TEXT)
    assert isinstance(as_sentences(p), LineSentence)
    assert isinstance(as_sentences(tmp_path), PathLineSentences)
    assert as_sentences(p, tokenizer="simple").tokenizer is get_tokenizer("simple")
    lst = [["a"]]
    assert as_sentences(lst) is lst
    r = LineSentence(p)
    assert as_sentences(r) is r
    with pytest.raises(TypeError, match="apply only to a path"):
        as_sentences(lst, limit=3)


def test_one_shot_iterator_single_pass_then_clear_error():
    gen = (s for s in EXPECTED)
    once = as_sentences(gen)
    assert list(once) == EXPECTED
    with pytest.raises(ValueError, match="one-shot iterator"):
        list(once)
    with scan(s for s in EXPECTED) as s:
        assert s.n_tokens == 11


def test_strings_instead_of_token_lists_are_rejected():
    with pytest.raises(TypeError, match="list of tokens, got a str"):
        scan(["not tokenized"])


# ---------------------------------------------------------------- scan / encode

words_st = st.sampled_from(["a", "b", "c", "dd", "é", "北", "x_y", "0", "zz", "q"])
sentences_st = st.lists(st.lists(words_st, max_size=8), max_size=60)


@settings(max_examples=60, deadline=None)
@given(sentences_st, st.one_of(st.none(), st.integers(1, 6)), st.integers(1, 4))
def test_scan_and_encode_match_naive(sentences, max_vocab_size, min_count):
    words, counts, alive, ids = naive_scan(sentences, max_vocab_size)
    with scan(sentences, max_vocab_size=max_vocab_size) as s:
        got_ids, got_offsets = read_all(s)
        assert s.provisional_words == words
        assert s.provisional_counts.tolist() == counts
        assert s.live.tolist() == alive.tolist()
        assert got_ids.tolist() == ids
        assert got_offsets.tolist() == offsets_of(sentences).tolist()
        assert s.n_tokens == len(ids) and s.n_sentences == len(sentences)
        assert s.words == [w for w, a in zip(words, alive) if a]
        assert s.counts.tolist() == [c for c, a in zip(counts, alive) if a]
        try:
            vocab = Vocab.build(s.words, s.counts, min_count=min_count)
        except ValueError:
            return
        flat = [w for sent in sentences for w in sent]
        with s.encode(vocab) as enc:
            assert enc.ids.dtype == np.int32 and enc.offsets.dtype == np.int64
            assert enc.ids.tolist() == [vocab.word_to_index.get(w, -1) for w in flat]
            assert enc.offsets.tolist() == got_offsets.tolist()
            assert enc.n_tokens == len(flat) and enc.n_sentences == len(sentences)
            assert enc.n_known == sum(w in vocab for w in flat)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.lists(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=1, max_size=12), min_size=100,
                max_size=400), st.integers(1, 30))
def test_pruning_over_long_batches_matches_naive(sentences, max_vocab_size):
    sentences = [["".join(s[:i + 1]) for i in range(len(s))] for s in sentences]   # many distinct words
    words, counts, alive, ids = naive_scan(sentences, max_vocab_size)
    with scan(sentences, max_vocab_size=max_vocab_size) as s:
        assert s.provisional_words == words
        assert s.provisional_counts.tolist() == counts
        assert s.live.tolist() == alive.tolist()
        assert read_all(s)[0].tolist() == ids


@pytest.mark.parametrize("with_rule", [False, True])
def test_pruning_matches_gensim_raw_vocab(with_rule):
    from gensim.models import Word2Vec
    rng = np.random.default_rng(0)
    sentences = [[f"w{int(k)}" for k in rng.zipf(1.3, size=rng.integers(0, 15)) % 500] for _ in range(2000)]

    def rule(word, count, min_count):    # keep words ending in 7, drop those ending in 3
        return RULE_KEEP if word.endswith("7") else RULE_DISCARD if word.endswith("3") else RULE_DEFAULT
    rule = rule if with_rule else None
    model = Word2Vec(max_vocab_size=60, min_count=1)
    model.scan_vocab(corpus_iterable=sentences, trim_rule=rule)
    with scan(sentences, max_vocab_size=60, trim_rule=rule) as s:
        assert list(zip(s.words, s.counts.tolist())) == list(model.raw_vocab.items())
        if with_rule:                     # the rule made a difference
            with scan(sentences, max_vocab_size=60) as plain:
                assert s.words != plain.words


SPACES = ["\t", "\x0b", "\x0c", "\r", "\x1c", "\x1f", "\x85", "\xa0", "\u1680", "\u2000", "\u200a", "\u2028",
          "\u202f", "\u205f", "\u3000"]
char_st = st.sampled_from(list("ab\u00e9\u4e2d") + ["\u00a1", "\u2030", "\u3001", "\u1681", "\U0001f600"] + SPACES
                          + [" ", " ", "\n"])


@settings(max_examples=60, deadline=None)
@given(st.lists(char_st, max_size=200), st.booleans())
def test_compiled_tokenizer_equals_str_split(tmp_path_factory, chars, bom):
    text = "".join(chars)
    p = write(tmp_path_factory.mktemp("c") / "c.txt", ("\ufeff" if bom else "") + text)
    expected = [line.split() for line in text.split("\n")]
    expected = [x for x in expected if x]
    assert list(LineSentence(p)) == expected
    words, counts, _, ids = naive_scan(expected)
    with scan(p) as s:
        got_ids, offsets = read_all(s)
        assert s.words == words and s.counts.tolist() == counts
        assert got_ids.tolist() == ids and offsets.tolist() == offsets_of(expected).tolist()


def test_tiny_blocks_and_table_growth_give_the_same_result(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    lines = [" ".join(f"t{int(k)}" for k in rng.integers(0, 6000, size=rng.integers(0, 12))) for _ in range(3000)]
    p = write(tmp_path / "c.txt", "\n".join(lines))                  # no final newline
    expected = [line.split() for line in lines if line.split()]
    words, counts, _, ids = naive_scan(expected)
    for block, workers, large in ((1 << 20, None, interning.LARGE_BLOCK), (5, 1, interning.LARGE_BLOCK),
                                  (5, 3, interning.LARGE_BLOCK), (5, 2, 8)):
        monkeypatch.setattr(blocks, "BLOCK_BYTES", block)
        monkeypatch.setattr(interning, "LARGE_BLOCK", large)      # 8: every block takes int64 positions
        for reader in (LineSentence(p), LineSentence(p, errors="replace")):    # compiled, Python
            with scan(reader, workers=workers) as s:
                assert s.words == words and s.counts.tolist() == counts
                got_ids, offsets = read_all(s)
                assert got_ids.tolist() == ids and offsets.tolist() == offsets_of(expected).tolist()
        assert list(LineSentence(p, limit=1000)) == [x.split() for x in lines[:1000] if x.split()]


def test_interner_grows_its_arena_for_long_and_many_words():
    # a word longer than the first arena, one that fills its block, and enough words to grow it
    words = ["x" * 70_000, "y" * 9] + [f"w{i}" for i in range(30_000)] + ["é" * 5]
    blocks = [("\n".join(words[i:i + 7000]) + "\n").encode() for i in range(0, len(words), 7000)]
    blocks.insert(1, b"z" * 100_000)
    interner = BlockInterner()
    got = [ids.tolist() for ids, _ in interner.feed_many(blocks[:2])] + \
          [ids.tolist() for block in blocks[2:] for ids, _ in [interner.feed(block)]]
    expected = words[:7000] + ["z" * 100_000] + words[7000:]
    assert interner.words()[0] == expected and interner.words()[1].tolist() == [1] * len(expected)
    position = {w: i for i, w in enumerate(expected)}
    assert sum(got, []) == [position[w] for b in blocks for w in b.decode().split()]


def test_progress_reports_every_token(tmp_path):
    p = write(tmp_path / "c.txt", TEXT * 50)
    for src in (p, list(LineSentence(p))):
        seen = []
        with scan(src, progress=seen.append) as s:
            assert sum(seen) == s.n_tokens == 550


def test_empty_corpus(tmp_path):
    p = write(tmp_path / "empty.txt", "\n\n")
    with scan(p) as s:
        assert (s.words, s.n_tokens, s.n_sentences) == ([], 0, 0)
        assert read_all(s)[1].tolist() == [0]
        with pytest.raises(ValueError, match="the corpus is empty"):
            Vocab.build(s.words, s.counts)
        with s.encode(Vocab(["x"], [1])) as enc:
            assert enc.ids.tolist() == [] and enc.offsets.tolist() == [0] and len(enc) == 0


def test_files_are_deleted_by_close_context_and_gc(tmp_path):
    s = scan([["a", "b"], ["a"]], cache_dir=tmp_path)
    enc = s.encode(Vocab(["a"], [2]))
    files = {s.ids_path, s.offsets_path, enc.path, enc.offsets_path}
    assert len(files) == 4 and all(os.path.exists(f) for f in files)
    s.close()
    assert os.path.exists(enc.path) and enc.offsets.tolist() == [0, 2, 3]
    with enc:
        pass
    assert os.listdir(tmp_path) == []
    s = scan([["a"]], cache_dir=tmp_path)
    enc = s.encode(Vocab(["a"], [1]))
    del s, enc
    gc.collect()
    assert os.listdir(tmp_path) == []


def test_encode_in_place_and_to_a_kept_path(tmp_path):
    sentences = [["a", "b", "c"], ["c", "a"]]
    vocab = Vocab(["a", "c"], [2, 2])
    s = scan(sentences, cache_dir=tmp_path / "cache")
    kept = str(tmp_path / "corpus.ids")
    with s.encode(vocab, path=kept) as enc:
        assert enc.ids.tolist() == [0, -1, 1, 1, 0]
    reopened = EncodedCorpus.load(kept)
    assert reopened.ids.tolist() == [0, -1, 1, 1, 0] and reopened.offsets.tolist() == [0, 3, 5]
    reopened.close()
    assert os.path.exists(kept) and os.path.exists(kept + ".offsets")
    with s.encode(vocab, in_place=True) as enc:
        assert enc.ids.tolist() == [0, -1, 1, 1, 0] and enc.n_known == 4
        with pytest.raises(ValueError, match="closed"):
            s.encode(vocab)
    assert os.listdir(tmp_path / "cache") == []


def test_encode_with_vocab(tmp_path):
    p = write(tmp_path / "c.txt", "new words a\nb a\n")
    with encode_with_vocab(p, Vocab(["a", "b"], [5, 3])) as enc:
        assert enc.ids.tolist() == [-1, -1, 0, 1, 0]
        assert enc.offsets.tolist() == [0, 3, 5] and enc.n_known == 3


def test_encoded_corpus_from_arrays_validates():
    c = EncodedCorpus.from_arrays(np.array([1, -1, 0], dtype=np.int64), [0, 1, 3])
    assert c.ids.dtype == np.int32 and [x.tolist() for x in c] == [[1], [-1, 0]]
    for ids, offsets in (([0, 1], [0, 1]), ([0, 1], [1, 2]), ([0, 1], [0, 2, 1, 2]), ([-2], [0, 1]),
                         ([2 ** 31], [0, 1])):
        with pytest.raises(ValueError):
            EncodedCorpus.from_arrays(ids, offsets)


@pytest.mark.skipif(not os.path.exists(SHARED), reason="shared corpus not available")
def test_real_corpus_compiled_and_python_paths_agree():
    fast, slow = LineSentence(SHARED, limit=20_000), LineSentence(SHARED, limit=20_000, errors="replace")
    with scan(fast) as a, scan(slow) as b:
        assert a.words == b.words and a.counts.tolist() == b.counts.tolist()
        assert np.array_equal(read_all(a)[0], read_all(b)[0]) and np.array_equal(read_all(a)[1], read_all(b)[1])
        vocab = Vocab.build(a.words, a.counts)
        with a.encode(vocab) as enc:
            assert enc.n_known == int(vocab.counts.sum())
