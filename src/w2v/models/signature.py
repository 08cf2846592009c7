"""How a model class's parameters are derived and bound: gensim's parameters in gensim's order,
then the class's own, keyword-only (one signature per class, from its config class and run options),
and ``load``-style class methods that refuse an instance."""
import dataclasses
import difflib
import functools
import inspect

__all__ = ["class_only", "derive_signature", "bind_arguments"]


class class_only:
    """A classmethod that, like gensim's ``load``, refuses to be called on an instance (where
    ``model.load(path)`` would read as if it loaded into ``model``)."""

    def __init__(self, func):
        self.func = func
        functools.update_wrapper(self, func)

    def __get__(self, instance, owner):
        if instance is not None:
            raise AttributeError(f"{self.func.__name__} is called on the class: "
                                 f"{owner.__name__}.{self.func.__name__}(path), not on a model")
        return functools.partial(self.func, owner)


def derive_signature(cls):
    """``cls.__init__``'s signature (without ``self``): the parameters of ``cls.gensim_order`` in
    that order, then every other field of ``cls.config_class`` and of ``cls.run_options``,
    keyword-only. A field added to the config class appears here by itself; a subclass gets its
    own from ``__init_subclass__``."""
    defaults = {f.name: (f.default_factory() if f.default is dataclasses.MISSING else f.default)
                for f in dataclasses.fields(cls.config_class)}
    defaults.update(cls.run_options)
    gensim = [n for n in cls.gensim_order if n in defaults]   # those w2v does not have are left out
    own = [n for n in defaults if n not in cls.gensim_order]
    kind = inspect.Parameter
    return inspect.Signature([kind(n, kind.POSITIONAL_OR_KEYWORD, default=defaults[n]) for n in gensim]
                             + [kind(n, kind.KEYWORD_ONLY, default=defaults[n]) for n in own])


def bind_arguments(signature, name, args, kwargs):
    """``signature.bind(*args, **kwargs)`` with defaults applied; a ``TypeError`` names ``name``,
    the argument and the nearest known keyword.

    Examples
    --------
    >>> import inspect
    >>> bind_arguments(inspect.signature(lambda epochs=1: 0), "train()", (), {"epoch": 3})
    Traceback (most recent call last):
    ...
    TypeError: train(): got an unexpected keyword argument 'epoch' (did you mean 'epochs'?)
    """
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as e:
        unknown = [k for k in kwargs if k not in signature.parameters]
        near = difflib.get_close_matches(unknown[0], signature.parameters, n=1) if unknown else []
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise TypeError(f"{name}: {e}{hint}") from None
    bound.apply_defaults()
    return bound
