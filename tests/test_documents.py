"""Tagged documents: gensim's tag numbering, the tags of each sentence, the line of each sentence
of a corpus file, and one clear error for each kind of bad document."""
import gzip

import numpy as np
import pytest

from w2v.corpus import LineSentence
from w2v.corpus.documents import (DocumentWords, TagCollector, TaggedDocument, TaggedLineDocument,
                                  TagVocab, file_sentence_lines)
from w2v.corpus.encoded import scan


def test_int_tags_are_their_own_rows_and_strings_follow_in_order_of_appearance():
    vocab = TagVocab.build([["b", 3], ["a"], [0, "b"]])
    assert vocab.keys == [0, 1, 2, 3, "b", "a"]
    assert [vocab.row(t) for t in (0, 3, "b", "a", 4, "c", np.int64(2))] == [0, 3, 4, 5, -1, -1, 2]
    assert vocab.doc_count.tolist() == [1, 0, 0, 1, 2, 1]


def test_only_string_tags_start_at_row_zero():
    assert TagVocab.build([["x"], ["y"], ["x"]]).keys == ["x", "y"]


def test_the_sentence_rows_leave_out_tags_the_vocabulary_lacks():
    collector = TagCollector()
    for tags in ([0, "a"], ["b"], [5]):
        collector.add(tags)
    offsets, ids = collector.sentence_rows(TagVocab(1, ["a"]))
    assert offsets.tolist() == [0, 2, 2, 2] and ids.tolist() == [0, 2]
    assert ids.dtype == np.int32 and offsets.dtype == np.int64


def test_growing_keeps_the_old_rows():
    grown = TagVocab(1, ["a"], [1, 1, 1]).grow(TagVocab.build([["b"], ["a"]]))
    assert grown.keys == [0, 1, "a", "b"] and grown.doc_count.tolist() == [1, 1, 2, 1]
    with pytest.raises(ValueError, match="cannot add int tags above 1"):
        TagVocab(1, ["a"]).grow(TagVocab.build([[7]]))


@pytest.mark.parametrize("doc, error, message", [
    (TaggedDocument(["a"], []), ValueError, "document 0: the document has no tags"),
    (TaggedDocument(["a"], "doc1"), TypeError, "tags must be a list of tags"),
    (TaggedDocument(["a"], [1.5]), TypeError, "tag 1.5 is a float"),
    (TaggedDocument(["a"], [True]), TypeError, "tag True is a bool"),
    (TaggedDocument(["a"], [-1]), ValueError, "int tag -1 is negative"),
    (TaggedDocument([], [0]), ValueError, r"document 0 \(tags \[0\]\) is empty"),
    (TaggedDocument("a b c", [0]), TypeError, "words must be a list of words, not one string"),
    (["a", "b"], TypeError, "expected a TaggedDocument"),
])
def test_a_bad_document_is_one_clear_error(doc, error, message):
    with pytest.raises(error, match=message):
        list(DocumentWords([doc]))


def test_documents_stream_their_words_and_collect_their_tags_on_each_pass():
    docs = DocumentWords([TaggedDocument(["a", "b"], ["x"]), TaggedDocument(("c",), [0, "y"])])
    assert list(docs) == [["a", "b"], ["c"]]
    assert docs.collector.vocab().keys == [0, "x", "y"]
    assert list(docs) == [["a", "b"], ["c"]] and len(docs.collector.raw) == 2
    with pytest.raises(TypeError, match="corpus_file=path"):
        DocumentWords("docs.txt")


def test_a_generator_of_documents_is_read_once():
    docs = DocumentWords(TaggedDocument([w], [i]) for i, w in enumerate("abc"))
    assert list(docs) == [["a"], ["b"], ["c"]]
    with pytest.raises(ValueError, match="one-shot iterator"):
        list(docs)


def test_tagged_line_document_numbers_the_lines(tmp_path):
    path = tmp_path / "d.txt.gz"
    with gzip.open(path, "wt") as f:
        f.write("one two\nthree\n")
    assert [tuple(d) for d in TaggedLineDocument(str(path))] == [(["one", "two"], [0]), (["three"], [1])]
    with pytest.raises(FileNotFoundError):
        TaggedLineDocument(str(tmp_path / "missing.txt"))


def _line_of_each_sentence(path, max_len):
    reader = LineSentence(str(path), max_sentence_length=max_len)
    with scan(reader) as s:
        lengths = np.diff(np.fromfile(s.offsets_path, dtype=np.int64))
    return file_sentence_lines(reader.sources(), lengths, max_len)


def test_each_sentence_of_a_file_knows_its_line_also_when_long_lines_are_cut(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("a b c d e\n\tf  g\x0bh\nx\ny z")
    assert _line_of_each_sentence(path, 10).tolist() == [0, 1, 2, 3]
    assert _line_of_each_sentence(path, 2).tolist() == [0, 0, 0, 1, 1, 2, 3]


def test_an_empty_line_in_a_corpus_file_is_an_empty_document(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("a b\n  \nc\n")
    with pytest.raises(ValueError, match="line 2 is empty"):
        _line_of_each_sentence(path, 10)


def test_unusual_whitespace_is_reported_as_unmatched_not_guessed(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("a\u2003b\nc\n", encoding="utf-8")      # an em space: str.split splits there
    assert _line_of_each_sentence(path, 10) is None
