"""What a training engine is: the steps protocol that the one epoch loop
(:func:`w2v.engines.epochs.run_epochs`) drives, the backend that starts one, and the registry
that a model's ``engine=`` name is looked up in.
"""
import abc
import dataclasses
from typing import Any, Callable, Optional

__all__ = ["Engine", "EngineFactory", "TrainingRequest", "register_engine", "get_engine",
           "engine_names"]


@dataclasses.dataclass(frozen=True)
class TrainingRequest:
    """What a model hands its engine for one ``train()`` call (or the rest of one, on resume).

    Attributes
    ----------
    source : str, os.PathLike or iterable
        The corpus as the caller gave it: a file, a folder, a URI or an iterable of sentences.
    encode : callable
        ``encode()`` is the corpus as a :class:`w2v.corpus.encoded.EncodedCorpus` with the
        model's vocabulary (the one ``build_vocab`` kept, when it read the same corpus): for an
        engine that trains in this process. The engine owns and closes it.
    arrays : callable
        ``arrays()`` is ``(input rows float32[V, D], objective)``: what the kernels train, as
        the model builds them (:meth:`w2v.models.word2vec.Word2Vec._training_arrays`).
    schedule : w2v.engines.epochs.Schedule
        The learning rate of the whole run, as the epoch loop applies it (an engine whose
        workers compute their own rates needs it).
    checkpoint_every : int or None
        Tokens between checkpoints within an epoch; None: only at each epoch's end.
    """

    source: Any
    encode: Callable[[], Any]
    arrays: Callable[[], tuple]
    schedule: Any
    checkpoint_every: Optional[int] = None


class Engine(abc.ABC):
    """One training run's epochs, as :func:`w2v.engines.epochs.run_epochs` drives them.

    An epoch is cut into *steps* (the local engine: ranges of jobs between checkpoints; Ray: the
    synchronisation rounds). The loop asks for the steps of each epoch, trains them one by one,
    and around them does what every engine shares: callbacks, the progress bar, the divergence
    check, the per-epoch log entry and the loss, and checkpoints. An engine trains the model's
    arrays in place and keeps ``model.rng_states`` current after each step, so that a checkpoint
    taken between steps holds everything needed to continue.

    An engine is a context manager: :meth:`close` (on exit) gives back what it holds (threads'
    scratch, the encoded corpus, a cluster).

    Attributes
    ----------
    n_tokens : int
        Tokens per epoch (all of them, in the vocabulary or not).
    desc : str
        The progress bar's label.
    hint : str
        What to lower when training diverges, for the error message.
    """

    n_tokens: int
    desc = "training"
    hint = "alpha"

    @abc.abstractmethod
    def steps(self, start):
        """The step ids of an epoch, in order, from step ``start`` (0, or where a checkpoint
        continues)."""

    @abc.abstractmethod
    def train_step(self, epoch, step, rate, totals, progress):
        """Train ``step`` of ``epoch`` (0-based within the schedule) at learning rate
        ``rate(token_pos)``; add its counts into ``totals`` (a :class:`w2v.engines.epochs.Totals`)
        and advance ``progress`` (a :class:`w2v.engines.epochs.Progress`). Returns False when the
        weights are no longer finite."""

    @abc.abstractmethod
    def end_step(self, step):
        """The step at which a checkpoint taken after ``step`` continues, or None when no
        checkpoint falls after ``step`` (the epoch's end, which is always checkpointed, or
        between two checkpoint positions)."""

    def epoch_extra(self, totals):
        """Extra fields for the epoch's ``training_log`` entry (none by default)."""
        return {}

    def close(self):
        """Give back what the run holds; called once, also after an error."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class EngineFactory(abc.ABC):
    """A registered engine: checks its options and starts an :class:`Engine` for a model.

    Attributes
    ----------
    counts_words : bool
        True when the engine counts the corpus itself (``train()`` on a model without a
        vocabulary); False when the model must build its vocabulary first (gensim's rule).
    """

    counts_words = False

    def check_options(self, options):
        """The engine's ``engine_options`` validated, with defaults filled in; a ValueError
        naming the option otherwise. An engine without options refuses any."""
        options = dict(options or {})
        if options:
            raise ValueError("engine_options apply only to a distributed engine (engine='ray')")
        return options

    @abc.abstractmethod
    def start(self, model, options, request):
        """An :class:`Engine` that trains ``model`` (its config, vocabulary, arrays,
        ``rng_states``) on ``request`` (a :class:`TrainingRequest`) with ``options`` (from
        :meth:`check_options`). Before returning it may build the model's vocabulary
        (``counts_words``). It refuses, with a clear error, any model setting it cannot honour."""


_REGISTRY = {}


def register_engine(name, factory):
    """Make ``factory`` (an :class:`EngineFactory`) the engine ``engine=name`` selects.

    Examples
    --------
    >>> class Nothing(EngineFactory):
    ...     def start(self, model, options, request):
    ...         raise NotImplementedError
    >>> register_engine("nothing", Nothing())
    >>> type(get_engine("nothing")).__name__
    'Nothing'
    >>> unregister = _REGISTRY.pop("nothing")
    """
    if not isinstance(factory, EngineFactory):
        raise TypeError(f"an engine is an EngineFactory, got {type(factory).__name__}")
    _REGISTRY[name] = factory


def get_engine(name):
    """The :class:`EngineFactory` registered as ``name``; ValueError naming the known ones.

    Examples
    --------
    >>> import w2v.engines
    >>> get_engine("spark")
    Traceback (most recent call last):
    ...
    ValueError: engine must be one of 'local', 'ray', got 'spark'
    """
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(f"engine must be one of {', '.join(map(repr, engine_names()))}, "
                         f"got {name!r}") from None


def engine_names():
    """The registered engines' names, in registration order."""
    return tuple(_REGISTRY)
