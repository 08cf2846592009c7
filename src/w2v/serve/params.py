"""A request's query parameters, read and checked: each helper returns the value or raises :class:`ApiError` 4xx.

Routes (:mod:`w2v.serve.routes`) validate everything a client sends with these before any computation, so an
exception raised later is a bug in the server (500), never a client's mistake.
"""
import math

__all__ = ["ApiError", "MAX_WORD_CHARS", "MAX_POINTS", "text", "integer", "choice", "word_list", "model",
           "known", "documents", "document", "num", "pairs"]

MAX_WORD_CHARS = 500
MAX_POINTS = 10000         # words on a map


class ApiError(Exception):
    """An answer other than 200: its status code and a one-line message for ``{"error": ...}``."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def text(request, name, required=True):
    """The parameter as a non-blank string (None when absent and not ``required``)."""
    value = request.query_params.get(name)
    if value is None or not value.strip():
        if required:
            raise ApiError(400, f"missing parameter {name!r}")
        return None
    if len(value) > MAX_WORD_CHARS * MAX_POINTS:
        raise ApiError(400, f"parameter {name!r} is too long")
    return value


def integer(request, name, default, low, high):
    """The parameter as a whole number in ``[low, high]``; ``default`` when absent (None: required)."""
    value = request.query_params.get(name)
    if value is None or value == "":
        if default is None:
            raise ApiError(400, f"missing parameter {name!r}")
        return default
    try:
        number = int(value)
    except ValueError:
        raise ApiError(400, f"{name} must be a whole number, not {value[:40]!r}") from None
    if not low <= number <= high:
        raise ApiError(400, f"{name} must be between {low} and {high}, not {number}")
    return number


def choice(request, name, choices, default):
    """The parameter, one of ``choices``."""
    value = request.query_params.get(name) or default
    if value not in choices:
        raise ApiError(400, f"{name} must be one of {', '.join(choices)}, not {value[:40]!r}")
    return value


def word_list(request, name, limit):
    """Comma-separated words, repeats dropped, at most ``limit``; None when absent."""
    value = text(request, name, required=False)
    if value is None:
        return None
    words = list(dict.fromkeys(w.strip() for w in value.split(",") if w.strip()))
    if not words:
        raise ApiError(400, f"no words in {name!r}")
    if len(words) > limit:
        raise ApiError(400, f"{name} holds {len(words)} words; at most {limit}")
    return words


def model(request, name="model", default=0):
    """The served model at position ``name`` (``model=I``, ``a=I``, ``b=J``)."""
    models = request.app.state.models
    return models[integer(request, name, default, 0, len(models) - 1)]


def known(served, word, oov=True):
    """Whether the model answers for ``word``: True for a vocabulary word, False for a word outside the
    vocabulary (OOV) that subword vectors build from its character n-grams (FastText; only when ``oov``);
    404 naming it (with close spellings) when the model has no vector for it."""
    if len(word) > MAX_WORD_CHARS:
        raise ApiError(400, f"word longer than {MAX_WORD_CHARS} characters")
    if served.kv.has_index_for(word):
        return True
    if served.builds(word):
        if oov:
            return False
        raise ApiError(404, f"{word[:100]!r} is not in the vocabulary of model {served.name}: this query takes "
                            "vocabulary words, not OOV words built from n-grams")
    try:
        served.kv.get_index(word)
    except KeyError as e:
        raise ApiError(404, f"{e.args[0] if e.args else e} (model {served.name})") from None
    return True


def documents(served):
    """The served Doc2Vec model; 400 when the model has no document vectors."""
    if served.documents is None:
        raise ApiError(400, f"model {served.name} has no document vectors: serve a Doc2Vec model "
                            "(w2v doc2vec train) to query documents")
    return served.documents


def document(served, value):
    """The tag a client typed, as the model stores it: a string tag the model has, else an int tag's
    number (``w2v doc2vec similar``'s rule); 404 when the model has no such document."""
    dv = documents(served).dv
    if len(value) > MAX_WORD_CHARS:
        raise ApiError(400, f"tag longer than {MAX_WORD_CHARS} characters")
    if value in dv.key_to_index:
        return value
    number = value.strip()
    if number.isascii() and number.isdigit() and int(number) <= dv.max_int:     # no sign, no '²'
        return int(number)
    ints = f", ints 0..{dv.max_int}" if dv.max_int >= 0 else ""
    raise ApiError(404, f"no document tagged {value[:100]!r} in model {served.name} ({len(dv):,} tags{ints})")


def num(x):
    """A float for JSON: NaN and inf become null."""
    x = float(x)
    return x if math.isfinite(x) else None


def pairs(results):
    """``[(word, similarity)]`` as ``[{"word", "similarity"}]``."""
    return [{"word": w, "similarity": num(s)} for w, s in results]
