"""The training hyperparameters as one validated dataclass; no I/O and no maths."""
import dataclasses
import logging
import numbers

logger = logging.getLogger(__name__)

# Above this many words an exact softmax costs V*D per training example: warn.
SOFTMAX_WARN_VOCAB = 50_000


@dataclasses.dataclass
class Config:
    """Hyperparameters of :class:`w2v.Word2Vec`, with gensim's names and defaults.

    ``validate()`` raises ``ValueError`` with one clear sentence for any value out of range.

    Examples
    --------
    >>> Config(vector_size=50, sg=1).validate().vector_size
    50
    """

    vector_size: int = 100
    window: int = 5
    min_count: int = 5
    max_vocab_size: "int | None" = None
    max_final_vocab: "int | None" = None
    sample: float = 1e-3
    sg: int = 0
    hs: int = 0
    negative: int = 5
    softmax: int = 0
    ns_exponent: float = 0.75
    cbow_mean: int = 1
    alpha: float = 0.025
    min_alpha: float = 0.0001
    epochs: int = 5
    workers: int = 3
    seed: int = 1
    batch_words: int = 10_000
    shrink_windows: bool = True
    shared_negatives: bool = True
    cbow_shared_centres: int = 1
    cbow_held_rows: bool = False
    hs_private_nodes: int = 64
    max_sentence_length: int = 10_000
    sorted_vocab: int = 1          # gensim's: 1 sorts the vocabulary by descending count
    null_word: int = 0             # gensim's padding word for concatenated CBOW contexts (not here)
    hashfxn: "None" = None         # gensim's per-word seeding hash; w2v seeds from ``seed`` only

    def validate(self):
        """Check every value; return self so calls can chain."""
        def integer(name, low, high=None, allow_none=False):
            v = getattr(self, name)
            if v is None and allow_none:
                return
            if isinstance(v, bool) or not isinstance(v, numbers.Integral):
                raise ValueError(f"{name} must be an integer, got {v!r}")
            if v < low or (high is not None and v > high):
                bound = f">= {low}" if high is None else f"between {low} and {high}"
                raise ValueError(f"{name} must be {bound}, got {v}")
            setattr(self, name, int(v))

        def real(name, low, strict=False):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or v != v:
                raise ValueError(f"{name} must be a number, got {v!r}")
            if v < low or (strict and v == low) or v == float("inf"):
                raise ValueError(f"{name} must be {'>' if strict else '>='} {low}, got {v}")
            setattr(self, name, float(v))

        integer("vector_size", 1)
        integer("window", 1)
        integer("min_count", 0)
        integer("max_vocab_size", 2, allow_none=True)
        integer("max_final_vocab", 1, allow_none=True)
        real("sample", 0.0)
        integer("sg", 0, 1)
        integer("hs", 0, 1)
        integer("negative", 0)
        integer("softmax", 0, 1)
        real("alpha", 0.0, strict=True)
        real("min_alpha", 0.0)
        integer("epochs", 1)
        integer("workers", 1)
        integer("seed", 0)
        integer("batch_words", 1)
        integer("cbow_mean", 0, 1)
        integer("max_sentence_length", 1)
        integer("hs_private_nodes", 0)
        integer("cbow_shared_centres", 1)
        if isinstance(self.cbow_held_rows, str) or self.cbow_held_rows not in (0, 1):
            raise ValueError(f"cbow_held_rows must be True or False, got {self.cbow_held_rows!r}")
        self.cbow_held_rows = bool(self.cbow_held_rows)
        integer("sorted_vocab", 0, 1)
        integer("null_word", 0, 1)
        if self.null_word:
            raise ValueError("null_word=1 pads concatenated CBOW contexts, which w2v does not train "
                             "(cbow_mean averages or sums); leave null_word=0")
        if self.hashfxn is hash:
            self.hashfxn = None
        if self.hashfxn is not None:
            raise ValueError("hashfxn: w2v draws the initial vectors from seed, not from a hash of each "
                             "word; leave hashfxn at its default (hash)")
        v = self.ns_exponent
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or v != v or abs(v) == float("inf"):
            raise ValueError(f"ns_exponent must be a finite number, got {v!r}")
        self.ns_exponent = float(v)
        if self.min_alpha > self.alpha:
            raise ValueError(f"min_alpha ({self.min_alpha}) must not exceed alpha ({self.alpha})")
        if self.softmax and (self.hs or self.negative):
            raise ValueError("softmax=1 is an objective of its own: set hs=0 and negative=0 with it")
        if not (self.softmax or self.hs or self.negative):
            raise ValueError("no objective: set negative > 0, hs=1 or softmax=1")
        return self

    @property
    def kernel(self):
        """Which job kernel trains this configuration (a key of ``w2v.kernels.KERNELS``).

        Skip-gram with negative sampling alone shares its noise words across the window when
        ``shared_negatives`` is set. CBOW with ``cbow_held_rows`` reads and writes each context
        word's rows once per position rather than once per window that holds it (FastText's
        default, where a word has a dozen rows: ``w2v.kernels.cbow.held_centre``). Every other
        setting uses the classic per-example kernels.
        """
        if not self.sg:
            return "cbow_held" if self.cbow_held_rows else "cbow"
        if self.shared_negatives and self.objectives == ("ns",):
            return "sg_shared"
        return "sg"

    @property
    def noise_every(self):
        """The negative-sampling objective's draws: None for the classic ``NegativeSampling``,
        which draws K noise words for every example as it trains it, else the ``every`` of
        ``w2v.kernels.SharedNegatives``, which draws them before the centre word's examples,
        once every that many centre words.

        Only with negative sampling alone and ``shared_negatives`` set (False: the classic
        draws, which Doc2Vec's ``infer_vector`` also uses). Skip-gram: 1, the window shares its
        noise words. CBOW: ``cbow_shared_centres``, that many consecutive centre words share one
        draw; with 1, as CBOW's window is one example, the draws are the classic kernel's in the
        same order, only made before the example rather than during it: the same weights, faster
        (docs/speed.md).
        """
        if self.objectives != ("ns",) or not self.shared_negatives:
            return None
        return 1 if self.sg else self.cbow_shared_centres

    @property
    def objectives(self):
        """The output layers trained, in the order their updates run: subset of hs, ns, softmax."""
        return tuple(name for name, on in (("hs", self.hs), ("ns", self.negative > 0),
                                           ("softmax", self.softmax)) if on)

    def to_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d):
        """The Config stored by :meth:`to_dict`; unknown keys are ignored, values are not validated.

        ``TypeError`` when ``d`` is not a dict (e.g. the metadata of a damaged file).
        """
        if not isinstance(d, dict):
            raise TypeError(f"a configuration must be a dict, got {type(d).__name__}")
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})
