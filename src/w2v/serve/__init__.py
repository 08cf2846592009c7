"""``w2v serve``: a local web page and JSON API to explore one or more models (neighbours, analogies, maps, axes).

:func:`create_app` (:mod:`w2v.serve.app`) builds the ASGI application from the endpoints of
:mod:`w2v.serve.routes` and the models loaded by :func:`load_models` (:mod:`w2v.serve.models`), within the
:mod:`w2v.serve.limits`; :mod:`w2v.serve.server` runs it on uvicorn; the page's files are in ``static/``.
"""
from .app import create_app
from .models import ServedModel, load_models

__all__ = ["create_app", "ServedModel", "load_models"]
