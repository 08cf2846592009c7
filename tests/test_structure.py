"""The house rules that a reader of the tree relies on: no module reaches into another's private
names, no import cycle, the public names listed once, and the hyperparameters listed once (in Config)."""
import ast
import dataclasses
import importlib
import inspect
import pathlib
import types

import pytest

import w2v
from w2v.models.config import Config

SRC = pathlib.Path(w2v.__file__).parent


def module_name(path):
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def cross_module_private_uses(path):
    """``(line, text)`` for each private name this module takes from another w2v module: imported
    by name (``from .x import _y``), or read as an attribute of an imported module (``x._y``)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found, modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            if not source.startswith("w2v"):
                continue
            for alias in node.names:
                if private(alias.name):
                    found.append((node.lineno, f"from {source} import {alias.name}"))
                elif isinstance(getattr(importlib.import_module(source), alias.name, None),
                                types.ModuleType):
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules.update((a.asname or a.name).split(".")[0] for a in node.names
                           if a.name.startswith("w2v"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and private(node.attr)
                and isinstance(node.value, ast.Name) and node.value.id in modules):
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
    return found


SOURCES = sorted(SRC.rglob("*.py"))


def test_the_check_sees_a_private_import(tmp_path, monkeypatch):
    """The check below is only as good as its detector: it must flag both forms."""
    fake = tmp_path / "w2v" / "corpus" / "lines.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("from .blocks import _UTF8_BOM, open_text\nfrom w2v import corpus\n"
                    "x = corpus._hidden, corpus.open_text, open_text._y\n")
    monkeypatch.setitem(globals(), "SRC", tmp_path / "w2v")
    assert [t for _, t in cross_module_private_uses(fake)] == [
        "from w2v.corpus.blocks import _UTF8_BOM", "corpus._hidden"]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_uses_another_modules_private_names(path):
    assert cross_module_private_uses(path) == []


def test_word2vec_signature_is_derived_from_config():
    """Every Config field is a Word2Vec parameter with Config's default, and gensim's parameters
    come first, in gensim's order."""
    from w2v.models.word2vec import GENSIM_ORDER, RUN_OPTIONS

    params = inspect.signature(w2v.Word2Vec).parameters
    for field in dataclasses.fields(Config):
        assert params[field.name].default == field.default, field.name
    assert set(params) == {f.name for f in dataclasses.fields(Config)} | set(RUN_OPTIONS)
    positional = [n for n, p in params.items() if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert positional == [n for n in GENSIM_ORDER if n in params]
    assert positional[:6] == ["sentences", "corpus_file", "vector_size", "alpha", "window",
                              "min_count"]
    assert all(p.kind is p.KEYWORD_ONLY for n, p in params.items() if n not in GENSIM_ORDER)


def test_a_new_config_field_reaches_word2vec_and_the_cli(monkeypatch):
    """Adding a hyperparameter is one edit: a field of Config."""
    import argparse

    from w2v.models import signature, word2vec as model
    from w2v.cli.train import model_kwargs

    Extended = dataclasses.make_dataclass("Config", [("new_option", int, 7)], bases=(Config,))
    monkeypatch.setattr(model.Word2Vec, "config_class", Extended)
    monkeypatch.setattr("w2v.cli.train.Config", Extended)
    monkeypatch.setattr(model.Word2Vec, "__signature__", signature.derive_signature(model.Word2Vec))
    m = model.Word2Vec(new_option=9)
    assert m.config.new_option == 9 and m.new_option == 9
    args = argparse.Namespace(c_train=None, new_option=3, quiet=True, tokenizer=None)
    assert model_kwargs(args)["new_option"] == 3


def test_unknown_keywords_are_type_errors_naming_them():
    with pytest.raises(TypeError, match=r"Word2Vec\(\): .*'windw' \(did you mean 'window'\?\)"):
        w2v.Word2Vec(windw=5)
    model = w2v.Word2Vec([["a", "b"]] * 10, min_count=1, vector_size=4, epochs=1, workers=1,
                         progress=False)
    with pytest.raises(TypeError, match="'epoch'"):
        model.train([["a", "b"]] * 10, epoch=3)
    # gensim's own train() arguments are accepted (and documented as unused)
    assert model.train([["a", "b"]] * 10, total_examples=10, epochs=1, word_count=0,
                       queue_factor=2, report_delay=1.0, compute_loss=True) == (20, 20)


def test_public_names_and_submodules_load_on_first_use():
    """import w2v loads nothing heavy; w2v.Word2Vec and w2v.phrases (a submodule) load on use."""
    import subprocess
    import sys
    script = ("import sys, w2v\n"
              "print('w2v.models.word2vec' in sys.modules, 'numpy' in sys.modules)\n"
              "print(w2v.Word2Vec.__module__, w2v.phrases.Phrases.__module__, 'phrases' in dir(w2v))\n"
              "print(hasattr(w2v, 'nope'), hasattr(w2v, '_private'))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, "PYTHONPATH": str(SRC.parent)}).stdout.split("\n")
    assert out[:3] == ["False False", "w2v.models.word2vec w2v.phrases.detector True", "False False"]


def test_gensim_module_paths_port_by_one_word():
    """``gensim.models`` -> ``w2v.models`` is the whole change for the imports tutorials use."""
    from w2v.models import KeyedVectors as K, Phrases as P, Word2Vec as W
    from w2v.models.callbacks import CallbackAny2Vec
    from w2v.models.keyedvectors import KeyedVectors
    from w2v.models.phrases import ENGLISH_CONNECTOR_WORDS, FrozenPhrases, Phraser, Phrases
    from w2v.models.word2vec import BrownCorpus, LineSentence, PathLineSentences, Text8Corpus, Word2Vec

    assert (W, K, P) == (w2v.Word2Vec, w2v.KeyedVectors, w2v.Phrases)
    assert (Word2Vec, KeyedVectors, Phrases, LineSentence) == (
        w2v.Word2Vec, w2v.KeyedVectors, w2v.Phrases, w2v.LineSentence)
    assert CallbackAny2Vec is w2v.CallbackAny2Vec and FrozenPhrases is w2v.FrozenPhrases
    assert Phraser is FrozenPhrases and "new" not in ENGLISH_CONNECTOR_WORDS
    assert PathLineSentences is w2v.PathLineSentences
    from w2v.corpus.classic import BrownCorpus as B, Text8Corpus as T
    assert (Text8Corpus, BrownCorpus) == (T, B)


# ----------------------------------------------------------------------------- import cycles



def import_graph(src):
    """Module -> the w2v modules it imports, over every import statement anywhere in its file
    (module level, inside functions, under ``if TYPE_CHECKING``). ``from P import n`` is an edge
    to ``P.n`` when that is a module of the tree, else to ``P`` itself (so a child taking a name
    from its own package's ``__init__`` is an edge to the package)."""
    root = src.parent
    names = {}
    for path in sorted(src.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for name, path in names.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.ImportFrom):
                source = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
                for alias in node.names:
                    edges.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in names else source)
            elif isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names)
        graph[name] = {e for e in edges if e in names and e != name}
    return graph


