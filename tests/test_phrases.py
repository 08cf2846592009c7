"""Phrase detection: both formulas against counts worked out by hand, gensim's Phrases where it is
installed, a line-by-line transcription of word2phrase.c, save/load, the command line and bad input."""
import random
import re

import numpy as np
import pytest

from w2v import ENGLISH_CONNECTOR_WORDS, FrozenPhrases, Phrases
from w2v.cli import main
from w2v.phrases import files, phrase_file, transform
from w2v.phrases.counts import GramCounts
from w2v.vectors import native

# a: 4, b: 4, c: 2, d: 1; within sentences a_b 4, b_c 1, b_d 1, c_a 1 -> len(vocab) 8, 11 tokens.
HAND = [["a", "b", "c"], ["a", "b"], ["a", "b", "d"], ["c", "a", "b"]]


def write_lines(path, sentences):
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(" ".join(s) + "\n" for s in sentences)
    return str(path)


def random_corpus(seed, n_sentences=400, vocab=30, connectors=("of", "the")):
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocab)] + list(connectors)
    weights = [1.0 / (i + 1) for i in range(len(words))]
    pairs = [("w1", "w2"), ("w3", "w4"), ("w5", "of", "w6"), ("w7", "the", "of", "w8")]
    out = []
    for _ in range(n_sentences):
        s = []
        for _ in range(rng.randint(0, 12)):
            if rng.random() < 0.25:
                s.extend(rng.choice(pairs))
            else:
                s.append(rng.choices(words, weights)[0])
        out.append(s)
    return out


# ------------------------------------------------------------------ formulas by hand


def test_default_score_by_hand():
    p = Phrases(HAND, min_count=1, threshold=1)
    assert p.vocab == {"a": 4, "b": 4, "c": 2, "d": 1, "a_b": 4, "b_c": 1, "b_d": 1, "c_a": 1}
    assert p.corpus_word_count == 11
    # (4 - 1) / (4 * 4) * 8 = 1.5; the others score (1 - 1) / ... = 0
    assert p.export_phrases() == {"a_b": 1.5}
    assert p.score_candidate("c", "a", []) == (None, None)
    assert p[["c", "a", "b", "d"]] == ["c", "a_b", "d"]
    assert p.freeze()[["c", "a", "b", "d"]] == ["c", "a_b", "d"]
    # the threshold is strict: a score equal to it does not join
    assert Phrases(HAND, min_count=1, threshold=1.5).export_phrases() == {}


def test_npmi_score_by_hand():
    p = Phrases(HAND, min_count=1, threshold=0.5, scoring="npmi")
    # ln(pab / (pa pb)) / -ln(pab) with pa = pb = pab = 4/11 is exactly 1
    assert p.export_phrases() == {"a_b": 1.0}
    # b_c: pab = 1/11, pa = 4/11, pb = 2/11 -> ln(11/8) / ln(11)
    expected = np.log((1 / 11) / ((4 / 11) * (2 / 11))) / -np.log(1 / 11)
    assert p.score_candidate("b", "c", []) == (None, None)    # below 0.5
    q = Phrases(HAND, min_count=1, threshold=0.1, scoring="npmi")
    assert q.score_candidate("b", "c", [])[1] == pytest.approx(expected, rel=1e-15)
    # min_count is a hard floor for npmi
    assert Phrases(HAND, min_count=2, threshold=0.1, scoring="npmi").export_phrases() == {"a_b": 1.0}


def test_word2phrase_score_by_hand(tmp_path):
    # The C tool counts bigrams across line ends: a_b 4, b_c 1, c_a 2, b_a 1, b_d 1, d_c 1; 11 words.
    p = Phrases(HAND, min_count=2, threshold=1, scoring="word2phrase")
    vocab = p.vocab
    assert vocab["c_a"] == 2 and vocab["b_a"] == 1 and vocab["d_c"] == 1 and vocab["a_b"] == 4
    # (4 - 2) / 4 / 4 * 11 = 1.375 > 1; c_a: (2 - 2) / ... = 0
    assert p.export_phrases() == {"a_b": pytest.approx(1.375)}
    out = tmp_path / "out.txt"
    phrase_file(write_lines(tmp_path / "in.txt", HAND), str(out), min_count=2, threshold=1,
                scoring="word2phrase", c_style=True)
    assert out.read_text() == " a_b c\n a_b\n a_b d\n c a_b\n"


