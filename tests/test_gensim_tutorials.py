"""gensim's documentation tutorials for Word2Vec, Phrases, soft cosine similarity and word mover's
distance, run on w2v with only their imports changed (``gensim.models`` -> ``w2v.models``).

gensim's ``docs/src/auto_examples`` are not installed with gensim, so each test follows the code
path of its tutorial as gensim documents it (``run_word2vec.py``, the ``gensim.models.phrases``
module documentation, ``run_scm.py``, ``run_wmd.py``), statement by statement where the tutorial
runs on data gensim ships. What each tutorial downloads is replaced by gensim's bundled test data
(``gensim.test.utils.datapath``): the Lee corpus instead of text8 and of the Google News vectors,
gensim's ``STOPWORDS`` instead of NLTK's downloaded list. gensim's own classes that take word
vectors (``Dictionary``, ``TfidfModel``, ``SparseTermSimilarityMatrix``) stay gensim's: only
the word-vector side is w2v. Where gensim can run the same lines, its answer is the oracle.
"""
import os
import tempfile

import numpy as np
import pytest

gensim = pytest.importorskip("gensim")
from gensim import utils  # noqa: E402
from gensim.test.utils import datapath  # noqa: E402


class MyCorpus:
    """An iterator that yields sentences (lists of str)."""

    def __iter__(self):
        corpus_path = datapath('lee_background.cor')
        for line in open(corpus_path):
            # assume there's one document per line, tokens separated by whitespace
            yield utils.simple_preprocess(line)


def test_word2vec_tutorial():
    import w2v.models                                  # was: import gensim.models

    sentences = MyCorpus()
    model = w2v.models.Word2Vec(sentences=sentences)
    vec_king = model.wv['king']
    assert vec_king.shape == (100,)

    words = []
    for index, word in enumerate(model.wv.index_to_key):
        if index == 10:
            break
        words.append(f"word #{index}/{len(model.wv.index_to_key)} is {word}")
    assert words[0].startswith("word #0/") and words[0].endswith(" is the")

    # The tutorial asks the Google News vectors; the same calls on the Lee model.
    wv = model.wv
    assert len(wv.most_similar(positive=['car', 'police'], topn=5)) == 5
    assert wv.doesnt_match(['fire', 'water', 'land', 'sea', 'air', 'car']) in ['fire', 'water', 'land', 'sea',
                                                                              'air', 'car']
    pairs = [('car', 'police'), ('car', 'fire'), ('car', 'people')]
    for w1, w2 in pairs:
        assert -1 <= wv.similarity(w1, w2) <= 1

    with tempfile.NamedTemporaryFile(prefix='gensim-model-', delete=False) as tmp:
        temporary_filepath = tmp.name
        model.save(temporary_filepath)
        #
        # The model is now safely stored in the filepath.
        # You can copy it to other machines, share it with others, etc.
        #
        # To load a saved model:
        #
        new_model = w2v.models.Word2Vec.load(temporary_filepath)
    np.testing.assert_array_equal(new_model.wv.vectors, model.wv.vectors)

    model = w2v.models.Word2Vec(sentences, min_count=10)
    assert all(model.wv.get_vecattr(w, "count") >= 10 for w in model.wv.index_to_key)
    model = w2v.models.Word2Vec(sentences, vector_size=200)
    assert model.wv.vector_size == 200
    model = w2v.models.Word2Vec(sentences, workers=4)

    score, sections = model.wv.evaluate_word_analogies(datapath('questions-words.txt'))
    assert 0 <= score <= 1 and sections[-1]["section"] == "Total accuracy"
    pearson, spearman, oov = model.wv.evaluate_word_pairs(datapath('wordsim353.tsv'))
    assert -1 <= pearson[0] <= 1 and 0 < oov < 100

    # Online training / resuming training
    model = w2v.models.Word2Vec.load(temporary_filepath)
    more_sentences = [
        ['Advanced', 'users', 'can', 'load', 'a', 'model',
         'and', 'continue', 'training', 'it', 'with', 'more', 'sentences'],
    ]
    model.build_vocab(more_sentences, update=True)
    model.train(more_sentences, total_examples=model.corpus_count, epochs=model.epochs)

    # cleaning up temporary file
    os.unlink(temporary_filepath)

    # Training Loss Computation
    model_with_loss = w2v.models.Word2Vec(
        sentences,
        min_count=1,
        compute_loss=True,
        hs=0,
        sg=1,
        seed=42,
    )
    # getting the training loss value
    training_loss = model_with_loss.get_latest_training_loss()
    assert training_loss > 0

    # Visualising: the tutorial reduces model.wv.vectors with t-SNE; the inputs it takes
    vectors = np.asarray(model.wv.vectors)
    labels = np.asarray(model.wv.index_to_key)
    assert vectors.shape[0] == labels.shape[0]


