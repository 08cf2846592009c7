"""word2vec text/binary files: byte-exact round trips, gensim compatibility, the C tool's layout, errors."""
import bz2
import gzip
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v.vectors.formats import is_binary, load_word2vec_format, save_word2vec_format

WORDS = ["the", "king", "queen", "café", "naïve", "中文", "北京", "Ünïcödé", "x"]


@pytest.fixture
def vectors():
    rng = np.random.default_rng(7)
    v = rng.standard_normal((len(WORDS), 7)).astype(np.float32)
    v[0, :3] = [0.0, -0.0, 1e-05]          # zeros and a value str() writes in scientific notation
    v[1, :2] = [123456.78, 3.4e38]
    return v


def gensim_kv(words, vectors):
    gensim = pytest.importorskip("gensim", reason="gensim is the reference for the word2vec format")
    kv = gensim.models.KeyedVectors(vectors.shape[1])
    kv.add_vectors(words, vectors)
    return kv


@pytest.mark.parametrize("binary", [False, True])
def test_round_trip_is_byte_exact(tmp_path, vectors, binary):
    a, b = tmp_path / "a", tmp_path / "b"
    save_word2vec_format(a, WORDS, vectors, binary=binary)
    words, loaded = load_word2vec_format(a)
    assert words == WORDS
    assert loaded.dtype == np.float32 and loaded.flags.c_contiguous
    np.testing.assert_array_equal(loaded, vectors)
    assert np.signbit(loaded[0, 1])          # -0.0 survives
    save_word2vec_format(b, words, loaded, binary=binary)
    assert a.read_bytes() == b.read_bytes()


def test_text_layout(tmp_path):
    p = tmp_path / "v.txt"
    save_word2vec_format(p, ["a", "中文"], np.array([[0.1, -2.0], [1e-05, 1e16]], dtype=np.float32))
    assert p.read_bytes() == "2 2\na 0.1 -2.0\n中文 1e-05 1e+16\n".encode("utf-8")


def test_binary_layout(tmp_path):
    p = tmp_path / "v.bin"
    save_word2vec_format(p, ["a", "é"], np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32), binary=True)
    assert p.read_bytes() == (b"2 2\na " + struct.pack("<2f", 1, 2) + "é ".encode() + struct.pack("<2f", 3, 4))


@pytest.mark.parametrize("binary", [False, True])
def test_identical_bytes_to_gensim(tmp_path, vectors, binary):
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    gensim_kv(WORDS, vectors).save_word2vec_format(str(theirs), binary=binary)
    save_word2vec_format(ours, WORDS, vectors, binary=binary)
    assert ours.read_bytes() == theirs.read_bytes()


@pytest.mark.parametrize("binary", [False, True])
def test_gensim_reads_ours_and_we_read_gensims(tmp_path, binary):
    gensim = pytest.importorskip("gensim", reason="gensim is the reference for the word2vec format")
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(300)] + WORDS
    vectors = rng.standard_normal((len(words), 25)).astype(np.float32)
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    save_word2vec_format(ours, words, vectors, binary=binary)
    g = gensim.models.KeyedVectors.load_word2vec_format(str(ours), binary=binary)
    assert g.index_to_key == words
    np.testing.assert_array_equal(g.vectors, vectors)
    gensim_kv(words, vectors).save_word2vec_format(str(theirs), binary=binary)
    got_words, got = load_word2vec_format(theirs)
    assert got_words == words
    np.testing.assert_array_equal(got, vectors)


def test_c_tool_binary_layout(tmp_path):
    """The C tool writes a newline after each vector; the next word then starts after it."""
    p = tmp_path / "c.bin"
    rows = [("</s>", [0.5, -1.0, 2.0]), ("hello", [1.0, 0.0, -0.25]), ("wörld", [3.0, 3.5, 4.0])]
    p.write_bytes(b"3 3\n" + b"".join(w.encode() + b" " + struct.pack("<3f", *v) + b"\n" for w, v in rows))
    assert is_binary(p)
    words, vectors = load_word2vec_format(p)
    assert words == [w for w, _ in rows]
    np.testing.assert_array_equal(vectors, np.array([v for _, v in rows], dtype=np.float32))


def test_c_tool_text_layout_with_trailing_spaces(tmp_path):
    p = tmp_path / "c.txt"
    p.write_bytes(b"2 3\n</s> 0.001 -0.002 0.003 \nhello 1.000000 2.000000 3.000000 \n")
    words, vectors = load_word2vec_format(p, binary=None)
    assert words == ["</s>", "hello"]
    np.testing.assert_array_equal(vectors, np.array([[0.001, -0.002, 0.003], [1, 2, 3]], dtype=np.float32))


