"""Doc2Vec: gensim's signature and tag rules, what each mode trains, a corpus file equal to the same
documents given in Python, infer_vector (deterministic, frozen weights), files, and bad input."""
import inspect

import numpy as np
import pytest

from w2v import Doc2Vec, KeyedVectors, TaggedDocument, TaggedLineDocument
from w2v.corpus.vocab import EmptyVocabularyError
from w2v.models.doc2vec import DocumentVectors

TEXTS = ["the cat sat on the mat with another cat",
         "a dog sat on the log and the dog barked",
         "cats and dogs are pets that people keep at home",
         "the stock market fell as investors sold their shares",
         "shares of the bank rose after the market opened",
         "investors bought bank shares when the market fell"] * 4
DOCS = [TaggedDocument(t.split(), [i]) for i, t in enumerate(TEXTS)]
SMALL = dict(vector_size=12, min_count=1, epochs=3, seed=7, workers=1, progress=False, sample=0)


def test_signature_is_gensims():
    params = list(inspect.signature(Doc2Vec).parameters.values())
    assert [p.name for p in params[:16]] == [
        "documents", "corpus_file", "vector_size", "dm_mean", "dm", "dbow_words", "dm_concat",
        "dm_tag_count", "dv", "dv_mapfile", "comment", "trim_rule", "callbacks", "window", "epochs",
        "shrink_windows"]
    defaults = {p.name: p.default for p in params}
    assert (defaults["dm"], defaults["dbow_words"], defaults["epochs"], defaults["dm_mean"]) == (1, 0, 10, None)
    assert "sentences" not in defaults and params[16].kind is inspect.Parameter.KEYWORD_ONLY
    model = Doc2Vec(dm=0, dm_mean=0)
    assert (model.sg, model.dbow, model.cbow_mean, model.epochs) == (1, True, 0, 10)
    with pytest.raises(TypeError, match=r"Doc2Vec\(\): .*'dm_men'.*did you mean 'dm_mean'"):
        Doc2Vec(dm_men=1)


@pytest.mark.parametrize("settings, words_learn", [
    (dict(dm=0), False), (dict(dm=0, dbow_words=1), True), (dict(dm=1), True),
    (dict(dm=1, dm_mean=0), True), (dict(dm=0, hs=1, negative=0), False)])
def test_what_each_mode_trains(settings, words_learn):
    untrained = Doc2Vec(**SMALL, **settings)
    untrained.build_vocab(DOCS)
    model = Doc2Vec(DOCS, **SMALL, **settings)
    assert model.dv.vectors.shape == (24, 12) and len(model.wv) == len(untrained.wv)
    assert not np.allclose(model.dv.vectors, untrained.dv.vectors)
    assert np.array_equal(model.wv.vectors, untrained.wv.vectors) != words_learn
    assert model.training_log[-1]["examples"] > 0


def test_a_corpus_file_trains_exactly_as_the_same_documents_in_python(tmp_path):
    path = tmp_path / "docs.txt"
    path.write_text("\n".join(TEXTS) + "\n")
    for settings in (dict(dm=0, dbow_words=1), dict(dm=1)):
        a = Doc2Vec(corpus_file=str(path), **SMALL, **settings)
        b = Doc2Vec(TaggedLineDocument(str(path)), **SMALL, **settings)
        c = Doc2Vec(DOCS, **SMALL, **settings)
        assert a.dv.index_to_key == list(range(24)) == c.dv.index_to_key
        for other in (b, c):
            assert np.array_equal(a.wv.vectors, other.wv.vectors)
            assert np.array_equal(a.dv.vectors, other.dv.vectors)
            assert np.array_equal(a.syn1neg, other.syn1neg)


def test_a_long_line_cut_into_sentences_trains_one_document(tmp_path):
    path = tmp_path / "docs.txt"
    path.write_text(" ".join(["w%d" % (i % 7) for i in range(50)]) + "\nw1 w2 w3\n")
    model = Doc2Vec(corpus_file=str(path), max_sentence_length=8, **SMALL)
    assert model.dv.index_to_key == [0, 1] and model.corpus_count == 2


def test_tags_follow_gensims_rules():
    docs = [TaggedDocument(d.words, [i, "even" if i % 2 == 0 else "odd"]) for i, d in enumerate(DOCS)]
    model = Doc2Vec(docs, **SMALL)
    assert model.dv.index_to_key == list(range(24)) + ["even", "odd"]
    assert model.dv.key_to_index == {"even": 24, "odd": 25}      # gensim's: the string tags
    assert 3 in model.dv and "odd" in model.dv and "x" not in model.dv
    assert 24 in model.dv and 26 not in model.dv                   # an int is a row, as in gensim
    assert np.array_equal(model.dv[np.int64(25)], model.dv["odd"])
    assert model.dv.doesnt_match([0, 2, 3]) in (0, 2, 3)
    assert model.dv.get_vecattr("even", "count") == 12           # documents carrying the tag
    strings = Doc2Vec([TaggedDocument(d.words, [f"doc{i}"]) for i, d in enumerate(DOCS)], **SMALL)
    assert strings.dv.index_to_key[:2] == ["doc0", "doc1"]
    assert strings.dv.most_similar("doc0", topn=1)[0][0] != "doc0"


