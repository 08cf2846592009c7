"""``w2v serve``: a local web page and JSON API to explore one or more models (neighbours, analogies, maps, axes).

:func:`create_app` builds the ASGI application (routes in :mod:`w2v.serve.app`) from models loaded by
:func:`load_models` (:mod:`w2v.serve.models`); the page's files are in ``static/``.
"""
from .app import create_app
from .models import ServedModel, load_models

__all__ = ["create_app", "ServedModel", "load_models"]