def test_word2phrase_never_chains_in_one_pass():
    p = Phrases([["x", "y", "z"]] * 5, min_count=1, threshold=0.01, scoring="word2phrase")
    assert p[["x", "y", "z"]] == ["x_y", "z"]          # y was joined: y z is not tried
    assert p[["y", "z"]] == ["y_z"]


def test_connector_words_inside_never_at_the_ends():
    corpus = [["bank", "of", "america"], ["the", "bank", "of", "america"], ["of", "bank"]] * 3
    p = Phrases(corpus, min_count=1, threshold=0.1, connector_words=ENGLISH_CONNECTOR_WORDS)
    assert p[["the", "bank", "of", "america", "of"]] == ["the", "bank_of_america", "of"]
    assert "bank_of_america" in p.vocab and "of" not in p.vocab     # connectors are not counted alone
    assert p.score_candidate("bank", "america", ["of"])[0] == "bank_of_america"


def test_lazy_corpus_and_find_phrases():
    p = Phrases(HAND, min_count=1, threshold=1)
    applied = p[[["a", "b"], ["b", "a"]]]
    assert list(applied) == [["a_b"], ["b", "a"]]
    assert list(applied) == [["a_b"], ["b", "a"]]        # restartable
    assert p.find_phrases(HAND) == {"a_b": 1.5}
    assert p[[]] == []


# ------------------------------------------------------------------ against gensim


def _gensim():
    return pytest.importorskip("gensim.models.phrases")


@pytest.mark.parametrize("options", [
    {"min_count": 5, "threshold": 10.0},
    {"min_count": 2, "threshold": 0.5},
    {"min_count": 3, "threshold": 0.2, "scoring": "npmi"},
    {"min_count": 2, "threshold": 1.0, "connector_words": frozenset({"of", "the"})},
    {"min_count": 1, "threshold": 1.0, "max_vocab_size": 40},                       # prunes often
    {"min_count": 2, "threshold": 1.0, "max_vocab_size": 60, "connector_words": frozenset({"of", "the"})},
])
def test_same_as_gensim(options):
    gp = _gensim()
    corpus = random_corpus(1)
    ours, theirs = Phrases(corpus, **options), gp.Phrases(corpus, **options)
    assert ours.vocab == theirs.vocab                # counts, including what pruning kept
    assert ours.corpus_word_count == theirs.corpus_word_count
    assert ours.min_reduce == theirs.min_reduce
    assert ours.export_phrases() == theirs.export_phrases()
    test = random_corpus(2)
    frozen_ours, frozen_theirs = ours.freeze(), theirs.freeze()
    assert frozen_ours.phrasegrams == frozen_theirs.phrasegrams
    for s in test:
        assert ours[s] == theirs[s]
        assert frozen_ours[s] == frozen_theirs[s]
    assert ours.find_phrases(test) == theirs.find_phrases(test)


def share_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    return bigram_count / (worda_count + wordb_count)


def test_custom_scorer_and_add_vocab_as_gensim():
    gp = _gensim()
    scorer = share_scorer
    a, b = random_corpus(3), random_corpus(4)
    ours = Phrases(a, min_count=1, threshold=0.2, scoring=scorer, max_vocab_size=80)
    theirs = gp.Phrases(a, min_count=1, threshold=0.2, scoring=scorer, max_vocab_size=80)
    ours.add_vocab(b)
    theirs.add_vocab(b)
    assert ours.vocab == theirs.vocab
    assert ours.export_phrases() == theirs.export_phrases()
    assert [ours[s] for s in a] == [theirs[s] for s in a]


@pytest.mark.parametrize("n_words", [5, 1000, 100_000])      # 100,000: nearly every pair distinct
def test_grouped_pair_counts_equal_the_hash_table_counts(n_words):
    rng = np.random.default_rng(n_words)
    ids = rng.integers(0, n_words, size=3000).astype(np.int32)
    offsets = np.concatenate([[0], np.sort(rng.choice(np.arange(1, 3000), 300, replace=False)), [3000]])
    offsets[5:8] = offsets[4]                                  # empty sentences too
    for across_lines in (False, True):
        grouped = GramCounts(n_words)
        grouped.count_pairs(ids, offsets, across_lines)
        hashed = GramCounts(n_words)
        if across_lines:
            hashed.count_word2phrase(ids, 10**9, 1)
        else:
            hashed.count_gensim(ids, offsets, np.zeros(n_words, bool), 10**9, 1)
        counts = [dict(zip(map(tuple, g.gather(g.occupied())[0].reshape(-1, 2).tolist()),
                           g.slots[g.occupied(), 1].tolist())) for g in (grouped, hashed)]
        assert counts[0] == counts[1] and grouped.packed
        assert grouped.uni.tolist() == hashed.uni.tolist() and grouped.state.tolist() == hashed.state.tolist()
        assert grouped.find([int(ids[0]), int(ids[1])]) == counts[1][(ids[0], ids[1])] and not grouped.packed


