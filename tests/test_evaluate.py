"""Analogy and word-pair evaluation: same figures as gensim's evaluators, vectorised, bundled sets."""
import math

import numpy as np
import pytest

from w2v.evaluation import evaluate as ev
from w2v.models.keyedvectors import KeyedVectors

gensim_models = pytest.importorskip("gensim.models", reason="gensim is the reference these tests compare against")


def _structured_vocab(seed=0, n_pairs=30, dim=24, noise=1.4, n_filler=300):
    """Country/capital and verb/past pairs built as base + relation offset + noise, plus case variants.

    Case variants ("Cap3" after "cap3") sit close to their originals, so they are often the best
    answer and gensim's rule for skipping variants of the question words is exercised.
    """
    rng = np.random.default_rng(seed)
    keys, vecs = [], []
    for rel, (p, q) in enumerate((("country", "capital"), ("verb", "past"))):
        offset = rng.normal(size=dim) * 1.5
        for i in range(n_pairs):
            base = rng.normal(size=dim)
            keys += [f"{p}{i}", f"{q}{i}"]
            vecs += [base, base + offset + noise * rng.normal(size=dim)]
    keys += [f"filler{i}" for i in range(n_filler)]
    vecs += list(rng.normal(size=(n_filler, dim)))
    for i in range(0, n_pairs, 3):   # case variants, later in the vocabulary
        for p in ("country", "capital"):
            keys.append(f"{p.capitalize()}{i}")
            vecs.append(vecs[keys.index(f"{p}{i}")] + 0.05 * rng.normal(size=dim))
    return keys, np.array(vecs, dtype=np.float32)


def _analogy_file(tmp_path, n_pairs=30, crlf=False, name="questions.txt"):
    rng = np.random.default_rng(1)
    lines = []
    for p, q in (("country", "capital"), ("verb", "past")):
        lines.append(f": {p}-{q}")
        for _ in range(120):
            i, j = rng.choice(n_pairs + 3, size=2, replace=False)   # indices >= n_pairs are unknown words
            lines.append(f"{p}{i} {q}{i} {p}{j} {q}{j}")
    lines.append(": mixed-case")
    lines += ["COUNTRY0 Capital0 country1 CAPITAL1", "Country3 capital3 country6 capital6",
              "verb1 past1 verb1 past1", "bad line with five words", ""]
    path = tmp_path / name
    path.write_bytes(("\r\n" if crlf else "\n").join(lines).encode() + b"\n")
    return path


@pytest.fixture(scope="module")
def pair():
    """The same vectors as w2v and gensim KeyedVectors."""
    keys, vecs = _structured_vocab()
    g = gensim_models.KeyedVectors(vecs.shape[1])
    g.add_vectors(keys, vecs)
    return KeyedVectors(keys, vecs), g


def _counts(sections):
    return [(s["section"], len(s["correct"]), len(s["incorrect"])) for s in sections]


@pytest.mark.parametrize("restrict_vocab", [300000, 100, 45])
@pytest.mark.parametrize("case_insensitive", [True, False])
@pytest.mark.parametrize("dummy4unknown", [False, True])
def test_analogies_match_gensim_question_by_question(pair, tmp_path, restrict_vocab, case_insensitive,
                                                     dummy4unknown):
    kv, g = pair
    path = _analogy_file(tmp_path)
    kw = dict(restrict_vocab=restrict_vocab, case_insensitive=case_insensitive, dummy4unknown=dummy4unknown)
    score, sections = ev.evaluate_word_analogies(kv, path, **kw)
    g_score, g_sections = g.evaluate_word_analogies(str(path), **kw)
    assert score == pytest.approx(g_score, abs=1e-12)
    for ours, theirs in zip(sections, g_sections, strict=True):
        assert ours["section"] == theirs["section"]
        assert ours["correct"] == theirs["correct"]
        assert ours["incorrect"] == theirs["incorrect"]
    assert 0.1 < score < 0.95, "fixture should give a mid-range accuracy so that the comparison means something"