def test_crlf_and_missing_final_newline(tmp_path, vectors):
    lf = tmp_path / "lf.txt"
    save_word2vec_format(lf, WORDS, vectors)
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(lf.read_bytes().replace(b"\n", b"\r\n"))
    bare = tmp_path / "bare.txt"
    bare.write_bytes(lf.read_bytes().rstrip(b"\n"))
    for p in (crlf, bare):
        words, got = load_word2vec_format(p)
        assert words == WORDS
        np.testing.assert_array_equal(got, vectors)


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("suffix,opener", [(".gz", gzip.open), (".bz2", bz2.open)])
def test_compressed(tmp_path, vectors, binary, suffix, opener):
    plain, packed = tmp_path / "v", tmp_path / ("v" + suffix)
    save_word2vec_format(plain, WORDS, vectors, binary=binary)
    save_word2vec_format(packed, WORDS, vectors, binary=binary)
    with opener(packed, "rb") as f:
        assert f.read() == plain.read_bytes()
    words, got = load_word2vec_format(packed)
    assert words == WORDS
    np.testing.assert_array_equal(got, vectors)


def test_binary_flag_is_detected(tmp_path, vectors):
    t, b = tmp_path / "t", tmp_path / "b"
    save_word2vec_format(t, WORDS, vectors)
    save_word2vec_format(b, WORDS, vectors, binary=True)
    assert not is_binary(t) and is_binary(b)
    np.testing.assert_array_equal(load_word2vec_format(t, binary=False)[1], load_word2vec_format(b, binary=True)[1])


@pytest.mark.parametrize("binary", [False, True])
def test_limit(tmp_path, vectors, binary):
    p = tmp_path / "v"
    save_word2vec_format(p, WORDS, vectors, binary=binary)
    words, got = load_word2vec_format(p, limit=3)
    assert words == WORDS[:3]
    np.testing.assert_array_equal(got, vectors[:3])
    assert load_word2vec_format(p, limit=0)[1].shape == (0, 7)


def test_no_header(tmp_path, vectors):
    p = tmp_path / "glove.txt"
    save_word2vec_format(p, WORDS, vectors, write_header=False)
    assert not p.read_bytes().startswith(b"9 7\n")
    words, got = load_word2vec_format(p, no_header=True)
    assert words == WORDS
    np.testing.assert_array_equal(got, vectors)
    assert load_word2vec_format(p, no_header=True, limit=2)[0] == WORDS[:2]
    with pytest.raises(ValueError, match="no_header=True"):
        load_word2vec_format(p)


def test_unicode_errors(tmp_path):
    """The C tool may cut a multi-byte character in half."""
    p = tmp_path / "cut.bin"
    p.write_bytes(b"1 2\n" + "中".encode()[:2] + b" " + struct.pack("<2f", 1, 2))
    with pytest.raises(ValueError, match=r"cut\.bin: row 1: .*not valid utf-8"):
        load_word2vec_format(p)
    assert load_word2vec_format(p, unicode_errors="replace")[0] == ["\ufffd"]
    assert load_word2vec_format(p, unicode_errors="ignore")[0] == [""]