def test_grouped_counting_refuses_a_table_that_holds_grams():
    g = GramCounts(3)
    g.count_pairs(np.array([0, 1, 2], np.int32), np.array([0, 3]), across_lines=False)
    with pytest.raises(ValueError, match="empty table"):
        g.count_pairs(np.array([0, 1], np.int32), np.array([0, 2]), across_lines=False)


def test_write_phrased_of_an_empty_corpus_and_a_plain_executor(tmp_path):
    from concurrent.futures import ThreadPoolExecutor
    files.write_phrased(tmp_path / "empty.txt", [], np.zeros(0, np.int32), np.zeros(1, np.int64),
                        np.zeros(0, np.uint8))
    assert (tmp_path / "empty.txt").read_bytes() == b""
    with ThreadPoolExecutor(2) as pool:     # any executor, not only w2v.threads.Pool
        files.write_phrased(tmp_path / "two.txt", ["a", "b"], np.array([0, 1, 1], np.int32),
                            np.array([0, 2, 3]), np.array([0, 1, 0], np.uint8), pool=pool)
    assert (tmp_path / "two.txt").read_text() == "a_b\nb\n"


def test_pruning_keeps_exact_counts():
    # Whatever pruning deletes, a count it keeps is the number of occurrences since the
    # entry was last deleted: never more than the true count, and exact for entries never pruned.
    corpus = random_corpus(5, n_sentences=600)
    full = Phrases(corpus, min_count=1, threshold=1).vocab
    pruned = Phrases(corpus, min_count=1, threshold=1, max_vocab_size=50)
    assert len(pruned.vocab) < len(full)
    for token, count in pruned.vocab.items():
        assert 1 <= count <= full[token]


# ------------------------------------------------------------------ word2phrase.c, transcribed


def word2phrase_oracle(text, min_count, threshold):
    """word2phrase.c's LearnVocabFromTrainFile + TrainModel, line by line, on a str (no pruning)."""
    f32 = np.float32
    tokens = []
    for line in text.split("\n"):
        tokens.extend(line.split(" "))
        tokens.append("\n")
    tokens.pop()
    words = [t for t in tokens if t not in ("", "\n")]
    vocab = {}
    last = None
    for w in words:
        vocab[w] = vocab.get(w, 0) + 1
        if last is not None:
            vocab[last + "_" + w] = vocab.get(last + "_" + w, 0) + 1
        last = w
    vocab = {k: v for k, v in vocab.items() if v >= min_count}
    out, word, pa, pb, li = [], "", 0, 0, -1
    for t in tokens:
        if t == "":
            continue
        last_word, word = word, t
        if t == "\n":
            out.append("\n")
            continue
        oov = 0
        if word not in vocab:
            oov, i = 1, -1
        else:
            pb, i = vocab[word], 1
        if li == -1:
            oov = 1
        li = i
        pab = vocab.get(last_word + "_" + word)
        oov = 1 if pab is None or pa < min_count or pb < min_count else oov
        score = f32(0) if oov else f32(pab - min_count) / f32(pa) / f32(pb) * f32(len(words))
        if score > f32(threshold):
            out.append("_" + word)
            pb = 0
        else:
            out.append(" " + word)
        pa = pb
    return "".join(out)


def rare_pairs_corpus(seed):
    """Uniform words, a few pairs repeated about 20 times: word2phrase scores above 100."""
    rng = random.Random(seed)
    words = [f"v{i}" for i in range(2000)]
    out = []
    for _ in range(800):
        s = []
        for _ in range(rng.randint(1, 12)):
            if rng.random() < 0.01:
                s.extend(rng.choice([("v300", "v301"), ("v350", "v351"), ("v1", "v399")]))
            else:
                s.append(rng.choice(words))
        out.append(s)
    return out


