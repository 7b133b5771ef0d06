#!/usr/bin/env python3
"""Checks a result CSV against what the test uploaded.

usage: check_csv.py [--partial] RESULT.csv EXPECTED
EXPECTED holds NUL-separated pairs: key, size, key, size, ... (keys may hold
any byte but NUL, so no other separator is safe). Every expected key must
appear exactly once, in a row whose Size and CalcSize equal its size, and
nothing else may appear. With --partial (a stopped run) a row may instead
have an empty CalcSize; the number of rows fetched is printed. Prints one
line per problem; exits 1 if any."""
import csv
import re
import sys


def main():
    args = sys.argv[1:]
    partial = args[:1] == ["--partial"]
    if partial:
        args = args[1:]
    result, expected_path = args[0], args[1]
    with open(expected_path, "rb") as f:
        parts = f.read().split(b"\0")
    if parts and parts[-1] == b"":
        parts.pop()
    expected = {}
    for key, size in zip(parts[0::2], parts[1::2]):
        expected[key.decode("utf-8", "surrogateescape")] = int(size)

    problems = []
    with open(result, newline="", encoding="utf-8", errors="surrogateescape") as f:
        rows = list(csv.reader(f))
    if not rows or not re.fullmatch(r"Key \(time = [0-9]+\.[0-9]+\) sec", rows[0][0]) \
            or rows[0][1:] != ["Size", "CalcSize"]:
        problems.append(f"bad header: {rows[0] if rows else 'empty file'}")
    seen = set()
    fetched = 0
    for row in rows[1:]:
        if len(row) != 3:
            problems.append(f"row with {len(row)} fields: {row!r}")
            continue
        key, size, calc = row
        if key in seen:
            problems.append(f"key twice: {key!r}")
        seen.add(key)
        if key not in expected:
            problems.append(f"unexpected key: {key!r}")
        elif partial and size == str(expected[key]) and calc == "":
            pass
        elif size != str(expected[key]) or calc != str(expected[key]):
            problems.append(f"{key!r}: Size {size!r} CalcSize {calc!r}, expected {expected[key]}")
        else:
            fetched += 1
    for key in expected.keys() - seen:
        problems.append(f"missing key: {key!r}")
    for p in problems[:20]:
        print(f"check_csv: {p}")
    if problems:
        print(f"check_csv: {len(problems)} problem(s) in {result}")
        return 1
    if partial:
        print(fetched)
    return 0


if __name__ == "__main__":
    sys.exit(main())
