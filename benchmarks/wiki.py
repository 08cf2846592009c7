"""Wikipedia dumps: w2v's WikiDump against gensim's WikiCorpus, end to end, each run in its own process.

    python benchmarks/wiki.py [--repeats 3] [--workers N] [--memory-mb 100]

1. gensim's shortened enwiki test dump: seconds to read every article as token lists (same
   number of processes for both), tokens, numbers among them, markup left in w2v's prose
   lines and markup words (ref, nbsp, thumb, ...) among both libraries' tokens.
2. The hand-written wikitext rules against mwparserfromhell on the same pages (one process).
3. A zhwiki-style dump (tests/zhwiki_sample.py): share of the article prose kept, text that
   exists only inside markup left over, lines with markup.
4. Peak memory (RSS) reading the enwiki test dump once and repeated to --memory-mb of XML
   (built in the temporary folder as a multi-stream bz2 file, never in the repository).
"""
import argparse
import bz2
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ENWIKI = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
MARKUP = re.compile(r"\[\[|\{\{|'''|<ref|\{\||&[a-zA-Z]+;|&#\d+;")
MARKUP_WORDS = {"ref", "nbsp", "thumb", "px", "cite", "http", "https", "www", "url", "infobox",
                "wikitable", "colspan", "rowspan", "align", "style", "class"}


def gensim_dump():
    import gensim
    return os.path.join(os.path.dirname(gensim.__file__), "test", "test_data", ENWIKI)


# --------------------------------------------------------------------------- one run (child process)