def test_most_similar_leaves_out_the_query_and_clips_like_gensim():
    model = Doc2Vec(DOCS, **SMALL)
    assert 4 not in [t for t, _ in model.dv.most_similar(4, topn=30)]
    clipped = model.dv.most_similar(4, topn=30, clip_start=10, clip_end=16)
    assert sorted(t for t, _ in clipped) == list(range(10, 16))
    sims = [s for _, s in clipped]
    assert sims == sorted(sims, reverse=True)
    assert clipped[0] == model.dv.most_similar(4, topn=30)[[t for t, _ in model.dv.most_similar(4, topn=30)].index(clipped[0][0])]


def test_infer_vector_is_deterministic_and_changes_no_weight():
    for settings in (dict(dm=0, dbow_words=1), dict(dm=1), dict(dm=0, hs=1, negative=3)):
        model = Doc2Vec(DOCS, **SMALL, **settings)
        before = [a.copy() for a in (model.wv.vectors, model.dv.vectors, model.syn1neg, model.syn1)
                  if a is not None]
        words = "the market fell as the cat sat".split()
        v1 = model.infer_vector(words)
        v2 = model.infer_vector(words, epochs=model.epochs)
        assert v1.shape == (12,) and np.array_equal(v1, v2)
        assert not np.array_equal(v1, model.infer_vector(words, epochs=20))
        after = [a for a in (model.wv.vectors, model.dv.vectors, model.syn1neg, model.syn1) if a is not None]
        assert all(np.array_equal(a, b) for a, b in zip(before, after))
        assert model.infer_vector(["unknown", "words"]).shape == (12,)



@pytest.mark.parametrize("settings", [dict(dm=0), dict(dm=1), dict(dm=1, dm_concat=1), dict(dm=0, hs=1, negative=0)])
def test_infer_vectors_is_infer_vector_per_document(settings):
    model = Doc2Vec(DOCS, **SMALL, **settings)
    docs = [t.split() for t in TEXTS[:7]] + [["unknown"], "the cat sat on the market".split()]
    want = np.array([model.infer_vector(words, epochs=5) for words in docs])
    for workers in (1, 2, 3):
        np.testing.assert_array_equal(model.infer_vectors(docs, epochs=5, workers=workers), want)
    assert model.infer_vectors([]).shape == (0, 12)
    with pytest.raises(TypeError, match="not a single string"):
        model.infer_vectors(["the cat"])


@pytest.mark.parametrize("settings, uses_words", [(dict(dm=0), False), (dict(dm=0, dbow_words=1), False),
                                                  (dict(dm=1), True), (dict(dm=1, dm_concat=1), True)])
def test_pv_dm_infers_with_the_context_words_as_gensim(settings, uses_words):
    """gensim's infer_vector trains PV-DM with the window's word rows in the context
    (train_document_dm, learn_words=False); PV-DBOW from the tags alone (train_words=False)."""
    model = Doc2Vec(DOCS, **SMALL, **settings)
    words = "the market fell as the cat sat".split()
    before = model.infer_vector(words)
    model.wv.vectors[:] = model.wv.vectors[::-1]     # in place: the inference reads the same rows
    assert np.array_equal(model.infer_vector(words), before) != uses_words

def test_an_inferred_vector_finds_its_document():
    docs = [TaggedDocument(f"topic{i % 6} " * 3 + TEXTS[i % 6], [i]) for i in range(30)]
    docs = [TaggedDocument(d.words.split(), d.tags) for d in docs]
    model = Doc2Vec(docs, vector_size=16, min_count=1, epochs=40, seed=3, workers=1, progress=False, dm=0)
    hits = 0
    for doc in docs[:6]:
        best = [t for t, _ in model.dv.most_similar([model.infer_vector(doc.words, epochs=100)], topn=5)]
        hits += any(t % 6 == doc.tags[0] % 6 for t in best)
    assert hits >= 5
    assert model.similarity_unseen_docs(docs[0].words, docs[6].words) > \
        model.similarity_unseen_docs(docs[0].words, docs[3].words)


def test_save_load_round_trip_and_mmap(tmp_path):
    docs = [TaggedDocument(d.words, [i, f"s{i % 3}"]) for i, d in enumerate(DOCS)]
    model = Doc2Vec(docs, **SMALL)
    model.doc_previews = [f"preview {i}" for i in range(len(model.dv))]
    path = tmp_path / "d.w2v"
    model.save(str(path))
    for mmap in (None, "r"):
        loaded = Doc2Vec.load(str(path), mmap=mmap)
        assert loaded.dv.index_to_key == model.dv.index_to_key
        assert np.array_equal(loaded.dv.vectors, model.dv.vectors)
        assert np.array_equal(loaded.wv.vectors, model.wv.vectors)
        assert loaded.doc_previews == model.doc_previews and str(loaded) == str(model)
        assert np.array_equal(loaded.infer_vector(TEXTS[0].split()), model.infer_vector(TEXTS[0].split()))
    with pytest.raises(ValueError, match="read-only"):
        loaded.train(docs, total_examples=len(docs), epochs=1)
    loaded = Doc2Vec.load(str(path))
    loaded.train(docs, total_examples=len(docs), epochs=1)
    assert not np.array_equal(loaded.dv.vectors, model.dv.vectors)
    from w2v import Word2Vec
    with pytest.raises(ValueError):
        Word2Vec.load(str(path))


