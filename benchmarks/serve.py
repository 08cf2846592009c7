"""How fast ``w2v serve`` answers: neighbour latency under concurrent clients, and the page's first load.

    python benchmarks/serve.py                       # 1,000,000 words x 300, 8 clients x 50 queries
    python benchmarks/serve.py --words 100000 --clients 4 --queries 20
    python benchmarks/serve.py --words 200000 --index     # also through an IVF index (needs w2v[ann])

The server runs in a process of its own (uvicorn, as ``w2v serve`` runs it) on 127.0.0.1 and a free port,
serving generated vectors (a seeded normal draw; the figures depend on the shape, not on the values).
Each client is a thread with its own keep-alive connection asking ``/api/neighbors?word=W&topn=10`` for
random words, one request after another. All traffic stays on 127.0.0.1; every loop is bounded.

With ``--index`` the server also serves the same vectors through an IVF index (``kv.build_index``, tuned to
recall@10 0.95 as ``w2v index`` does) as a second model, and each round asks both, one after the other, so
the two are timed under the same load. In generated normal vectors every word is about equally far from every
other, so an index tuned to recall 0.95 scans all its lists; ``--clustered`` draws vectors with the structure
of real embeddings instead (``benchmarks/ann.py``'s generator).

The page's first load is timed with Playwright and Chromium when both are installed (from navigation to
the page's ``data-ready`` mark: the page, its script and style, the model list and the first map of the
1,000 most frequent words); without them only the three files' download is timed.
"""
import argparse
import http.client
import json
import multiprocessing
import os
import platform
import shutil
import socket
import statistics
import threading
import time

import numpy as np


def generated(words, dim, seed, clustered=False):
    """The benchmark's model: seeded normal vectors (or ``benchmarks/ann.py``'s clustered ones), counts
    falling with the rank."""
    from w2v.models.keyedvectors import KeyedVectors

    rng = np.random.default_rng(seed)
    if clustered:
        import tempfile

        from ann import generate                 # benchmarks/ann.py, beside this script

        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "vectors.npy")
            generate(path, words, dim, rank=min(48, dim), seed=seed)
            vectors = np.load(path)
    else:
        vectors = rng.standard_normal((words, dim), dtype=np.float32)
    counts = np.arange(words, 0, -1, dtype=np.int64)
    kv = KeyedVectors([f"w{i}" for i in range(words)], vectors, counts=counts)
    kv.norms                                  # as after the first query
    return kv


def _serve(words, dim, seed, ready, index, clustered):
    import uvicorn

    from w2v.serve import ServedModel, create_app

    kv = generated(words, dim, seed, clustered)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # TCP_NODELAY
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    models = [ServedModel(f"generated-{words}x{dim}", kv)]
    built = None
    if index:
        start = time.perf_counter()
        ann = kv.build_index(method="ivf")
        recall = ann.tune(0.95, sample=200)
        built = (time.perf_counter() - start, recall, ann.describe_search(), ann.params)
        models.append(ServedModel(f"generated-{words}x{dim}+ivf", kv, indexer=ann))
    ready.put((sock.getsockname()[1], built))
    for model in models:
        threading.Thread(target=model.prepare, daemon=True).start()      # as w2v serve does
    config = uvicorn.Config(create_app(models), log_level="warning", lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


def _get(conn, path):
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        raise RuntimeError(f"{path}: HTTP {r.status} {body[:200]!r}")
    return body


def neighbour_latencies(port, words, clients, queries, seed, model=0):
    """Per-request seconds for ``clients`` threads each sending ``queries`` requests."""
    latencies, errors = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(k):
        rng = np.random.default_rng(seed + k)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine = []
        try:
            barrier.wait()
            for w in rng.integers(0, words, queries):
                start = time.perf_counter()
                json.loads(_get(conn, f"/api/neighbors?word=w{w}&topn=10&model={model}"))
                mine.append(time.perf_counter() - start)
        except Exception as e:     # reported below, not swallowed
            errors.append(repr(e))
        finally:
            conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{len(errors)} clients failed: {errors[0]}")
    return np.array(latencies), wall


def page_load(port):
    """Seconds to the page's ready mark in headless Chromium, or None without Playwright/Chromium."""
    chromium = os.environ.get("W2V_CHROMIUM") or shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None, "playwright is not installed"
    if not chromium:
        return None, "no chromium"
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        for _ in range(3):
            context = browser.new_context()          # a cold cache each time
            page = context.new_page()
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("body[data-ready='1']", timeout=60000)
            times.append(time.perf_counter() - start)
            context.close()
        # A map of 10,000 points: milliseconds per full redraw (points, labels), as when panning or zooming.
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"http://127.0.0.1:{port}/#n=10000")
        page.wait_for_selector("#map-wrap[data-points='10000']", timeout=120000)
        frame_ms = page.evaluate("""() => {
            const start = performance.now();
            for (let i = 0; i < 30; i++) { mapView.view.scale *= 1.01; mapView.draw(); }
            return (performance.now() - start) / 30;
        }""")
        browser.close()
    return (times, frame_ms), None


