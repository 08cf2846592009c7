"""The one epoch loop that every training engine drives, and the learning-rate schedule.

Every engine (:class:`w2v.engines.base.Engine`: local threads, a Ray cluster) says how to train
one *step* of an epoch; the loop here does the rest once for all of them: callbacks, the progress
bar, the divergence check, per-epoch :class:`EpochStats`, logging and the model's
``training_log``, and checkpoint positions.
"""
import dataclasses
import logging
import sys
import time

from tqdm.auto import tqdm

from .divergence import DivergenceCheck, TrainingDiverged

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Schedule:
    """The learning rate: a linear decay from ``alpha`` to ``min_alpha`` over all ``epochs``,
    on global progress, times ``scale`` (the rate of data-parallel workers; 1 locally).

    A corpus (or a worker's shard) of ``n_tokens`` tokens is at global progress
    ``(epoch * n_tokens + pos) / (epochs * n_tokens)`` at token ``pos`` of epoch ``epoch``:
    shards of about equal size reach the same fraction at the same time.

    Examples
    --------
    >>> rate = Schedule(alpha=0.025, min_alpha=0.0001, epochs=5).rate(1, 1000)
    >>> round(rate(500), 6), round(rate(1000), 6)
    (0.01753, 0.01504)
    >>> round(Schedule(0.025, 0.0001, 5, scale=4).rate(1, 1000)(500), 6)
    0.07012
    """

    alpha: float
    min_alpha: float
    epochs: int
    scale: float = 1.0

    def rate(self, epoch, n_tokens):
        """``rate(token_pos)``: the learning rate at token ``token_pos`` of ``epoch`` (0-based)."""
        alpha, min_alpha, total, scale = self.alpha, self.min_alpha, self.epochs * n_tokens, self.scale
        if total == 0:
            return lambda token_pos: 0.0

        def rate(token_pos):
            frac = (epoch * n_tokens + token_pos) / total
            a = max(min_alpha, alpha - (alpha - min_alpha) * frac)
            return a if scale == 1 else a * scale

        return rate


@dataclasses.dataclass
class Totals:
    """What an epoch has done so far; the engines add into it, the loop times its steps."""

    known: int = 0        # in-vocabulary tokens read (before subsampling)
    examples: int = 0     # training examples (a pair for skip-gram, a word for CBOW)
    loss: float = 0.0     # summed over the examples
    tokens: int = 0       # all tokens read
    seconds: float = 0.0  # spent in the steps

    def add(self, known, examples, loss, tokens):
        self.known += known
        self.examples += examples
        self.loss += loss
        self.tokens += tokens


@dataclasses.dataclass
class Position:
    """Where a checkpoint was taken: training continues at step ``step`` of epoch ``epoch`` (both
    0-based, counted within the schedule), with that epoch's ``totals`` so far (None at an epoch's
    start), on a corpus of ``tokens_per_epoch`` tokens.

    Stored in a checkpoint as a dict (``to_dict``); ``from_dict`` also reads checkpoints written
    before this class, which said ``job`` for ``step`` and ``words`` for ``totals.known``.

    Examples
    --------
    >>> p = Position(1, 4, Totals(known=90, examples=300, loss=120.0, tokens=100), 1000)
    >>> Position.from_dict(p.to_dict()) == p
    True
    >>> Position.from_dict({"epoch": 1, "job": 4, "totals": {"words": 90, "examples": 300,
    ...     "loss": 120.0, "tokens": 100, "seconds": 0.0}, "tokens_per_epoch": 1000}) == p
    True
    """

    epoch: int
    step: int = 0
    totals: "Totals | None" = None
    tokens_per_epoch: "int | None" = None

    def to_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d):
        if not isinstance(d, dict):
            raise TypeError(f"a checkpoint position must be a dict, got {type(d).__name__}")
        totals = d.get("totals")
        if totals is not None:
            totals = dict(totals)
            if "words" in totals:
                totals["known"] = totals.pop("words")
            totals = Totals(**totals)
        return cls(epoch=int(d["epoch"]), step=int(d.get("step", d.get("job", 0))), totals=totals,
                   tokens_per_epoch=d.get("tokens_per_epoch"))


@dataclasses.dataclass
class EpochStats:
    """What one epoch did; kept in ``Word2Vec.training_log`` as a dict.

    Throughout w2v, *words* are distinct words (a vocabulary's), *tokens* are all the tokens of a
    corpus, and *known* tokens are those in the vocabulary.
    """

    epoch: int
    loss: float           # mean loss per training example (a pair for skip-gram, a word for CBOW)
    examples: int
    known: int            # in-vocabulary tokens read (before subsampling)
    tokens: int           # all tokens read
    seconds: float
    tokens_per_sec: float
    alpha: float          # learning rate at the end of the epoch


def progress_style(progress):
    """How ``progress=True`` shows: ``"bar"`` (tqdm's, in a terminal or a Jupyter kernel, where tqdm
    draws a widget), ``"lines"`` (one line per epoch on stderr, in a pipe or a log file, where a bar
    would write hundreds of frames), or None (``progress`` false)."""
    if not progress:
        return None
    interactive = getattr(sys.stderr, "isatty", lambda: False)() or "ipykernel" in sys.modules
    return "bar" if interactive else "lines"


def epoch_line(stats, epochs):
    """The line an epoch writes outside a terminal (as ``w2v train`` prints it)."""
    return (f"epoch {stats.epoch + 1}/{epochs}: loss {stats.loss:.4f}, {stats.tokens:,} tokens in "
            f"{stats.seconds:.1f}s ({stats.tokens_per_sec:,.0f} tokens/s), alpha {stats.alpha:.5f}")