def test_checkpoints_resume_to_the_same_model(tmp_path):
    corpus = tmp_path / "docs.txt"
    corpus.write_text("\n".join(TEXTS) + "\n")
    whole = Doc2Vec(corpus_file=str(corpus), **dict(SMALL, epochs=4))
    Doc2Vec(corpus_file=str(corpus), checkpoint_dir=str(tmp_path / "ck"), **dict(SMALL, epochs=4))
    resumed = Doc2Vec.resume(str(tmp_path / "ck"), progress=False)
    assert np.array_equal(resumed.dv.vectors, whole.dv.vectors)
    assert isinstance(resumed, Doc2Vec) and len(resumed.training_log) == 4


def test_word2vec_files_of_words_and_tags(tmp_path):
    model = Doc2Vec([TaggedDocument(d.words, ["first" if i == 0 else i]) for i, d in enumerate(DOCS)],
                    **SMALL)
    both, tags, words = (str(tmp_path / n) for n in ("both.txt", "tags.bin", "words.bin"))
    model.save_word2vec_format(both, doctag_vec=True, word_vec=True)
    model.save_word2vec_format(tags, doctag_vec=True, word_vec=False, binary=True)
    model.save_word2vec_format(words, doctag_vec=False, word_vec=True, binary=True)
    kv = KeyedVectors.load_word2vec_format(both)
    assert len(kv) == len(model.wv) + len(model.dv)
    assert kv.index_to_key[len(model.wv):len(model.wv) + 2] == ["*dt_0", "*dt_1"]
    assert len(KeyedVectors.load_word2vec_format(tags, binary=True)) == len(model.dv)
    assert len(KeyedVectors.load_word2vec_format(words, binary=True)) == len(model.wv)
    np.testing.assert_allclose(kv["*dt_5"], model.dv[5], atol=1e-6)
    assert kv.index_to_key[-1] == "*dt_first" and model.dv.index_to_key[0] == 0   # row 0: an int slot
    spaced = Doc2Vec([TaggedDocument(d.words, ["doc %d" % i]) for i, d in enumerate(DOCS)], **SMALL)
    with pytest.raises(ValueError, match="'doc 0' is empty or holds a space"):
        spaced.dv.save_word2vec_format(tags, binary=True)


def test_bad_input_is_one_clear_error():
    with pytest.raises(EmptyVocabularyError):
        Doc2Vec([], **SMALL)
    with pytest.raises(RuntimeError):
        Doc2Vec(DOCS, **dict(SMALL, min_count=1000))
    with pytest.raises(ValueError, match="the document has no tags"):
        Doc2Vec([TaggedDocument(["a", "b"], [])], **SMALL)
    with pytest.raises(ValueError, match="is empty"):
        Doc2Vec([TaggedDocument(["a"], [0]), TaggedDocument([], [1])], **SMALL)
    with pytest.raises(TypeError, match="tag 2.5 is a float"):
        Doc2Vec([TaggedDocument(["a"], [2.5])], **SMALL)
    with pytest.raises(ValueError, match="no document vectors|no word or output weights"):
        Doc2Vec(**SMALL).infer_vector(["a"])
    model = Doc2Vec(DOCS, **SMALL)
    with pytest.raises(TypeError, match="not a single string"):
        model.infer_vector("the cat")
    with pytest.raises(ValueError, match="dv=: w2v builds the document vectors"):
        Doc2Vec(dv=model.dv)
    with pytest.raises(TypeError):
        model.train(corpus_iterable=DOCS, corpus_file="x.txt", total_examples=1, epochs=1)


def test_dv_is_document_vectors():
    model = Doc2Vec(DOCS, **SMALL)
    assert isinstance(model.dv, DocumentVectors) and isinstance(model.dv, KeyedVectors)
    assert model.docvecs is model.dv and np.array_equal(model["cat"], model.wv["cat"])
    assert np.array_equal(model[5], model.dv[5])


def test_gensims_three_steps_then_train():
    """scan_vocab, prepare_vocab, prepare_weights, then train on the same documents (not read again)."""
    model = Doc2Vec(**SMALL)
    model.scan_vocab(DOCS)
    model.prepare_vocab()
    model.prepare_weights()
    assert len(model.dv) == 24 and model.corpus_count == 24
    model.train(DOCS, total_examples=model.corpus_count, epochs=2)
    same = Doc2Vec(**SMALL)
    same.build_vocab(DOCS)
    same.train(DOCS, total_examples=same.corpus_count, epochs=2)
    assert np.array_equal(model.dv.vectors, same.dv.vectors)
