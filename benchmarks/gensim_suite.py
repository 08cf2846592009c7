"""Run gensim 4.4's own Word2Vec, KeyedVectors and Doc2Vec tests against w2v, with only their imports changed.

    PYTHONPATH=src python3 benchmarks/gensim_suite.py [-k EXPR] [--json FILE] [-v]

It copies ``test_word2vec.py``, ``test_keyedvectors.py`` and ``test_doc2vec.py`` from the
installed gensim into a temporary folder (nothing of gensim's test code is kept in this
repository), rewrites the imports so that ``word2vec.Word2Vec``, ``word2vec.LineSentence`` ... are
w2v's, ``KeyedVectors`` is ``w2v.KeyedVectors`` and ``doc2vec`` is ``w2v.models.doc2vec`` (gensim's helpers such as ``datapath``, ``utils.save_as_line_sentence``,
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
    # Doc2Vec: gensim's log text, and how gensim's Cython corpus_file reader shares a file among
    # its worker threads (byte offsets and first tags per worker; w2v encodes the file once)
    "test_doc2vec.py::TestDoc2VecModel::test_build_vocab_warning": "checks a gensim log message",
    "test_doc2vec.py::TestDoc2VecModel::test_train_warning": "checks a gensim log message",
    "test_doc2vec.py::TestDoc2VecModel::test_get_offsets_and_start_doctags":
        "gensim's Cython corpus_file reader: per-worker byte offsets",
    "test_doc2vec.py::TestDoc2VecModel::test_get_offsets_and_start_doctags_win":
        "gensim's Cython corpus_file reader: per-worker byte offsets (Windows)",
    "test_doc2vec.py::TestDoc2VecModel::test_cython_linesentence_readline_after_getting_offsets":
        "gensim's Cython CythonLineSentence",
}

# (pattern, replacement) applied to each file, in order; each must match at least once.
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
}


def gensim_test_dir():
    import gensim
    return os.path.join(os.path.dirname(gensim.__file__), "test")


def prepare(folder, only=None):
    """Copy and rewrite the test files (those whose name contains ``only``, if given) into
    ``folder``; return their paths."""
    source = gensim_test_dir()
    paths = []
    for name, rules in REWRITES.items():
        if only and only not in name:
            continue
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
    parser.add_argument("-k", help="pytest -k expression (run a subset)")
    parser.add_argument("--only", metavar="NAME", help="only the test files whose name contains NAME "
                                                       "(word2vec, keyedvectors, doc2vec)")
    parser.add_argument("--json", help="write {test id: outcome} to this file")
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's output")
    args = parser.parse_args(argv)
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "src")
    with tempfile.TemporaryDirectory() as folder:
        paths = prepare(folder, args.only)
        if not paths:
            raise SystemExit(f"no test file matches --only {args.only!r}")
        report = os.path.join(folder, "report.json")
        names = {os.path.basename(p) for p in paths}
        excluded = [test for test in EXCLUDED if test.split("::")[0] in names]
        deselect = [arg for test in excluded for arg in ("--deselect", test)]   # node ids relative to folder
        plugin = os.path.join(folder, "conftest.py")
        with open(plugin, "w") as f:
            f.write(_CONFTEST.format(report=report))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
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