class Progress:
    """The progress bar: tokens done, and the loss and learning rate so far."""

    def __init__(self, bar, rate=None):
        self.bar = bar
        self.rate = rate

    def advance(self, tokens, totals, token_pos):
        """``tokens`` more done; ``token_pos`` is the position reached in the epoch."""
        self.bar.update(tokens)
        if totals.examples:
            self.bar.set_postfix(loss=f"{totals.loss / totals.examples:.3f}",
                                 alpha=f"{self.rate(token_pos):.5f}", refresh=False)


def run_epochs(model, engine, schedule, callbacks=(), progress=True, position=None,
               checkpoint=None):
    """Train ``schedule.epochs`` epochs of ``model`` with ``engine``; return (in-vocabulary
    tokens, all tokens) read.

    Parameters
    ----------
    model : w2v.Word2Vec
        Its ``training_log`` gets one entry per epoch; its ``wv`` norms are cleared after each.
    engine : w2v.engines.base.Engine
        Trains the steps of an epoch: ``n_tokens``, ``desc``, ``hint``, ``steps(start)``,
        ``train_step(epoch, step, rate, totals, progress)``, ``end_step(step)`` and
        ``epoch_extra(totals)`` (the protocol is documented there).
    schedule : Schedule
        The rate, unscaled: the one ``EpochStats.alpha`` reports.
    callbacks : sequence
        gensim-style callbacks: ``on_train_begin(model)``, ``on_epoch_begin(model)``,
        ``on_epoch_end(model)``, ``on_train_end(model)`` where present.
    progress : bool
        Show progress (:func:`progress_style`: tqdm's bar in a terminal, else a line per epoch).
    position : Position or None
        Continue from a checkpoint instead of the schedule's start.
    checkpoint : callable or None
        ``checkpoint(position)``, called between steps and after each epoch.
    """
    n_tokens = engine.n_tokens
    if position is not None and position.tokens_per_epoch not in (None, n_tokens):
        raise ValueError(f"the corpus has {n_tokens} tokens, the checkpoint was taken on "
                         f"{position.tokens_per_epoch}: it is not the same corpus")
    position = position or Position(epoch=0)
    first_epoch = len(model.training_log) - position.epoch
    start_epoch, start_step, partial = position.epoch, position.step, position.totals
    done_before = start_epoch * n_tokens + (partial.tokens if partial else 0)
    style = progress_style(progress)
    bar = tqdm(total=schedule.epochs * n_tokens, initial=done_before, unit="word", unit_scale=True,
               disable=style != "bar", leave=False, desc=engine.desc, dynamic_ncols=True,
               smoothing=0.1)
    _dispatch(callbacks, "on_train_begin", model)
    known = tokens = 0
    check = DivergenceCheck(model)
    try:
        for e in range(start_epoch, schedule.epochs):
            if start_step == 0:
                _dispatch(callbacks, "on_epoch_begin", model)
            rate = schedule.rate(e, n_tokens)
            totals = dataclasses.replace(partial) if partial else Totals()
            for step in engine.steps(start_step):
                start = time.perf_counter()
                finite = engine.train_step(e, step, rate, totals, Progress(bar, rate))
                totals.seconds += time.perf_counter() - start
                reason = check.after_step(finite, totals)
                if reason:
                    diverged(model, engine, schedule, _stats(first_epoch + e, totals, rate, n_tokens), reason)
                following = engine.end_step(step)
                if checkpoint and following is not None:
                    checkpoint(Position(e, following, dataclasses.replace(totals), n_tokens))
            start_step, partial = 0, None
            stats = _stats(first_epoch + e, totals, rate, n_tokens)
            reason = check.after_epoch(model.current_vectors())
            if reason:
                diverged(model, engine, schedule, stats, reason, engine.epoch_extra(totals))
            logger.info("epoch %d: loss %.4f, %d tokens in %.1fs (%.0f tokens/s), alpha %.5f",
                        stats.epoch + 1, stats.loss, stats.tokens, stats.seconds,
                        stats.tokens_per_sec, stats.alpha)
            model.training_log.append(dict(vars(stats), **engine.epoch_extra(totals)))
            if style == "lines":
                tqdm.write(epoch_line(stats, first_epoch + schedule.epochs), file=sys.stderr)
            model.wv.clear_norms()
            known += stats.known
            tokens += stats.tokens
            _dispatch(callbacks, "on_epoch_end", model)
            if checkpoint:
                checkpoint(Position(e + 1, 0, None, n_tokens))
    finally:
        bar.close()
        model.wv.clear_norms()
    _dispatch(callbacks, "on_train_end", model)
    return known, tokens


def _stats(epoch, totals, rate, n_tokens):
    return EpochStats(epoch=epoch, loss=totals.loss / max(totals.examples, 1), examples=totals.examples,
                      known=totals.known, tokens=totals.tokens, seconds=totals.seconds,
                      tokens_per_sec=totals.tokens / max(totals.seconds, 1e-9), alpha=rate(n_tokens))


def diverged(model, engine, schedule, stats, reason, extra=None):
    """Record the epoch that blew up in ``model.training_log`` (with ``"diverged": reason``) and
    raise :class:`TrainingDiverged` naming what to lower."""
    model.training_log.append(dict(vars(stats), **(extra or {}), diverged=reason))
    raise TrainingDiverged(f"training diverged in epoch {stats.epoch + 1}: {reason}; lower "
                           f"{engine.hint} (now {schedule.alpha:g})")


def _dispatch(callbacks, event, model):
    for cb in callbacks:
        method = getattr(cb, event, None)
        if method is not None:
            method(model)