def test_case_variant_rule_is_exercised(pair, tmp_path):
    """The best raw candidate is sometimes a case variant of a question word; the answer never is."""
    kv, _ = pair
    ok_vocab, group = ev._vocab_map(kv, None, True)
    assert (group != np.arange(len(group))).sum() == 20
    questions = [q for _, qs in ev._read_analogy_sections(_analogy_file(tmp_path), True) for q in qs
                 if all(w in ok_vocab for w in q)]
    ia, ib, ic = (np.array([ok_vocab[q[k]] for q in questions]) for k in range(3))
    unit = ev.unit_rows(kv, len(group))
    sims = ev._scores(unit, ia, ib, ic, "add")
    rows = np.arange(len(ia))
    for idx in (ia, ib, ic):
        sims[rows, idx] = -np.inf
    top = group[np.argmax(sims, axis=1)]
    assert ((top == ia) | (top == ib) | (top == ic)).sum() >= 3
    pred, _ = ev.answer_analogies(unit, group, ia, ib, ic)
    assert not ((pred == ia) | (pred == ib) | (pred == ic)).any()


def test_oov_counts_per_section(pair, tmp_path):
    kv, _ = pair
    _, sections = ev.evaluate_word_analogies(kv, _analogy_file(tmp_path))
    names = [s["section"] for s in sections]
    assert names == ["country-capital", "verb-past", "mixed-case", "Total accuracy"]
    for s in sections[:2]:   # questions with index >= 30 use unknown words
        assert s["oov"] > 0
        assert len(s["correct"]) + len(s["incorrect"]) + s["oov"] == 120
    assert sections[2]["oov"] == 0 and len(sections[2]["correct"]) + len(sections[2]["incorrect"]) == 3
    assert sections[-1]["oov"] == sum(s["oov"] for s in sections[:-1])
    rows = ev.summarize_analogies(sections)
    assert rows[-1]["correct"] == len(sections[-1]["correct"])
    assert rows[-1]["accuracy"] == pytest.approx(len(sections[-1]["correct"]) / (
        len(sections[-1]["correct"]) + len(sections[-1]["incorrect"])))


def test_crlf_file_gives_the_same_result(pair, tmp_path):
    kv, _ = pair
    lf = ev.evaluate_word_analogies(kv, _analogy_file(tmp_path, name="lf.txt"))
    crlf = ev.evaluate_word_analogies(kv, _analogy_file(tmp_path, crlf=True, name="crlf.txt"))
    assert crlf[0] == lf[0]
    assert _counts(crlf[1]) == _counts(lf[1])
    assert crlf[1][0]["section"] == "country-capital"


@pytest.mark.filterwarnings("ignore:Call to deprecated:DeprecationWarning")
def test_mul_matches_gensim_cosmul(pair, tmp_path):
    """3CosMul: the answer is gensim's most_similar_cosmul top word (no case folding, no restriction)."""
    kv, g = pair
    path = _analogy_file(tmp_path)
    _, sections = ev.evaluate_word_analogies(kv, path, method="mul", case_insensitive=False, restrict_vocab=None)
    expected_correct = 0
    asked = 0
    for line in path.read_text().splitlines():
        words = line.split()
        if len(words) != 4 or line.startswith(":") or not all(w in g.key_to_index for w in words):
            continue
        a, b, c, d = words
        asked += 1
        expected_correct += g.most_similar_cosmul(positive=[b, c], negative=[a], topn=1)[0][0] == d
    total = sections[-1]
    assert len(total["correct"]) + len(total["incorrect"]) == asked
    assert len(total["correct"]) == expected_correct
    assert 0 < len(total["correct"]) < asked