def files_load(port, repeats=5):
    times = []
    for _ in range(repeats):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.perf_counter()
        for path in ("/", "/static/app.js", "/static/app.css"):
            _get(conn, path)
        times.append(time.perf_counter() - start)
        conn.close()
    return times


def anchor(words, dim, seed, clients, clustered, repeats=7):
    """In this process, without HTTP: ms per kv.most_similar, and per most_similar_batch of ``clients`` words."""
    kv = generated(words, dim, seed, clustered)
    rng = np.random.default_rng(seed + 7)
    single, batch = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        kv.most_similar(f"w{rng.integers(words)}", topn=10)
        single.append(time.perf_counter() - start)
        start = time.perf_counter()
        kv.most_similar_batch([f"w{w}" for w in rng.integers(0, words, clients)], topn=10)
        batch.append(time.perf_counter() - start)
    return 1000 * statistics.median(single), 1000 * statistics.median(batch)


def summary(lat):
    ms = lat * 1000
    return (f"p50 {np.percentile(ms, 50):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms, "
            f"max {ms.max():.1f} ms over {len(ms)} requests")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--queries", type=int, default=50, help="requests per client")
    parser.add_argument("--rounds", type=int, default=3, help="repeats of the concurrent run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--blas-threads", type=int, metavar="N",
                        help="OPENBLAS/OMP/MKL_NUM_THREADS for the server process (default: the library's own); "
                             "on a machine busier than its cores, BLAS threads that spin-wait make each matrix "
                             "product many times slower")
    parser.add_argument("--clustered", action="store_true",
                        help="clustered low-rank vectors (benchmarks/ann.py's) instead of normal noise, in which "
                             "no index can beat a scan; use it with --index")
    parser.add_argument("--no-page", action="store_true", help="skip the page's timings (Chromium)")
    parser.add_argument("--index", action="store_true",
                        help="also serve the vectors through an IVF index (built and tuned at start) and time both")
    args = parser.parse_args()
    if args.blas_threads:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(args.blas_threads)   # read by the spawned server process at start

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"numpy {np.__version__}, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}, "
          f"server BLAS threads: {args.blas_threads or 'default'}")
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Queue()
    server = ctx.Process(target=_serve, args=(args.words, args.dim, args.seed, ready, args.index, args.clustered),
                         daemon=True)
    start = time.perf_counter()
    server.start()
    try:
        port, built = ready.get(timeout=1800)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for _ in range(200):                          # until uvicorn answers (bounded)
            try:
                _get(conn, "/api/models")
                break
            except (ConnectionError, OSError):
                conn.close()
                time.sleep(0.1)
        conn.close()
        kind = "generated, clustered" if args.clustered else "generated"
        print(f"model: {args.words:,} words x {args.dim} ({kind}), server ready in "
              f"{time.perf_counter() - start:.1f} s")
        if built:
            seconds, recall, search, params = built
            print(f"IVF index {params}: built and tuned in {seconds:.1f} s, recall@10 {recall:.3f} at {search} "
                  f"(200 sample words)")

        single_ms, batch_ms = anchor(args.words, args.dim, args.seed, args.clients, args.clustered)
        print(f"anchor, in this process without HTTP: most_similar {single_ms:.1f} ms, most_similar_batch of "
              f"{args.clients} words {batch_ms:.1f} ms (medians of 7; the machine's speed right now)")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        overhead = []
        for _ in range(20):
            start = time.perf_counter()
            _get(conn, "/api/models")
            overhead.append(time.perf_counter() - start)
        conn.close()
        print(f"a request that computes nothing (/api/models): median {1000 * statistics.median(overhead):.1f} ms")
        one, _ = neighbour_latencies(port, args.words, 1, max(10, args.queries // 2), args.seed + 1000)
        print(f"1 client:   {summary(one)}")
        ways = ["exact", "index"] if built else ["exact"]
        p95s = {way: [] for way in ways}
        for r in range(args.rounds):
            for model, way in enumerate(ways):        # the same words, one after the other
                lat, wall = neighbour_latencies(port, args.words, args.clients, args.queries, args.seed + 100 * r,
                                                model)
                p95s[way].append(np.percentile(lat, 95) * 1000)
                print(f"{args.clients} clients, round {r + 1}, {way}: {summary(lat)}; {len(lat) / wall:.1f} requests/s")
        for way, p in p95s.items():
            print(f"p95 over the rounds, {way}: {', '.join(f'{x:.1f}' for x in p)} ms "
                  f"(median {statistics.median(p):.1f} ms; target < 100 ms)")

        if args.no_page:
            return
        files = files_load(port)
        print(f"page files (/, app.js, app.css) over one connection: median {1000 * statistics.median(files):.1f} ms")
        measured, why = page_load(port)
        if measured is None:
            print(f"page first load in Chromium: not measured ({why})")
        else:
            times, frame_ms = measured
            print(f"page first load in Chromium (cold context, to the first map of 1,000 words drawn): "
                  f"{', '.join(f'{1000 * t:.0f}' for t in times)} ms (target < 1000 ms)")
            print(f"map of 10,000 points in Chromium: {frame_ms:.1f} ms per redraw (zoom step), "
                  f"{1000 / frame_ms:.0f} frames/s")
    finally:
        server.terminate()
        server.join(30)


if __name__ == "__main__":
    main()
