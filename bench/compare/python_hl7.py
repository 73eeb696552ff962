#!/usr/bin/python3
"""Runs one corpus through python-hl7 (Debian's python3-hl7) and prints one JSON line, with the same
keys as compare.js. Split and decoding follow corpus.js exactly (see bench/README.md); only
hl7.parse is timed, best of --runs after a warm-up pass.

Run it with /usr/bin/python3: Debian's python3-hl7 is installed for the system interpreter.

usage: /usr/bin/python3 python_hl7.py CORPUS [--runs K]
"""
import json
import re
import sys
import time

PEER = "python-hl7"


def split_messages(text):
    if text[:1] == "\x0b":
        out = []
        pos = 0
        while True:
            start = text.find("\x0b", pos)
            if start < 0:
                break
            end = text.find("\x1c", start + 1)
            if end < 0:
                end = len(text)
            out.append(text[start + 1:end])
            pos = end + 1
        return out
    return [m for m in re.split(r"(?<=[\r\n])(?=MSH\|)", text) if m.strip()]


def main(argv):
    args = argv[1:]
    runs = 5
    path = None
    i = 0
    while i < len(args):
        if args[i] == "--runs" and i + 1 < len(args):
            runs = int(args[i + 1])
            i += 2
        elif path is None:
            path = args[i]
            i += 1
        else:
            sys.stderr.write(__doc__)
            return 2
    if path is None or runs < 1:
        sys.stderr.write(__doc__)
        return 2
    try:
        import hl7
    except ImportError:
        print(json.dumps({"peer": PEER, "available": False,
                          "reason": "python3-hl7 not installed (apt-get install python3-hl7)"}))
        return 0

    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("latin-1")
    messages = [re.sub(r"\r\n|\n", "\r", m) for m in split_messages(text)]

    def one_pass():
        errors = 0
        sink = 0
        for m in messages:
            try:
                sink += len(hl7.parse(m))
            except Exception:  # the exception text may quote message data: count it, never print it
                errors += 1
        return errors, sink

    one_pass()  # warm-up, as for the JIT peers
    times = []
    errors = sink = 0
    for _ in range(runs):
        start = time.perf_counter()
        errors, sink = one_pass()
        times.append(time.perf_counter() - start)
    times.sort()
    best = times[0]
    n = len(times)
    median = times[n // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) / 2
    version = getattr(hl7, "__version__", None)
    print(json.dumps({
        "peer": PEER, "version": version,
        "runtime": "python %d.%d.%d" % sys.version_info[:3],
        "output": "tree", "messages": len(messages), "errors": errors, "bytes": len(data), "runs": runs,
        "best_s": best, "median_s": median, "mb_per_s": len(data) / 1e6 / best,
        "messages_per_s": len(messages) / best, "checksum": sink,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
