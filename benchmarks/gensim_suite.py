"""Run gensim 4.4's own Word2Vec, KeyedVectors, FastText and Doc2Vec tests against w2v, with only their imports
changed.

    PYTHONPATH=src python3 benchmarks/gensim_suite.py [--suite word2vec|fasttext|doc2vec|all] [-k EXPR] [--json FILE] [-v]

It copies ``test_word2vec.py``, ``test_keyedvectors.py``, ``test_fasttext.py`` and ``test_doc2vec.py`` (whose
import becomes ``from w2v.models import doc2vec, keyedvectors``) from the installed gensim into a
temporary folder (nothing of gensim's test code is kept in this repository), rewrites the imports
so that ``word2vec.Word2Vec``, ``word2vec.LineSentence`` ... are w2v's and ``KeyedVectors`` is
``w2v.KeyedVectors`` (gensim's helpers such as ``datapath``, ``utils.save_as_line_sentence``,
``REAL`` and ``pseudorandom_weak_vector`` stay gensim's), runs pytest on them with the exclusion
list below, and prints passed / failed / skipped / excluded counts and the pass rate
(passed / (passed + failed)). Needs gensim, pytest and testfixtures (the test extra).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

# Tests left out, each with why: they load gensim's pickled models (w2v never unpickles: see
# docs/gensim.md), check the wording of gensim's log messages, or test gensim's own Cython reader
# or command-line script rather than the API.
EXCLUDED = {
    # gensim pickles (w2v reads only its own native format and word2vec files)
    "test_word2vec.py::TestWord2VecModel::test_persistence_backwards_compatible": "loads a gensim 3.8 pickle",
    "test_word2vec.py::TestWord2VecModel::test_load_old_model": "loads a gensim pickle",
    "test_word2vec.py::TestWord2VecModel::test_load_old_model_separates": "loads a gensim pickle",
    "test_word2vec.py::TestWord2VecModel::test_load_old_models_1_x": "loads gensim 1.x pickles",
    "test_word2vec.py::TestWord2VecModel::test_load_old_models_2_x": "loads gensim 2.x pickles",
    "test_word2vec.py::TestWord2VecModel::test_load_old_models_3_x": "loads gensim 3.x pickles",
    "test_keyedvectors.py::Gensim320Test::test": "loads a gensim 3.2 pickle",
    # gensim's log text
    "test_word2vec.py::TestWord2VecModel::test_build_vocab_warning": "checks a gensim log message",
    "test_word2vec.py::TestWord2VecModel::test_train_warning": "checks a gensim log message",
    "test_word2vec.py::TestWord2VecModel::test_train_hs_and_neg": "checks a gensim log message",
    # gensim internals, not the API
    "test_word2vec.py::TestWord2VecSentenceIterators::test_cython_line_sentence_works_with_filename":
        "gensim's Cython CythonLineSentence",
    "test_word2vec.py::TestWord2VecScripts::test_word2vec_stand_alone_script":
        "gensim's scripts/word2vec_standalone.py",
}

# (pattern, replacement) applied to each file, in order; each must match at least once.
DOC2VEC_EXCLUDED = {
    # gensim's log text, and how gensim's Cython corpus_file reader shares a file among its worker
    # threads (byte offsets and first tags per worker; w2v encodes the file once)
    "test_doc2vec.py::TestDoc2VecModel::test_build_vocab_warning": "checks a gensim log message",
    "test_doc2vec.py::TestDoc2VecModel::test_train_warning": "checks a gensim log message",
    "test_doc2vec.py::TestDoc2VecModel::test_get_offsets_and_start_doctags":
        "gensim's Cython corpus_file reader: per-worker byte offsets",
    "test_doc2vec.py::TestDoc2VecModel::test_get_offsets_and_start_doctags_win":
        "gensim's Cython corpus_file reader: per-worker byte offsets (Windows)",
    "test_doc2vec.py::TestDoc2VecModel::test_cython_linesentence_readline_after_getting_offsets":
        "gensim's Cython CythonLineSentence",
}

FASTTEXT_EXCLUDED = {
    # gensim pickles
    "test_fasttext.py::HashCompatibilityTest::test_compatibility_true": "loads a gensim pickle",
    "test_fasttext.py::HashCompatibilityTest::test_hash_native": "loads a gensim pickle",
    "test_fasttext.py::TestFastTextModel::test_estimate_memory": "gensim's memory estimate of its own arrays",
    # gensim's private helpers
    "test_fasttext.py::UnpackTest": "gensim's private _unpack",
    "test_fasttext.py::UnicodeVocabTest": "gensim's private _fasttext_bin._load_vocab",
    "test_fasttext.py::TestFromfile": "gensim's private _fasttext_bin._fromfile",
    "test_fasttext.py::FTHashFunctionsTest::test_cython": "gensim's Cython module against its Python one",
    # gensim's own test class, imported into test_fasttext.py as a helper: it tests gensim, not w2v
    "test_fasttext.py::TestWord2VecModel": "gensim's Word2Vec tests (a helper import), not FastText's",
}

REWRITES = {
    "test_word2vec.py": [
        (r"^from gensim\.models import word2vec, keyedvectors$",
         "import w2v as word2vec  # rewritten: was gensim.models.word2vec\n"
         "import w2v as keyedvectors  # rewritten: was gensim.models.keyedvectors"),
    ],
    "test_keyedvectors.py": [
        (r"^from gensim\.models\.keyedvectors import KeyedVectors, REAL, pseudorandom_weak_vector$",
         "from gensim.models.keyedvectors import REAL, pseudorandom_weak_vector\n"
         "from w2v import KeyedVectors  # rewritten: was gensim.models.keyedvectors.KeyedVectors\n"
         "import w2v"),
        (r"gensim\.models\.(keyedvectors\.)?KeyedVectors\b", "w2v.KeyedVectors"),
    ],
    "test_doc2vec.py": [
        (r"^from gensim\.models import doc2vec, keyedvectors$",
         "from w2v.models import doc2vec, keyedvectors  # rewritten: was gensim.models"),
    ],
    "test_fasttext.py": [
        (r"^from gensim\.models\.word2vec import LineSentence$",
         "from w2v.models.word2vec import LineSentence  # rewritten"),
        (r"^from gensim\.models\.fasttext import FastText as FT_gensim, FastTextKeyedVectors, _unpack$",
         "from w2v.models.fasttext import FastText as FT_gensim, FastTextKeyedVectors  # rewritten\n"
         "from gensim.models.fasttext import _unpack  # gensim's private helper (its tests are excluded)"),
        (r"^from gensim\.models\.keyedvectors import KeyedVectors$",
         "from w2v.models.keyedvectors import KeyedVectors  # rewritten"),
        (r"^from gensim\.models\.fasttext_inner import compute_ngrams, compute_ngrams_bytes, ft_hash_bytes$",
         "from w2v.models.fasttext import compute_ngrams, compute_ngrams_bytes, ft_hash_bytes  # rewritten"),
        (r"^import gensim\.models\.fasttext$", "import gensim.models.fasttext\nimport w2v.models.fasttext  # rewritten"),
        (r"gensim\.models\.fasttext\.(load_facebook_model|load_facebook_vectors|save_facebook_model|"
         r"FastText|ft_ngram_hashes)\b", r"w2v.models.fasttext.\1"),
    ],
}
SUITES = {"word2vec": ("test_word2vec.py", "test_keyedvectors.py"), "fasttext": ("test_fasttext.py",),
          "doc2vec": ("test_doc2vec.py",)}


# gensim's FastText tests call Facebook's ``fasttext`` program (FT_HOME or PATH) to train a model and
# to print word vectors; when the ``fasttext`` package (fasttext-wheel) is installed, this stand-in
# runs those two commands through it, so the tests run against Facebook's C++ code (its Python
# binding takes no -seed: the seed of gensim's command line is dropped).
FASTTEXT_STANDIN = """#!{python}
import sys
import fasttext
command, args = sys.argv[1], sys.argv[2:]
if command in ("skipgram", "cbow"):
    opts = dict(zip(args[::2], args[1::2]))
    model = fasttext.train_unsupervised(opts.pop("-input"), model=command, thread=1, verbose=0,
                                        **{{k[1:]: int(v) for k, v in opts.items() if k not in ("-output", "-seed")}})
    model.save_model(opts["-output"] + ".bin")
