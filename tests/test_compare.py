"""w2v.evaluation.compare: shared neighbours of a word in two models, and the words whose neighbourhoods differ most."""
import numpy as np
import pytest

from w2v.evaluation.compare import most_changed, neighbour_overlap, shared_vocabulary
from w2v.models.keyedvectors import KeyedVectors


def kv_from(rows):
    return KeyedVectors(list(rows), np.array(list(rows.values()), dtype=np.float32))


A = kv_from({"cat": [1, 0, 0], "dog": [0.9, 0.1, 0], "car": [0, 1, 0], "bus": [0.1, 0.9, 0.1], "sky": [0, 0, 1]})
B = kv_from({"cat": [1, 0, 0], "dog": [0, 0, 1], "bus": [0.2, 1, 0], "car": [0.9, 0.1, 0], "new": [0, 0.9, 0.1]})


def test_neighbour_overlap_uses_most_similar_of_each_model():
    r = neighbour_overlap(A, B, "cat", topn=2)
    assert r["neighbors"][0] == [{"word": w, "similarity": pytest.approx(s)} for w, s in A.most_similar("cat", topn=2)]
    assert r["neighbors"][1] == [{"word": w, "similarity": pytest.approx(s)} for w, s in B.most_similar("cat", topn=2)]
    assert [n["word"] for n in r["neighbors"][0]] == ["dog", "bus"]
    assert [n["word"] for n in r["neighbors"][1]] == ["car", "bus"]
    assert r["shared"] == ["bus"] and r["jaccard"] == pytest.approx(1 / 3)


def test_neighbour_overlap_names_the_model_lacking_the_word():
    with pytest.raises(KeyError, match="model 1"):
        neighbour_overlap(A, B, "sky")


def test_shared_vocabulary_in_first_models_order():
    assert shared_vocabulary(A, B) == ["cat", "dog", "car", "bus"]
    assert shared_vocabulary(A, B, limit=2) == ["cat", "dog"]


def test_most_changed_ranks_by_jaccard_then_frequency():
    rows = most_changed(A, B, words=4, topn=1, limit=10)
    # Nearest among the shared words: in A cat-dog, dog-cat, car-bus, bus-car; in B cat-car, car-cat, bus-car.
    by_word = {r["word"]: r for r in rows}
    assert set(by_word) == {"cat", "dog", "car", "bus"}
    assert by_word["cat"]["neighbors"] == [["dog"], ["car"]] and by_word["cat"]["jaccard"] == 0.0
    assert by_word["car"]["neighbors"] == [["bus"], ["cat"]] and by_word["car"]["jaccard"] == 0.0
    assert by_word["bus"]["neighbors"] == [["car"], ["car"]] and by_word["bus"]["jaccard"] == 1.0
    assert rows[-1]["word"] == "bus"
    assert [r["jaccard"] for r in rows] == sorted(r["jaccard"] for r in rows)
    zero = [r["word"] for r in rows if r["jaccard"] == 0.0]
    assert zero == [w for w in ["cat", "dog", "car", "bus"] if w in zero]      # ties: the more frequent first


def test_most_changed_is_empty_of_change_for_the_same_model():
    assert all(r["jaccard"] == 1.0 for r in most_changed(A, A, topn=2))


def test_most_changed_rejects_bad_arguments():
    with pytest.raises(ValueError, match="topn"):
        most_changed(A, B, topn=0)
    with pytest.raises(ValueError, match="share 0 words"):
        most_changed(A, kv_from({"x": [1, 0, 0], "y": [0, 1, 0]}))