def test_phrases_tutorial():
    from gensim.models import phrases as gensim_phrases
    from gensim.models.word2vec import Text8Corpus as GensimText8Corpus

    from w2v.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases   # was: gensim.models.phrases
    from w2v.models.word2vec import Text8Corpus                     # was: gensim.models.word2vec

    # Load training data.
    sentences = Text8Corpus(datapath('testcorpus.txt'))
    # The training corpus must be a sequence (stream, generator) of sentences,
    # with each sentence a list of tokens:
    assert list(sentences)[0][:10] == ['computer', 'human', 'interface', 'computer', 'response', 'survey',
                                       'system', 'time', 'user', 'interface']

    # Train a toy phrase model on our training corpus.
    phrase_model = Phrases(sentences, min_count=1, threshold=1, connector_words=ENGLISH_CONNECTOR_WORDS)

    # Apply the trained phrases model to a new, unseen sentence.
    new_sentence = ['trees', 'graph', 'minors']
    assert phrase_model[new_sentence] == ['trees_graph', 'minors']
    # The toy model considered "trees graph" a single phrase => joined the two
    # tokens into a single "phrase" token, using our selected `_` delimiter.

    # Apply the trained model to each sentence of a corpus, using the same [] syntax:
    for sent in phrase_model[sentences]:
        pass

    # Update the model with two new sentences on the fly.
    phrase_model.add_vocab([["hello", "world"], ["meow"]])

    # Export the trained model = use less RAM, faster processing. Model updates no longer possible.
    frozen_model = phrase_model.freeze()
    # Apply the frozen model; same results as before:
    assert frozen_model[new_sentence] == ['trees_graph', 'minors']

    # Save / load models.
    path = os.path.join(tempfile.mkdtemp(), "my_phrase_model.pkl")
    frozen_model.save(path)
    model_reloaded = Phrases.load(path)
    assert model_reloaded[['trees', 'graph', 'minors']] == ['trees_graph', 'minors']

    # gensim's own answers on the same lines
    theirs = gensim_phrases.Phrases(GensimText8Corpus(datapath('testcorpus.txt')), min_count=1, threshold=1,
                                    connector_words=gensim_phrases.ENGLISH_CONNECTOR_WORDS)
    ours = Phrases(sentences, min_count=1, threshold=1, connector_words=ENGLISH_CONNECTOR_WORDS)
    assert ours.export_phrases() == pytest.approx(theirs.export_phrases())
    assert [ours[s] for s in sentences] == [theirs[s] for s in GensimText8Corpus(datapath('testcorpus.txt'))]

    # The Phrases API's delimiter and scoring, as gensim's documentation shows them
    spaced = Phrases(sentences, min_count=1, threshold=1, delimiter=' ')
    assert spaced[new_sentence] == ['trees graph', 'minors']


