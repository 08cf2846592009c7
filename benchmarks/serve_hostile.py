"""``w2v serve`` under hostile use: the server's memory and a cheap endpoint's latency while clients misbehave.

    python benchmarks/serve_hostile.py                        # two generated 20,000 x 100 models
    python benchmarks/serve_hostile.py --words 50000 --dim 300
    python benchmarks/serve_hostile.py --src /path/to/other/src --phases parallel   # the same mix on other code

Starts ``python -m w2v serve A B`` in a process of its own (the command line as a user runs it, with the limit
flags given after ``--``) on two generated models, then replays three phases, one after the other:

1. ``parallel``: 65 ``/api/differ`` requests at once, each a different setting (an expensive computation);
2. ``slow``: 50 clients that open a connection and send a request's headers one byte every 0.5 s;
3. ``distinct``: 500 distinct ``(words, topn)`` settings of ``/api/differ``, 50 clients at a time.

During each phase one client asks ``/api/complete?prefix=...`` (cheap: a binary search) one request after
another and records each latency, and the server's resident memory (``VmRSS`` of its process) is sampled every
0.2 s. The report gives, per phase: the answers' status codes, the cheap endpoint's p50/p95/max, the server's
memory at the start, at its peak and at the end, and for ``slow`` how long the server held the slow clients.
All traffic stays on 127.0.0.1; every loop and wait is bounded.
"""
import argparse
import http.client
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def generated(path, words, dim, seed):
    """Seeded normal vectors with counts falling with rank, saved as a native vectors file."""
    from w2v.models.keyedvectors import KeyedVectors

    rng = np.random.default_rng(seed)
    kv = KeyedVectors([f"w{i}" for i in range(words)], rng.standard_normal((words, dim), dtype=np.float32),
                      counts=np.arange(words, 0, -1, dtype=np.int64))
    kv.save(path)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Sampler:
    """The server's resident memory every 0.2 s, in a thread, until stopped."""

    def __init__(self, pid):
        self.pid, self.samples, self._stop = pid, [], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            self.samples.append(rss_mb(self.pid))
            self._stop.wait(0.2)

    def stop(self):
        self._stop.set()
        self._thread.join(5)
        return self.samples[0], max(self.samples), rss_mb(self.pid)


class CheapClient:
    """One keep-alive client asking /api/complete one request after another; latencies in seconds."""

    def __init__(self, port):
        self.port, self.latencies, self.errors, self._stop = port, [], Counter(), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        k = 0
        while not self._stop.is_set():
            k += 1
            start = time.perf_counter()
            try:
                conn.request("GET", f"/api/complete?prefix=w{k % 100}&limit=10")
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    self.errors[r.status] += 1
            except (OSError, http.client.HTTPException) as e:
                self.errors[type(e).__name__] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.latencies.append(time.perf_counter() - start)
            self._stop.wait(0.02)
        conn.close()

    def stop(self):
        self._stop.set()
        self._thread.join(130)
        ms = np.array(self.latencies) * 1000
        return ms


def get(port, path, timeout=300):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        r.read()
        return r.status
    except (OSError, http.client.HTTPException) as e:
        return type(e).__name__
    finally:
        conn.close()


def parallel(port, args):
    """65 distinct expensive requests at once."""
    paths = [f"/api/differ?words={1000 + 50 * k}&topn=10" for k in range(65)]
    with ThreadPoolExecutor(65) as pool:
        return Counter(pool.map(lambda p: get(port, p), paths)), {}


def slow(port, args, clients=50, interval=0.5, budget=60):
    """50 clients dribbling a request's headers; seconds until the server closed each."""
    request = b"GET /api/models HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Slow: " + b"y" * 200
    held = []

    def client(_):
        s = socket.create_connection(("127.0.0.1", port), timeout=budget)
        start = time.monotonic()
        try:
            for byte in request:
                s.sendall(bytes([byte]))
                s.settimeout(interval)
                try:
                    if s.recv(4096) == b"":
                        break
                except socket.timeout:
                    pass
                except ConnectionResetError:
                    break
                if time.monotonic() - start > budget:
                    return "held", budget
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            s.close()
        return "closed", time.monotonic() - start

    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(client, range(clients)))
    held = [t for _, t in results]
    return Counter(kind for kind, _ in results), {"held s (median, max)": (statistics.median(held), max(held))}


