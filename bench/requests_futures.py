"""The Python original, requests-futures, driven through the same workloads as bench/run.ts.

Run with Debian's own interpreter (it sees python3-requests-futures):

    /usr/bin/python3 bench/requests_futures.py --origin http://127.0.0.1:PORT \
        --workload w2 --total 20000 --workers 64

Prints one JSON object on stdout:
  w1  {"ms": wall time of N GETs of /delay?ms=50 submitted at once, then each awaited}
  w2  {"rps": N GETs of /fast submitted at once to max_workers workers, per second}
  w3  {"baseline", "peak", "after": RSS in bytes; N GETs of /fast submitted at once, each
       future dropped once done; peak is ru_maxrss (the process's peak), after is the RSS once
       all finished and gc ran}
Every measured part follows a warm-up of a few rounds of max_workers concurrent GETs of /fast.
"""

import argparse
import gc
import json
import os
import resource
import sys
import threading
import time

# This file's own name would shadow the package: drop its folder from the import path first.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != HERE]

from requests_futures.sessions import FuturesSession  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss():
    """The current resident set size in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


def peak_rss():
    """The peak resident set size of this process so far, in bytes (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def consume(future):
    # requests reads the whole body on .content; requests-futures returns it already read
    # (stream=False), so this only touches it.
    return len(future.result().content)


def warm(session, origin, workers):
    for _ in range(3):
        for future in [session.get(origin + "/fast") for _ in range(workers)]:
            consume(future)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--origin", required=True)
    parser.add_argument("--workload", choices=("w1", "w2", "w3"), required=True)
    parser.add_argument("--total", type=int, required=True)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--delay", type=int, default=50)
    args = parser.parse_args()
    if not args.origin.startswith(("http://127.", "http://localhost")):
        sys.exit("loopback origins only")

    # requests-futures sizes the adapter's connection pool to max_workers when it is above 10.
    session = FuturesSession(max_workers=args.workers)
    warm(session, args.origin, args.workers)

    if args.workload == "w1":
        url = "%s/delay?ms=%d" % (args.origin, args.delay)
        started = time.perf_counter()
        futures = [session.get(url) for _ in range(args.total)]
        for future in futures:
            consume(future)
        result = {"ms": (time.perf_counter() - started) * 1000}
    elif args.workload == "w2":
        url = args.origin + "/fast"
        started = time.perf_counter()
        futures = [session.get(url) for _ in range(args.total)]
        for future in futures:
            consume(future)
        result = {"rps": args.total / (time.perf_counter() - started)}
    else:
        url = args.origin + "/fast"
        # Like the Node clients in W3, keep no future once it is done: only the queue holds them.
        left = [args.total]
        lock = threading.Lock()
        finished = threading.Event()

        def on_done(future):
            consume(future)
            with lock:
                left[0] -= 1
                if left[0] == 0:
                    finished.set()

        gc.collect()
        baseline = rss()
        for _ in range(args.total):
            session.get(url).add_done_callback(on_done)
        finished.wait()
        peak = peak_rss()
        gc.collect()
        result = {"baseline": baseline, "peak": peak, "after": rss()}

    session.close()
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