def cycles(graph, exempt=()):
    """The strongly connected components of more than one module (Tarjan's algorithm), each
    sorted; an edge between the two modules of an ``exempt`` pair is left out."""
    graph = {v: {w for w in ws if frozenset({v, w}) not in exempt} for v, ws in graph.items()}
    order, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        order[v] = low[v] = len(order)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in order:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], order[w])
        if low[v] == order[v]:
            component = []
            while not component or component[-1] != v:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in order:
            visit(v)
    return found


def test_the_cycle_check_sees_function_level_and_package_imports(tmp_path):
    pkg = tmp_path / "w2v"
    (pkg / "corpus").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "cli.py").write_text("def f():\n    from .query import g\n")       # inside a function
    (pkg / "query.py").write_text("from . import cli\n")
    (pkg / "corpus" / "__init__.py").write_text("from .lines import LineSentence\n")
    (pkg / "corpus" / "lines.py").write_text("from . import get_tokenizer\n")   # its own package
    (pkg / "corpus" / "wiki.py").write_text("import w2v.corpus.lines\n")
    graph = import_graph(pkg)
    assert graph["w2v.corpus.wiki"] == {"w2v.corpus.lines"}
    assert cycles(graph) == [["w2v.cli", "w2v.query"], ["w2v.corpus", "w2v.corpus.lines"]]
    assert cycles(graph, exempt={frozenset({"w2v.cli", "w2v.query"})}) == [["w2v.corpus", "w2v.corpus.lines"]]


def test_no_import_cycle():
    """No module of w2v imports, even inside a function, a module that imports it back."""
    assert cycles(import_graph(SRC)) == []


def test_all_is_the_lazy_import_table():
    """``w2v.__all__`` lists exactly the names ``w2v.__getattr__`` can load, each once."""
    assert len(set(w2v.__all__)) == len(w2v.__all__)
    assert set(w2v.__all__) == set(w2v._HOMES)
    for name in w2v.__all__:
        assert getattr(w2v, name) is getattr(importlib.import_module(f"w2v.{w2v._HOMES[name]}"), name)