@pytest.mark.parametrize("seed,min_count,threshold", [(6, 5, 100.0), (7, 2, 10.0), (8, 3, 3.0)])
def test_c_flags_write_what_word2phrase_writes(tmp_path, seed, min_count, threshold):
    corpus = rare_pairs_corpus(seed) if threshold == 100 else [s for s in random_corpus(seed) if s]
    src = write_lines(tmp_path / "in.txt", corpus)
    out = tmp_path / "out.txt"
    assert main(["phrases", "-train", src, "-output", str(out), "-threshold", str(threshold),
                 "-min-count", str(min_count), "-q"]) == 0
    expected = word2phrase_oracle(open(src).read(), min_count, threshold)
    assert "_" in expected
    assert out.read_text() == expected


# ------------------------------------------------------------------ save / load, passes


def test_save_load_round_trip(tmp_path):
    corpus = random_corpus(9)
    p = Phrases(corpus, min_count=2, threshold=1.0, connector_words={"of", "the"})
    p.save(tmp_path / "p.w2v")
    q = Phrases.load(tmp_path / "p.w2v")
    assert q.vocab == p.vocab and q.export_phrases() == p.export_phrases()
    assert q.connector_words == p.connector_words and q.delimiter == "_"
    q.add_vocab(corpus)
    p.add_vocab(corpus)
    assert q.vocab == p.vocab
    f = p.freeze()
    f.save(tmp_path / "f.w2v")
    g = FrozenPhrases.load(tmp_path / "f.w2v")
    assert g.phrasegrams == f.phrasegrams
    assert [g[s] for s in corpus] == [p[s] for s in corpus]
    assert isinstance(Phrases.load(tmp_path / "f.w2v"), FrozenPhrases)
    with pytest.raises(ValueError, match="holds no frozen phrases"):
        FrozenPhrases.load(tmp_path / "p.w2v")


def importable_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    return bigram_count / (worda_count + wordb_count)


def test_custom_scorer_is_kept_through_save_and_load_by_its_name(tmp_path):
    """Issue 26: gensim keeps a custom scorer through save/load (pickle records it by name); w2v
    records 'module:function' and imports it back. A function that cannot be imported is refused."""
    p = Phrases(HAND, min_count=1, threshold=0.2, scoring=importable_scorer)
    p.save(tmp_path / "p.w2v")
    q = Phrases.load(tmp_path / "p.w2v")
    assert q.scoring is importable_scorer and q.export_phrases() == p.export_phrases()
    q.add_vocab(HAND)
    p.add_vocab(HAND)
    assert q.export_phrases() == p.export_phrases()
    p.freeze().save(tmp_path / "f.w2v")
    assert FrozenPhrases.load(tmp_path / "f.w2v").scoring is importable_scorer

    def scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
        return 1.0

    local = Phrases(HAND, min_count=1, threshold=0.5, scoring=scorer)
    with pytest.raises(ValueError, match=r"the custom scorer .*scorer' cannot be saved: .*importable name"):
        local.save(tmp_path / "local.w2v")
    local.freeze().save(tmp_path / "f.w2v")          # frozen phrases join without their scorer
    assert FrozenPhrases.load(tmp_path / "f.w2v")[["a", "b"]] == ["a_b"]


def test_a_scorer_that_cannot_be_imported_is_one_clear_error(tmp_path):
    p = Phrases(HAND, min_count=1, threshold=0.2, scoring=importable_scorer)
    p.save(tmp_path / "p.w2v")
    meta, arrays = native.load_native(tmp_path / "p.w2v", kind=Phrases._KIND)
    native.save_native(tmp_path / "q.w2v", Phrases._KIND, dict(meta, scoring="no_such_module:fn"), arrays)
    with pytest.raises(ValueError, match="scored by 'no_such_module:fn', which cannot be imported here"):
        Phrases.load(tmp_path / "q.w2v")


def test_space_delimiter_in_python_not_in_text_files(tmp_path, capsys):
    """gensim allows delimiter=" " (issue 26); a text file of phrases glued by a space could not be
    read back as phrases, so there it is refused."""
    p = Phrases([["new", "york", "city"]] * 5, min_count=1, threshold=0.1, delimiter=" ")
    assert p[["in", "new", "york"]] == ["in", "new york"]
    assert p.freeze()[["new", "york"]] == ["new york"]
    src = write_lines(tmp_path / "in.txt", HAND)
    with pytest.raises(ValueError, match="delimiter must not hold whitespace when the phrases are written"):
        phrase_file(src, str(tmp_path / "out.txt"), delimiter=" ")