def test_unknown_method_and_bad_files(pair, tmp_path):
    kv, _ = pair
    with pytest.raises(ValueError, match="method"):
        ev.evaluate_word_analogies(kv, "google", method="cos")
    headless = tmp_path / "headless.txt"
    headless.write_text("a b c d\n")
    with pytest.raises(ValueError, match="section header"):
        ev.evaluate_word_analogies(kv, headless)
    empty = tmp_path / "empty.txt"
    empty.write_text(": only-a-header\n")
    with pytest.raises(ValueError, match="no analogy questions"):
        ev.evaluate_word_analogies(kv, empty)
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes(": s\ncaf\xe9 a b c\n".encode("latin-1"))
    with pytest.raises(UnicodeError, match="line 2"):
        ev.evaluate_word_analogies(kv, latin1)
    with pytest.raises(FileNotFoundError, match="not a bundled dataset"):
        ev.evaluate_word_analogies(kv, tmp_path / "nope.txt")


def test_bundled_google_set_is_complete_and_scored_in_batches(monkeypatch):
    """19,544 questions in 14 sections; one score matrix per batch of questions, not per question."""
    sections = ev._read_analogy_sections(ev.resolve_dataset("google"), case_insensitive=True)
    assert len(sections) == 14
    assert sum(len(q) for _, q in sections) == 19544
    words = sorted({w for _, qs in sections for q in qs for w in q})
    rng = np.random.default_rng(0)
    keys = [w.lower() for w in words] + [f"filler{i}" for i in range(20000 - len(words))]
    kv = KeyedVectors(keys, rng.normal(size=(len(keys), 50)).astype(np.float32))
    calls = []
    real = ev._scores
    monkeypatch.setattr(ev, "_scores", lambda *a: calls.append(len(a[1])) or real(*a))
    score, result = ev.evaluate_word_analogies(kv, "google")
    assert sum(calls) == 19544 and result[-1]["oov"] == 0
    assert len(calls) == math.ceil(19544 / (ev._BLOCK_ELEMENTS // len(keys)))
    assert score < 0.01   # random vectors answer (almost) nothing


def test_resolve_dataset_names_paths_and_registry(tmp_path, monkeypatch):
    assert ev.resolve_dataset("google").name == "questions-words.txt"
    assert ev.resolve_dataset("WordSim353").name == "wordsim353.tsv"
    own = tmp_path / "mine.txt"
    own.write_text(": s\na b c d\n")
    assert ev.resolve_dataset(own) == str(own)
    with pytest.raises(FileNotFoundError, match="google.*wordsim353"):
        ev.resolve_dataset("simlex")
    # A registry entry may list several files, read in order as one set (as CA8 ships in two).
    monkeypatch.setitem(ev.DATASETS, "both", ("questions-words.txt", "questions-words.txt"))
    both = ev.resolve_dataset("both")
    assert len(ev._read_analogy_sections(both, True)) == 28


def _pairs_file(tmp_path, sep="\t", name="pairs.tsv"):
    rng = np.random.default_rng(2)
    lines = ["# Word 1\tWord 2\tHuman (mean)"]
    for _ in range(80):
        i, j = rng.choice(33, size=2, replace=False)
        a, b = rng.choice(["country", "capital", "verb", "past"], size=2)
        lines.append(f"{a}{i}{sep}{b}{j}{sep}{rng.uniform(0, 10):.2f}")
    lines += [f"Country0{sep}capital0{sep}9.5", f"filler1{sep}filler2{sep}1.0", "not a valid line at all"]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("restrict_vocab", [300000, 50])
@pytest.mark.parametrize("case_insensitive", [True, False])
@pytest.mark.parametrize("dummy4unknown", [False, True])
def test_word_pairs_match_gensim(pair, tmp_path, restrict_vocab, case_insensitive, dummy4unknown):
    kv, g = pair
    path = _pairs_file(tmp_path)
    kw = dict(restrict_vocab=restrict_vocab, case_insensitive=case_insensitive, dummy4unknown=dummy4unknown)
    (r, pr), (rho, prho), oov = ev.evaluate_word_pairs(kv, path, **kw)
    (gr, gpr), (grho, gprho), goov = g.evaluate_word_pairs(str(path), **kw)
    assert r == pytest.approx(gr, abs=1e-6) and pr == pytest.approx(gpr, rel=1e-4, abs=1e-12)
    assert rho == pytest.approx(grho, abs=1e-9) and prho == pytest.approx(gprho, rel=1e-6)
    assert oov == pytest.approx(goov)
    assert 0 < oov < 100


def test_word_pairs_space_separated_and_bundled(pair, tmp_path):
    kv, g = pair
    tab = ev.evaluate_word_pairs(kv, _pairs_file(tmp_path))
    space = ev.evaluate_word_pairs(kv, _pairs_file(tmp_path, sep=" ", name="space.txt"))
    assert space == tab
    with pytest.raises(ValueError, match="no valid similarity"):
        ev.evaluate_word_pairs(kv, "wordsim353")    # the fixture knows none of its words
    wordsim = ev.resolve_dataset("wordsim353")
    lines = [ln for ln in wordsim.read_text().splitlines() if ln and not ln.startswith("#")]
    assert len(lines) == 353


def test_gensim_trained_model_same_figures_through_word2vec_file(tmp_path):
    """Vectors trained by gensim, saved in word2vec format and loaded by w2v: same accuracy and Spearman."""
    from w2v.models.keyedvectors import load_any

    rng = np.random.default_rng(3)
    n = 12
    sentences = []
    for _ in range(3000):
        i = int(rng.integers(n))
        kind = rng.integers(3)
        if kind == 0:
            sentences.append(f"the capital of country{i} is capital{i} in region{i % 3}".split())
        elif kind == 1:
            sentences.append(f"people of country{i} speak language{i} near capital{i}".split())
        else:
            sentences.append(f"language{i} is spoken in country{i} and region{i % 3}".split())
    model = gensim_models.Word2Vec(sentences, vector_size=16, window=4, min_count=1, epochs=5, workers=1,
                                   seed=1)
    path = tmp_path / "vectors.bin"
    model.wv.save_word2vec_format(str(path), binary=True)
    questions = tmp_path / "q.txt"
    with open(questions, "w") as f:
        f.write(": country-capital\n")
        for i in range(n):
            for j in range(n):
                if i != j:
                    f.write(f"country{i} capital{i} country{j} capital{j}\n")
        f.write(": country-language\n")
        for i in range(n):
            for j in range(n):
                if i != j:
                    f.write(f"country{i} language{i} country{j} language{j}\n")
    pairs = tmp_path / "p.tsv"
    pairs.write_text("".join(f"country{i}\t{w}{j}\t{10.0 * (i == j) + (j % 4)}\n"
                             for i in range(n) for j in range(0, n, 2) for w in ("capital", "language")))
    g = gensim_models.KeyedVectors.load_word2vec_format(str(path), binary=True)
    kv = load_any(path)
    g_score, g_sec = g.evaluate_word_analogies(str(questions))
    score, sec = ev.evaluate_word_analogies(kv, questions)
    assert 100 * score == pytest.approx(100 * g_score, abs=0.1)
    assert _counts(sec) == _counts(g_sec)
    assert 0.05 < score < 0.95, "a mid-range accuracy, so the comparison means something"
    g_rho = g.evaluate_word_pairs(str(pairs))[1][0]
    rho = ev.evaluate_word_pairs(kv, pairs)[1][0]
    assert rho == pytest.approx(g_rho, abs=1e-3)


def test_keyedvectors_methods_delegate_here(pair, tmp_path):
    kv, _ = pair
    path = _analogy_file(tmp_path)
    assert kv.evaluate_word_analogies(path, restrict_vocab=100, method="mul") == \
        ev.evaluate_word_analogies(kv, path, restrict_vocab=100, method="mul")
    pairs = _pairs_file(tmp_path)
    assert kv.evaluate_word_pairs(pairs, dummy4unknown=True) == ev.evaluate_word_pairs(kv, pairs, dummy4unknown=True)