elif command == "print-word-vectors":
    model = fasttext.load_model(args[0])
    for word in sys.stdin.read().split():
        print(word, "".join("%.5g " % v for v in model.get_word_vector(word).tolist()))
else:
    sys.exit("fasttext stand-in: unsupported command " + command)
"""


def fasttext_standin(folder):
    """A folder holding a ``fasttext`` program backed by the fasttext package, or None without it."""
    try:
        import fasttext  # noqa: F401
    except ImportError:
        return None
    path = os.path.join(folder, "fasttext")
    with open(path, "w") as f:
        f.write(FASTTEXT_STANDIN.format(python=sys.executable))
    os.chmod(path, 0o755)
    return folder


def gensim_test_dir():
    import gensim
    return os.path.join(os.path.dirname(gensim.__file__), "test")


def prepare(folder, names=tuple(REWRITES)):
    """Copy and rewrite the test files ``names`` into ``folder``; return their paths."""
    source = gensim_test_dir()
    paths = []
    for name in names:
        rules = REWRITES[name]
        with open(os.path.join(source, name), encoding="utf-8") as f:
            text = f.read()
        for pattern, replacement in rules:
            text, n = re.subn(pattern, replacement, text, flags=re.M)
            if n == 0:
                raise SystemExit(f"{name}: the import to rewrite was not found ({pattern!r}); "
                                 "is this gensim 4.4?")
        path = os.path.join(folder, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        paths.append(path)
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", choices=("word2vec", "fasttext", "doc2vec", "all"), default="all",
                        help="which of gensim's test files to run (all)")
    parser.add_argument("-k", help="pytest -k expression (run a subset)")
    parser.add_argument("--json", help="write {test id: outcome} to this file")
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's output")
    args = parser.parse_args(argv)
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "src")
    with tempfile.TemporaryDirectory() as folder:
        names = [n for suite, files in SUITES.items() for n in files if args.suite in (suite, "all")]
        paths = prepare(folder, names)
        report = os.path.join(folder, "report.json")
        excluded = {t: why for t, why in {**EXCLUDED, **FASTTEXT_EXCLUDED, **DOC2VEC_EXCLUDED}.items() if t.split("::")[0] in names}
        deselect = [arg for test in excluded for arg in ("--deselect", test)]   # node ids relative to folder
        plugin = os.path.join(folder, "conftest.py")
        with open(plugin, "w") as f:
            f.write(_CONFTEST.format(report=report))
        standin = fasttext_standin(tempfile.mkdtemp(dir=folder)) if "test_fasttext.py" in names else None
        env = dict(os.environ, **({"FT_HOME": standin} if standin else {}), PYTHONPATH=os.pathsep.join(
            [os.path.abspath(src)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", folder,
               "-o", "addopts=", "-W", "ignore::DeprecationWarning", *deselect, *paths]
        if args.k:
            cmd += ["-k", args.k]
        run = subprocess.run(cmd, cwd=folder, env=env, text=True,
                             stdout=None if args.verbose else subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        outcomes = {}
        if os.path.exists(report):
            with open(report) as f:
                outcomes = json.load(f)
        if run.returncode not in (0, 1) or not outcomes:     # collection error, usage error, ...
            sys.stdout.write(run.stdout or "")
            raise SystemExit(f"pytest did not run the tests (exit status {run.returncode})")
    counts = {k: sum(v == k for v in outcomes.values()) for k in ("passed", "failed", "skipped")}
    ran = counts["passed"] + counts["failed"]
    print(f"gensim suite against w2v: {counts['passed']} passed, {counts['failed']} failed, "
          f"{counts['skipped']} skipped, {len(excluded)} excluded; "
          f"pass rate {counts['passed']}/{ran} = {100 * counts['passed'] / max(ran, 1):.1f} %")
    for test, outcome in sorted(outcomes.items()):
        if outcome == "failed":
            print(f"  FAILED {test}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(outcomes, f, indent=1, sort_keys=True)
    return 0 if counts["failed"] == 0 else 1


# A conftest that records each test's outcome (setup errors count as failures).
_CONFTEST = '''
import json
outcomes = {{}}

def pytest_runtest_logreport(report):
    name = report.nodeid
    if report.when == "call" or report.outcome != "passed":
        if report.skipped:
            outcomes.setdefault(name, "skipped")
        elif report.failed:
            outcomes[name] = "failed"
        elif report.when == "call":
            outcomes.setdefault(name, "passed")

def pytest_sessionfinish(session):
    with open({report!r}, "w") as f:
        json.dump(outcomes, f)
'''

if __name__ == "__main__":
    sys.exit(main())
