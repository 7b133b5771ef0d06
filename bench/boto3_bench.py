#!/usr/bin/python3
"""The reference experiment in Python, for `make bench`'s baseline.

Does what the article's program does (see ../shared/reference/README.md):
lists the whole bucket with list_objects_v2 and continuation tokens, then
fetches every key with pool.map over a ThreadPoolExecutor (MODE=thread) or a
ProcessPoolExecutor (any other MODE), CONCURRENCY workers, each worker with
its own boto3 client made in the pool initializer; the worker reads the body
with iter_chunks() and adds up the chunk lengths. Only the pool.map is timed
(time.perf_counter). Unlike the article it writes no CSV and uploads nothing
(like s3bench --no-upload), and it prints one JSON line shaped like
s3bench --json's:

  {"mode": ..., "concurrency": N, "objects": N, "bytes": N,
   "fetch_seconds": S, "objects_per_second": X, "bytes_per_second": X,
   "errors": N, "mismatches": N}

Environment: BUCKET_NAME, CONCURRENCY, MODE, AWS_ENDPOINT_URL (boto3 1.26,
Debian 12's, does not read it itself), AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_REGION. Two bounds keep a run short whatever
the machine's speed (the rate is per object, so a bounded run measures the
same): BOTO3_MAX_KEYS fetches only the first N listed keys; BOTO3_SECONDS
(0: none) is a time budget. With a budget the pool is first warmed up (every
worker started, its client made) and the clock starts after that (the
article's clock also covers the pool's start, noise over 46,000 objects but
not over a few seconds); keys are then handed out as workers free up (at
most one waiting per worker), and none after the budget; the rate counts the
fetched objects over the time to the end of the last one. Without a budget
it is the article's pool.map over every key.
Run it with Debian's python3-boto3: /usr/bin/python3 bench/boto3_bench.py
"""
import json
import os
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, ThreadPoolExecutor, wait

import boto3

BUCKET_NAME = os.environ["BUCKET_NAME"]
CONCURRENCY = int(os.environ["CONCURRENCY"])
MODE = os.environ.get("MODE", "thread")
ENDPOINT_URL = os.environ.get("AWS_ENDPOINT_URL") or None
MAX_KEYS = int(os.environ.get("BOTO3_MAX_KEYS", "0"))
SECONDS = float(os.environ.get("BOTO3_SECONDS", "0"))

thread_local = threading.local()


def worker(key):
    """GETs key and counts its body: (ContentLength, counted, ok)."""
    try:
        obj = thread_local.client.get_object(Bucket=BUCKET_NAME, Key=key)
        length = 0
        for chunk in obj["Body"].iter_chunks():
            length += len(chunk)
        return (obj["ContentLength"], length, True)
    except Exception as e:  # counted, as s3bench counts failed objects
        print(f"boto3_bench: GET {key}: {e}", file=sys.stderr)
        return (-1, 0, False)


def _worker_init():
    sess = boto3.session.Session()
    thread_local.client = sess.client("s3", endpoint_url=ENDPOINT_URL)


def _ready(_):
    """Warm-up task: holds its worker a moment so that every worker starts."""
    time.sleep(0.05)


def run_budget(pool, keys):
    """Fetches keys as workers free up until SECONDS have passed; returns
    (results, seconds)."""
    list(pool.map(_ready, range(CONCURRENCY)))
    start = time.monotonic()
    deadline = start + SECONDS
    pending, result, it = set(), [], iter(keys)
    while True:
        while len(pending) < 2 * CONCURRENCY and time.monotonic() < deadline:
            key = next(it, None)
            if key is None:
                break
            pending.add(pool.submit(worker, key))
        if not pending:
            break
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        result += [f.result() for f in done]
    return result, time.monotonic() - start


def list_keys():
    client = boto3.client("s3", endpoint_url=ENDPOINT_URL)
    keys, param = [], {"Bucket": BUCKET_NAME}
    while True:
        response = client.list_objects_v2(**param)
        keys += [content["Key"] for content in response.get("Contents", [])]
        if not response["IsTruncated"]:
            return keys
        param["ContinuationToken"] = response["NextContinuationToken"]


def main():
    keys = list_keys()
    if MAX_KEYS > 0:
        keys = keys[:MAX_KEYS]
    pool_class = ThreadPoolExecutor if MODE == "thread" else ProcessPoolExecutor
    with pool_class(max_workers=CONCURRENCY, initializer=_worker_init) as pool:
        if SECONDS > 0:
            done, seconds = run_budget(pool, keys)
        else:
            time_start = time.perf_counter()
            done = list(pool.map(worker, keys))
            seconds = time.perf_counter() - time_start
    nbytes = sum(r[1] for r in done)
    errors = sum(1 for r in done if not r[2])
    mismatches = sum(1 for r in done if r[2] and r[0] != r[1])
    print(json.dumps({
        "mode": "thread" if MODE == "thread" else "process",
        "concurrency": CONCURRENCY, "objects": len(done), "listed": len(keys), "bytes": nbytes,
        "fetch_seconds": seconds, "objects_per_second": len(done) / seconds,
        "bytes_per_second": nbytes / seconds, "errors": errors, "mismatches": mismatches,
    }))
    return 1 if errors or mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