def test_latin1_encoding(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes(b"1 2\ncaf\xe9 1.0 2.0\n")
    assert load_word2vec_format(p, encoding="latin-1")[0] == ["café"]


def test_large_text_file_spans_blocks(tmp_path, monkeypatch):
    import w2v.vectors.formats
    monkeypatch.setattr(w2v.vectors.formats, "_BLOCK", 1000)    # many blocks, rows cut across them
    rng = np.random.default_rng(0)
    words = [f"word{i}" for i in range(500)]
    vectors = rng.standard_normal((500, 30)).astype(np.float32)
    for binary in (False, True):
        p = tmp_path / f"big{binary}"
        save_word2vec_format(p, words, vectors, binary=binary)
        got_words, got = load_word2vec_format(p)
        assert got_words == words
        np.testing.assert_array_equal(got, vectors)


word = st.text(st.characters(whitelist_categories=("L", "N", "P", "S", "M")), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None)
@given(words=st.lists(word, min_size=1, max_size=6, unique=True), dim=st.integers(1, 5), data=st.data())
def test_any_float32_round_trips(tmp_path_factory, words, dim, data):
    values = data.draw(st.lists(st.floats(width=32, allow_nan=False, allow_infinity=False),
                                min_size=len(words) * dim, max_size=len(words) * dim))
    vectors = np.array(values, dtype=np.float32).reshape(len(words), dim)
    folder = tmp_path_factory.mktemp("rt")
    for binary in (False, True):
        a, b = folder / "a", folder / "b"
        save_word2vec_format(a, words, vectors, binary=binary)
        got_words, got = load_word2vec_format(a)
        assert got_words == words
        np.testing.assert_array_equal(got.view(np.uint32), vectors.view(np.uint32))
        save_word2vec_format(b, got_words, got, binary=binary)
        assert a.read_bytes() == b.read_bytes()


# ---- errors: each names the file and the line (text) or row (binary) -------------------------------

def write(tmp_path, content, name="bad.txt"):
    p = tmp_path / name
    p.write_bytes(content)
    return p


@pytest.mark.parametrize("content,message", [
    (b"", r"bad\.txt: empty file"),
    (b"3 2\na 1 2\nb 3 4\n", r"bad\.txt: line 4: file ends after 2 rows; the header declares 3"),
    (b"1 2\na 1 2\nb 3 4\n", r"bad\.txt: line 3: more rows than the 1 the header declares"),
    (b"2 3\na 1 2 3\nb 3 4\n", r"bad\.txt: line 3: 2 values after the word b'b', expected 3"),
    (b"2 2\na 1 2\nb 3 x4\n", r"bad\.txt: line 3: non-numeric value b'x4'"),
    (b"2 2\na 1 2\nb nan 4\n", r"bad\.txt: line 3: non-finite value"),
    (b"2 2\na 1 inf\nb 3 4\n", r"bad\.txt: line 2: non-finite value"),
    (b"2 2\na 1 2\nb 1e39 4\n", r"bad\.txt: line 3: non-finite value .*too large for float32"),
    (b"3 2\na 1 2\nb 3 4\na 5 6\n", r"bad\.txt: line 4: duplicate word 'a' \(first at line 2\)"),
    (b"2 2\na 1 2\n\nb 3 4\n", r"bad\.txt: line 3: empty line between rows"),
    (b"two 2\na 1 2\n", r"bad\.txt: line 1: expected a 'V D' header"),
    (b"a 1.0 2.0\nb 3 4\n", r"bad\.txt: line 1: expected a 'V D' header .*no_header=True"),
    (b"2 0\n", r"bad\.txt: line 1: header declares 2 vectors of 0 dimensions"),
    (b"1 2\na\n", r"bad\.txt: line 2: no values|bad\.txt: line 2: 0 values"),
])
def test_text_errors(tmp_path, content, message):
    with pytest.raises(ValueError, match=message):
        load_word2vec_format(write(tmp_path, content))


def binary_file(tmp_path, header, rows, newline=b""):
    body = b"".join(w + b" " + struct.pack(f"<{len(v)}f", *v) + newline for w, v in rows)
    return write(tmp_path, header + body, "bad.bin")


def test_binary_truncated(tmp_path):
    p = binary_file(tmp_path, b"2 3\n", [(b"a", [1, 2, 3]), (b"b", [4, 5, 6])])
    p.write_bytes(p.read_bytes()[:-5])
    with pytest.raises(ValueError, match=r"bad\.bin: row 2: file ends early; the header declares 2"):
        load_word2vec_format(p, binary=True)


def test_binary_count_too_small(tmp_path):
    p = binary_file(tmp_path, b"1 3\n", [(b"a", [1, 2, 3]), (b"b", [4, 5, 6])])
    with pytest.raises(ValueError, match=r"bad\.bin: row 2: data continues after the 1 vectors"):
        load_word2vec_format(p, binary=True)
    assert load_word2vec_format(p, binary=True, limit=1)[0] == ["a"]


def test_binary_dimensions_disagree(tmp_path):
    rows = [(b"a", [1, 2, 3, 4]), (b"b", [4, 5, 6, 7]), (b"c", [1, 1, 1, 1])]
    p = binary_file(tmp_path, b"3 3\n", rows, newline=b"\n")
    with pytest.raises(ValueError, match=r"bad\.bin: row 2: .*dimensions \(3\) probably disagree"):
        load_word2vec_format(p, binary=True)


def test_binary_non_finite_and_duplicates(tmp_path):
    p = binary_file(tmp_path, b"2 2\n", [(b"a", [1, 2]), (b"b", [float("nan"), 5])])
    with pytest.raises(ValueError, match=r"bad\.bin: row 2 \(word b'b'\): non-finite"):
        load_word2vec_format(p, binary=True)
    p = binary_file(tmp_path, b"3 2\n", [(b"a", [1, 2]), (b"b", [4, 5]), (b"a", [0, 0])])
    with pytest.raises(ValueError, match=r"bad\.bin: row 3: duplicate word 'a' \(first at row 1\)"):
        load_word2vec_format(p, binary=True)


def test_binary_needs_header(tmp_path, vectors):
    p = tmp_path / "v.bin"
    save_word2vec_format(p, WORDS, vectors, binary=True)
    with pytest.raises(ValueError, match="needs its 'V D' header"):
        load_word2vec_format(p, binary=True, no_header=True)


def test_damaged_gzip(tmp_path, vectors):
    p = tmp_path / "v.txt.gz"
    save_word2vec_format(p, WORDS, vectors)
    p.write_bytes(p.read_bytes()[:-30])
    with pytest.raises(ValueError, match=r"v\.txt\.gz: "):
        load_word2vec_format(p)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        load_word2vec_format(tmp_path / "nope.txt")


def test_bad_arguments(tmp_path, vectors):
    p = tmp_path / "v.txt"
    save_word2vec_format(p, WORDS, vectors)
    with pytest.raises(ValueError, match="unicode_errors"):
        load_word2vec_format(p, unicode_errors="surrogateescape")
    with pytest.raises(ValueError, match="limit"):
        load_word2vec_format(p, limit=-1)


@pytest.mark.parametrize("bad_word", ["", "two words", "line\nbreak", "cr\r"])
def test_refuses_words_the_format_cannot_hold(tmp_path, vectors, bad_word):
    p = tmp_path / "v.txt"
    p.write_bytes(b"previous content")
    words = WORDS[:-1] + [bad_word]
    with pytest.raises(ValueError, match=r"v\.txt: row 9: word"):
        save_word2vec_format(p, words, vectors)
    assert p.read_bytes() == b"previous content"      # the write is atomic: nothing half-written


def test_refuses_non_finite_and_bad_shapes(tmp_path, vectors):
    p = tmp_path / "v.bin"
    vectors[4, 2] = np.inf
    with pytest.raises(ValueError, match=r"row 5 \(word 'naïve'\): non-finite"):
        save_word2vec_format(p, WORDS, vectors, binary=True)
    with pytest.raises(ValueError, match="shape"):
        save_word2vec_format(p, WORDS[:3], vectors)
    assert not p.exists()


@pytest.mark.parametrize("name", ["lie.bin", "lie.bin.gz"])
def test_lying_header_does_not_allocate_what_it_declares(tmp_path, name):
    """512,573,022 x 3,210 float32 would be 6.6 TB: the reader must fail on the data, not on memory."""
    p = tmp_path / name
    body = b"512573022 3210\nab " + struct.pack("<3f", 1, 2, 3)
    p.write_bytes(gzip.compress(body) if name.endswith(".gz") else body)
    with pytest.raises(ValueError, match=r"row 1: file ends early; the header declares 512573022 vectors"):
        load_word2vec_format(p, binary=True)


@pytest.mark.parametrize("c_layout", [False, True])
def test_binary_rows_span_blocks_and_grow_the_buffer(tmp_path, monkeypatch, c_layout):
    """Tiny blocks: rows cut across refills, a word longer than the buffer, the C tool's newlines."""
    import w2v.vectors.formats as formats
    monkeypatch.setattr(formats, "_BLOCK", 40)
    monkeypatch.setattr(formats, "_BINARY_BLOCK", 64)
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(300)] + ["long" * 200, "中文", "end"]
    vectors = rng.standard_normal((len(words), 5)).astype(np.float32)
    path = tmp_path / "v.bin"
    body = b"".join(w.encode() + b" " + v.tobytes() + (b"\n" if c_layout else b"") for w, v in zip(words, vectors))
    path.write_bytes(f"{len(words)} 5\n".encode() + body)
    got_words, got = load_word2vec_format(path)
    assert got_words == words
    np.testing.assert_array_equal(got, vectors)
    got_words, got = load_word2vec_format(path, limit=301)
    assert got_words == words[:301] and np.array_equal(got, vectors[:301])


def test_binary_limit_reads_only_what_it_needs(tmp_path, monkeypatch):
    import w2v.vectors.formats as formats
    monkeypatch.setattr(formats, "_BLOCK", 1000)
    monkeypatch.setattr(formats, "_BINARY_BLOCK", 1000)
    words = [f"w{i:05d}" for i in range(2000)]
    vectors = np.arange(2000 * 10, dtype=np.float32).reshape(2000, 10)
    path = tmp_path / "v.bin"
    save_word2vec_format(path, words, vectors, binary=True)
    positions = []
    real = formats._read_binary

    def spy(f, *rest):
        result = real(f, *rest)
        positions.append(f.tell())
        return result
    monkeypatch.setattr(formats, "_read_binary", spy)
    got_words, got = load_word2vec_format(path, limit=10)
    assert got_words == words[:10] and np.array_equal(got, vectors[:10])
    assert path.stat().st_size > 90_000 and positions[0] <= 2 * 1000 + 20     # header + a block or two