def test_two_passes_join_trigrams(tmp_path):
    # pass 1: new_york and city_hall score 39/1600*7 and 19/800*7 (> 0.1); pass 2: new_york city
    # scores 19/(40*20)*5 = 0.119
    corpus = [["new", "york", "city"], ["new", "york", "city", "hall"]] * 20
    src = write_lines(tmp_path / "in.txt", corpus)
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    assert main(["phrases", src, "-o", str(one), "--min-count", "1", "--threshold", "0.1", "-q"]) == 0
    assert main(["phrases", src, "-o", str(two), "--min-count", "1", "--threshold", "0.1", "--passes", "2",
                 "-q"]) == 0
    assert one.read_text().splitlines()[:2] == ["new_york city", "new_york city_hall"]
    assert two.read_text().splitlines()[:2] == ["new_york_city", "new_york_city_hall"]
    # pass 2 is pass 1 run on pass 1's output
    again = tmp_path / "again.txt"
    main(["phrases", str(one), "-o", str(again), "--min-count", "1", "--threshold", "0.1", "-q"])
    assert again.read_text() == two.read_text()


def test_cli_matches_python_api(tmp_path):
    corpus = [s for s in random_corpus(10) if s]
    src = write_lines(tmp_path / "in.txt", corpus)
    out = tmp_path / "out.txt"
    assert main(["phrases", src, "-o", str(out), "--min-count", "2", "--threshold", "1",
                 "--connector-words", "english", "-q"]) == 0
    p = Phrases(corpus, min_count=2, threshold=1, connector_words=ENGLISH_CONNECTOR_WORDS).freeze()
    assert out.read_text().splitlines() == [" ".join(p[s]) for s in corpus]


@pytest.mark.parametrize("scoring,connectors", [("default", None), ("word2phrase", None),
                                               ("npmi", "english")])
def test_threads_and_pieces_do_not_change_the_output(tmp_path, monkeypatch, scoring, connectors):
    # pieces of a few tokens, joined and written by 1 or 3 threads: the same bytes as in one piece
    corpus = random_corpus(11, n_sentences=600)
    src = write_lines(tmp_path / "in.txt", corpus)
    options = dict(min_count=2, threshold=0.5 if scoring == "npmi" else 1.0, scoring=scoring,
                   connector_words=ENGLISH_CONNECTOR_WORDS if connectors else frozenset())
    whole = tmp_path / "whole.txt"
    phrase_file(src, str(whole), passes=2, workers=1, **options)
    monkeypatch.setattr(transform, "_JOIN_TOKENS", 7)
    monkeypatch.setattr(files, "_RENDER_TOKENS", 5)
    for workers in (1, 3):
        out = tmp_path / f"out{workers}.txt"
        phrase_file(src, str(out), passes=2, workers=workers, **options)
        assert out.read_bytes() == whole.read_bytes()


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("kwargs,match", [
    ({"min_count": 0}, "min_count"),
    ({"threshold": 1.5, "scoring": "npmi"}, r"\(-1, 1\]"),
    ({"threshold": -1, "scoring": "npmi"}, r"\(-1, 1\]"),
    ({"threshold": 0}, "> 0"),
    ({"delimiter": ""}, "delimiter"),
    ({"scoring": "nope"}, "unknown scoring"),
    ({"scoring": "word2phrase", "connector_words": {"of"}}, "connector"),
])
def test_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Phrases(HAND, **kwargs)


def test_empty_corpus():
    with pytest.raises(ValueError, match="empty"):
        Phrases([[], []])