@pytest.fixture(scope="module")
def lee_vectors():
    """The word vectors the two similarity tutorials need: the tutorials download Google News; a
    model of the Lee corpus (gensim's bundled data) stands in, trained with w2v."""
    import w2v.models

    return w2v.models.Word2Vec(MyCorpus(), vector_size=50, min_count=2, epochs=10, workers=1, seed=1).wv


def preprocess(sentence):
    from gensim.parsing.preprocessing import STOPWORDS      # the tutorials download NLTK's list

    return [w for w in sentence.lower().split() if w not in STOPWORDS]


SENTENCES = ('Obama speaks to the media in Illinois', 'The president greets the press in Chicago',
             'Oranges are my favorite fruit')


def test_soft_cosine_tutorial(lee_vectors):
    """run_scm.py: gensim's SparseTermSimilarityMatrix over w2v vectors (it passes topn as a
    numpy unsigned integer: issue 26's uint8 overflow)."""
    from gensim.corpora import Dictionary
    from gensim.models import KeyedVectors as GensimKeyedVectors, TfidfModel
    from gensim.similarities import SparseTermSimilarityMatrix, WordEmbeddingSimilarityIndex

    sentence_obama, sentence_president, sentence_orange = map(preprocess, SENTENCES)
    model = lee_vectors
    documents = [sentence_obama, sentence_president, sentence_orange]
    dictionary = Dictionary(documents)
    sentence_obama = dictionary.doc2bow(sentence_obama)
    sentence_president = dictionary.doc2bow(sentence_president)
    sentence_orange = dictionary.doc2bow(sentence_orange)
    documents = [sentence_obama, sentence_president, sentence_orange]
    tfidf = TfidfModel(documents)
    sentence_obama = tfidf[sentence_obama]
    sentence_president = tfidf[sentence_president]
    sentence_orange = tfidf[sentence_orange]

    termsim_index = WordEmbeddingSimilarityIndex(model)
    termsim_matrix = SparseTermSimilarityMatrix(termsim_index, dictionary, tfidf)
    similarity = termsim_matrix.inner_product(sentence_obama, sentence_president, normalized=(True, True))
    other = termsim_matrix.inner_product(sentence_obama, sentence_orange, normalized=(True, True))
    assert 0 <= other <= similarity <= 1

    # gensim's own KeyedVectors holding the same vectors give the same similarities
    theirs = GensimKeyedVectors(model.vector_size)
    theirs.add_vectors(model.index_to_key, model.vectors)
    their_matrix = SparseTermSimilarityMatrix(WordEmbeddingSimilarityIndex(theirs), dictionary, tfidf)
    assert similarity == pytest.approx(their_matrix.inner_product(sentence_obama, sentence_president,
                                                                  normalized=(True, True)), abs=1e-6)

    # a vocabulary above 255 words: the topn gensim passes is a numpy integer
    big = SparseTermSimilarityMatrix(termsim_index, Dictionary([model.index_to_key[:400]]), nonzero_limit=100)
    assert big.matrix.shape == (400, 400)


def test_word_movers_distance_tutorial(lee_vectors):
    """run_wmd.py: model.wmdistance on two preprocessed sentences (POT, the wmd extra)."""
    pytest.importorskip("ot", reason="word mover's distance needs POT (the wmd extra)")
    from gensim.models import KeyedVectors as GensimKeyedVectors

    sentence_obama, sentence_president, sentence_orange = map(preprocess, SENTENCES)
    model = lee_vectors
    distance = model.wmdistance(sentence_obama, sentence_president)
    far = model.wmdistance(sentence_obama, sentence_orange)
    assert 0 < distance < far

    theirs = GensimKeyedVectors(model.vector_size)
    theirs.add_vectors(model.index_to_key, model.vectors)
    assert distance == pytest.approx(theirs.wmdistance(sentence_obama, sentence_president), rel=1e-5)
    assert far == pytest.approx(theirs.wmdistance(sentence_obama, sentence_orange), rel=1e-5)