def cpu_seconds():
    """CPU time of this process and its finished children (the worker processes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_w2v(path, workers, details):
    from w2v import WikiDump

    t = time.perf_counter()
    d = WikiDump(path, workers=workers)
    n = digits = markup_words = 0
    for s in d:
        n += len(s)
        if details:
            digits += sum(w.isdigit() for w in s)
            markup_words += sum(w in MARKUP_WORDS for w in s)
    seconds = time.perf_counter() - t
    out = {"seconds": seconds, "cpu": cpu_seconds(), "tokens": n, "articles": d.stats.articles}
    if details:
        lines = [line for _, text in d.articles() for line in text.split("\n")]
        out.update(numbers=digits, markup_words=markup_words, lines=len(lines),
                   markup_lines=sum(bool(MARKUP.search(x)) for x in lines))
    return out


def run_gensim(path, workers, details):
    import logging
    logging.disable(logging.WARNING)
    from gensim.corpora.wikicorpus import WikiCorpus

    t = time.perf_counter()
    wc = WikiCorpus(path, dictionary={}, processes=workers)
    n = digits = markup_words = 0
    for s in wc.get_texts():
        n += len(s)
        if details:
            digits += sum(w.isdigit() for w in s)
            markup_words += sum(w in MARKUP_WORDS for w in s)
    seconds = time.perf_counter() - t
    out = {"seconds": seconds, "cpu": cpu_seconds(), "tokens": n, "articles": wc.length}
    if details:
        out.update(numbers=digits, markup_words=markup_words)
    return out


def run_memory(path, workers, index):
    import resource

    from w2v import WikiDump

    t = time.perf_counter()
    d = WikiDump(path, workers=workers, index=None if index else False)
    n = sum(len(s) for s in d)
    return {"seconds": time.perf_counter() - t, "tokens": n, "articles": d.stats.articles,
            "indexed": d.index is not None,
            "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def child(args):
    spec = json.loads(args.child)
    fn = {"w2v": run_w2v, "gensim": run_gensim, "memory": run_memory}[spec.pop("run")]
    print(json.dumps(fn(**spec)))


def in_process(**spec):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)], env=env,
                         capture_output=True, text=True, check=False)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- sections


def speed(args):
    path = gensim_dump()
    runs = {"w2v": [], "gensim": []}
    cpu = {"w2v": [], "gensim": []}
    first = {}
    for r in range(args.repeats + 1):        # run 0: details and warm-up (not timed in the ratio)
        order = ("w2v", "gensim") if r % 2 == 0 else ("gensim", "w2v")
        for lib in order:
            res = in_process(run=lib, path=path, workers=args.workers, details=(r == 0))
            if r == 0:
                first[lib] = res
            else:
                runs[lib].append(res["seconds"])
                cpu[lib].append(res["cpu"])
    ratios = [g / w for g, w in zip(runs["gensim"], runs["w2v"])]
    w, g = first["w2v"], first["gensim"]
    print(f"\n1. {ENWIKI}, {args.workers} processes each, {args.repeats} timed runs (alternating order) "
          f"after one untimed run")
    print(f"   w2v WikiDump:      {statistics.median(runs['w2v']):.2f} s median "
          f"({min(runs['w2v']):.2f}-{max(runs['w2v']):.2f}); first run {w['seconds']:.2f} s")
    print(f"   gensim WikiCorpus: {statistics.median(runs['gensim']):.2f} s median "
          f"({min(runs['gensim']):.2f}-{max(runs['gensim']):.2f}); first run {g['seconds']:.2f} s")
    print(f"   speed ratio gensim/w2v: median {statistics.median(ratios):.2f}x "
          f"(runs: {', '.join(f'{x:.2f}' for x in ratios)})")
    cpu_ratios = [g_ / w_ for g_, w_ in zip(cpu["gensim"], cpu["w2v"])]
    print(f"   CPU seconds (all processes, imports included): w2v {statistics.median(cpu['w2v']):.2f}, "
          f"gensim {statistics.median(cpu['gensim']):.2f}; ratio median {statistics.median(cpu_ratios):.2f}x "
          f"(runs: {', '.join(f'{x:.2f}' for x in cpu_ratios)})")
    print(f"   articles: w2v {w['articles']}, gensim {g['articles']}")
    print(f"   tokens: w2v {w['tokens']:,}, gensim {g['tokens']:,} ({w['tokens'] / g['tokens']:.1%} of gensim's)")
    print(f"   number tokens: w2v {w['numbers']:,}, gensim {g['numbers']:,}")
    print(f"   markup words ({', '.join(sorted(MARKUP_WORDS))}) among the tokens: "
          f"w2v {w['markup_words']:,}, gensim {g['markup_words']:,}")
    print(f"   w2v prose lines with markup ([[ {{{{ ''' <ref {{| entities): {w['markup_lines']} of "
          f"{w['lines']:,} ({w['markup_lines'] / w['lines']:.3%})")


def rules_vs_parser():
    try:
        import mwparserfromhell as mw
    except ImportError:
        print("\n2. mwparserfromhell not installed: skipped")
        return
    from w2v import WikiDump
    from w2v.corpus.wikitext import WikiCleaner

    pages = list(WikiDump(gensim_dump()).wikitext())
    cleaner = WikiCleaner()
    t = time.perf_counter()
    for _, text in pages:
        cleaner.clean(text)
    ours = time.perf_counter() - t
    t = time.perf_counter()
    for _, text in pages:
        mw.parse(text).strip_code()
    theirs = time.perf_counter() - t
    chars = sum(len(x) for _, x in pages)
    print(f"\n2. wikitext to prose, {len(pages)} articles ({chars / 1e6:.1f} M characters), one process:")
    print(f"   hand-written rules {ours:.2f} s; mwparserfromhell parse + strip_code {theirs:.2f} s "
          f"({theirs / ours:.1f}x slower, and it keeps references, tables and headings)")


def zhwiki():
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import zhwiki_sample

    from w2v import WikiDump

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "zhwiki-sample.xml.bz2")
        prose, hidden, counts = zhwiki_sample.build(path, n_articles=200)
        d = WikiDump(path, workers=1)
        lines = [line for _, text in d.articles() for line in text.split("\n")]
    kept = set(lines)
    kept_chars = sum(len(p) for p in prose if p in kept)
    joined = "\n".join(lines)
    left = [h for h in hidden if h in joined]
    print(f"\n3. zhwiki-style dump: {counts['articles']} articles, {counts['redirects']} redirects, "
          f"{counts['talk']} talk pages; {d.stats.summary()}")
    print(f"   article prose kept: {kept_chars / sum(map(len, prose)):.1%} of its characters "
          f"({sum(p in kept for p in prose)} of {len(prose)} sentences, exactly)")
    print(f"   markup-only text left: {len(left)} of {len(hidden)} strings; lines with markup: "
          f"{sum(bool(MARKUP.search(x)) for x in lines)} of {len(lines)}; extra lines: "
          f"{len([x for x in lines if x not in set(prose)])}")


def build_repeated(target_mb, folder):
    """The enwiki test dump's pages repeated to ``target_mb`` of XML, one bz2 stream per copy, and its index."""
    xml = bz2.decompress(open(gensim_dump(), "rb").read())
    head_end = xml.index(b"<page>")
    foot = xml.rindex(b"</mediawiki>")
    head, body = xml[:head_end], xml[head_end:foot]
    copies = max(1, -(-target_mb * 1_000_000 // len(body)))
    path = os.path.join(folder, f"enwiki-x{copies}-multistream.xml.bz2")
    body_bz2 = bz2.compress(body)
    index = []
    with open(path, "wb") as f:
        f.write(bz2.compress(head))
        for i in range(copies):
            index.append(f"{f.tell()}:{i}:copy {i}")
            f.write(body_bz2)
        f.write(bz2.compress(b"</mediawiki>\n"))
    with open(path.replace(".xml.bz2", "-index.txt.bz2"), "wb") as f:
        f.write(bz2.compress("\n".join(index).encode() + b"\n"))
    return path, copies, len(head) + copies * len(body)


def memory(args):
    with tempfile.TemporaryDirectory() as tmp:
        big, copies, size = build_repeated(args.memory_mb, tmp)
        print(f"\n4. peak RSS (MB), main process and largest worker, {args.workers} workers:")
        for label, path, index in (("enwiki test dump (6.1 MB of XML)", gensim_dump(), False),
                                   (f"x{copies} ({size / 1e6:.0f} MB of XML, one stream)", big, False),
                                   (f"x{copies}, by the multistream index", big, True)):
            r = in_process(run="memory", path=path, workers=args.workers, index=index)
            print(f"   {label}: main {r['rss_main_mb']:.0f}, worker {r['rss_worker_mb']:.0f}; "
                  f"{r['articles']:,} articles, {r['tokens']:,} tokens in {r['seconds']:.1f} s")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("--memory-mb", type=int, default=100)
    p.add_argument("--sections", default="speed,rules,zhwiki,memory")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        return child(args)
    sys.path.insert(0, os.path.join(ROOT, "src"))
    sections = args.sections.split(",")
    print(f"w2v benchmarks/wiki.py, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}")
    if "speed" in sections:
        speed(args)
    if "rules" in sections:
        rules_vs_parser()
    if "zhwiki" in sections:
        zhwiki()
    if "memory" in sections:
        memory(args)


if __name__ == "__main__":
    main()