def distinct(port, args, settings=500, clients=50, budget=600):
    """500 distinct (words, topn) settings of /api/differ, 50 clients at a time, each asked again after 1 s
    while the server answers 503 (busy), until answered or ``budget`` seconds into the phase."""
    rng = np.random.default_rng(args.seed)
    pairs = set()
    while len(pairs) < settings:
        pairs.add((int(rng.integers(500, 5001)), int(rng.integers(5, 101))))
    paths = [f"/api/differ?words={w}&topn={t}&limit=1" for w, t in sorted(pairs, key=lambda _: rng.random())]
    deadline = time.monotonic() + budget
    refusals = Counter()

    def ask(path):
        while True:
            status = get(port, path)
            if status != 503 or time.monotonic() > deadline:
                return status
            refusals[503] += 1
            time.sleep(1)

    with ThreadPoolExecutor(clients) as pool:
        answers = Counter(pool.map(ask, paths))
    return answers, {"503 answers before a retry was answered": (refusals[503],)}


PHASES = {"parallel": parallel, "slow": slow, "distinct": distinct}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=20000)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--phases", default="parallel,slow,distinct")
    parser.add_argument("--src", default=os.path.join(HERE, "..", "src"),
                        help="the w2v source the server runs (default: this checkout's)")
    parser.add_argument("flags", nargs="*", help="w2v serve flags after --, e.g. -- --workers 1 --queue 8")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} (shared with other jobs: figures vary run to run)")
    with tempfile.TemporaryDirectory() as folder:
        paths = [os.path.join(folder, f"{name}.w2v") for name in ("a", "b")]
        for seed, path in enumerate(paths):
            generated(path, args.words, args.dim, args.seed + seed)
        env = dict(os.environ, PYTHONPATH=os.path.abspath(args.src), OPENBLAS_NUM_THREADS="1")
        server = subprocess.Popen([sys.executable, "-m", "w2v", "serve", *paths, "--port", "0", *args.flags],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = server.stdout.readline()
            if not line.startswith("serving"):
                raise RuntimeError(f"the server did not start: {line}{server.stderr.read()[-2000:]}")
            port = int(line.split(" at ")[1].split()[0].rsplit(":", 1)[1].strip("/"))
            print(f"server: {line.strip()} (code: {os.path.abspath(args.src)}; flags: {' '.join(args.flags) or 'none'})")
            for _ in range(50):                                   # the first map and completion index, built at start
                if get(port, "/api/complete?prefix=w1") == 200:
                    break
                time.sleep(0.2)
            time.sleep(2)
            quiet = CheapClient(port)
            time.sleep(5)
            ms = quiet.stop()
            print(f"idle: server {rss_mb(server.pid):.0f} MB; /api/complete p50 {np.percentile(ms, 50):.1f} ms, "
                  f"p95 {np.percentile(ms, 95):.1f} ms over {len(ms)} requests")
            for name in args.phases.split(","):
                sampler, cheap = Sampler(server.pid), CheapClient(port)
                start = time.perf_counter()
                statuses, extra = PHASES[name](port, args)
                seconds = time.perf_counter() - start
                ms = cheap.stop()
                first, peak, end = sampler.stop()
                print(f"{name}: {seconds:.1f} s; answers {dict(statuses)}; " +
                      "".join(f"{k} {', '.join(f'{x:.4g}' for x in v)}; " for k, v in extra.items()) +
                      f"server RSS {first:.0f} -> peak {peak:.0f} -> {end:.0f} MB; /api/complete during it: "
                      f"p50 {np.percentile(ms, 50):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms, max {ms.max():.1f} ms "
                      f"over {len(ms)} requests{', errors ' + str(dict(cheap.errors)) if cheap.errors else ''}")
        finally:
            server.terminate()
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