@pytest.mark.parametrize("extra,match", [
    (["--min-count", "0"], "min_count"),
    (["--scoring", "npmi", "--threshold", "2"], r"\(-1, 1\]"),
    (["--delimiter", ""], "delimiter"),
    (["--delimiter", " "], "delimiter"),
    (["--connector-words", "no-such-file.txt"], "no-such-file.txt"),
    (["--scoring", "npmi"], r"\(-1, 1\]"),
])
def test_cli_bad_input_exit_2(tmp_path, capsys, extra, match):
    src = write_lines(tmp_path / "in.txt", HAND)
    assert main(["phrases", src, "-o", str(tmp_path / "out.txt"), *extra]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and re.search(match, err)
    assert not (tmp_path / "out.txt").exists()


def test_cli_empty_and_missing_input(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n")
    assert main(["phrases", str(empty), "-o", str(tmp_path / "o.txt")]) == 2
    assert "empty" in capsys.readouterr().err
    assert main(["phrases", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "o.txt")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["phrases", "-train", str(empty), "-output", str(tmp_path / "o.txt"),
                 "-min-count", "0"]) == 2


# ------------------------------------------------------------------ evaluation set


def test_phrase_analogies_bundled():
    from w2v.evaluation.evaluate import resolve_dataset

    path = resolve_dataset("phrases")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ": newspapers" and sum(1 for x in lines if not x.startswith(":")) == 3218


# ------------------------------------------------------------------ training on phrases


def test_train_with_phrases_reads_the_corpus_once(tmp_path, monkeypatch):
    from w2v import Word2Vec
    from w2v.phrases import detector, phrase_corpus

    corpus = [["new", "york", "city"], ["in", "new", "york"], ["the", "city"]] * 40
    src = write_lines(tmp_path / "in.txt", corpus)
    model = Word2Vec(vector_size=8, min_count=1, epochs=1, workers=1, seed=1)
    scanned = phrase_corpus(src, min_count=1, threshold=0.05)
    joined = Phrases(corpus, min_count=1, threshold=0.05).freeze()[corpus]
    expected = sum(s.count("new_york") for s in joined)
    calls = []
    monkeypatch.setattr(detector, "scan", lambda *a, **kw: calls.append(a))
    model.build_vocab(scanned)
    model.train(scanned, total_examples=model.corpus_count, epochs=model.epochs)   # gensim's checks
    assert not calls
    assert expected > 0 and model.vocab.counts[model.vocab.word_to_index["new_york"]] == expected
    with pytest.raises(ValueError, match="used already"):
        model.build_vocab(scanned)


def test_cli_train_phrases(tmp_path, capsys):
    corpus = [["new", "york", "city"], ["in", "new", "york"], ["the", "city"]] * 40
    src = write_lines(tmp_path / "in.txt", corpus)
    out = tmp_path / "m.txt"
    assert main(["train", src, "--save-vectors", str(out), "--phrases", "2", "--phrase-threshold", "0.05",
                 "--min-count", "1", "--size", "8", "--epochs", "1", "--threads", "1", "-q"]) == 0
    words = {line.split()[0] for line in out.read_text().splitlines()[1:]}
    assert "new_york_city" in words          # two passes: new_york, then new_york city
    assert main(["train", src, "--save-vectors", str(out), "--phrases", "0"]) == 2


def test_cli_output_checked_before_work(tmp_path, capsys):
    src = write_lines(tmp_path / "in.txt", HAND)
    assert main(["phrases", src, "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert main(["phrases", src, "-o", str(tmp_path / "no" / "out.txt")]) == 2


def test_cli_phrases_reads_raw_text_with_a_tokenizer(tmp_path, capsys):
    """Issue 26: `w2v phrases --tokenizer` (and --encoding) were missing."""
    raw = tmp_path / "raw.txt"
    raw.write_text("New York is big. I love New York!\nNew York, New York.\n" * 20)
    out = tmp_path / "out.txt"
    assert main(["phrases", str(raw), "-o", str(out), "--tokenizer", "simple", "--min-count", "2",
                 "--threshold", "0.05", "-q"]) == 0
    assert out.read_text().splitlines()[:2] == ["new_york is_big i_love new_york", "new_york new_york"]
    assert main(["phrases", str(raw), "-o", str(out), "--min-count", "2", "--threshold", "0.05", "-q"]) == 0
    assert out.read_text().splitlines()[0] == "New_York is_big. I_love New_York!"   # whitespace: "York!" stays


def test_cli_train_with_connector_words(tmp_path, capsys):
    """Issue 26: `w2v train --phrases N --connector-words english` (as w2v phrases has)."""
    from w2v import KeyedVectors

    corpus = tmp_path / "c.txt"
    corpus.write_text("the bank of america is big\nbank of america and the city of york\n" * 30)
    model = tmp_path / "m.w2v"
    args = ["train", str(corpus), "--phrases", "1", "--phrase-threshold", "0.01", "--min-count", "2",
            "-o", str(model), "-q", "--epochs", "1", "--size", "8", "--threads", "1"]
    assert main(args + ["--connector-words", "english"]) == 0
    assert "bank_of_america" in KeyedVectors.load(model)
    assert main(args) == 0
    assert "bank_of_america" not in KeyedVectors.load(model)
    capsys.readouterr()
    assert main(args[:2] + ["-o", str(model), "--connector-words", "english"]) == 2
    assert "--connector-words applies to --phrases N" in capsys.readouterr().err
