#!/usr/bin/python3
"""Prints hl7v2's figures beside the peers' with ratios, from hl7v2-bench --json output and the JSON
lines of compare.sh. Like is compared with like: a peer that builds a tree is compared with hl7v2's
`tree` stage, a peer that produces JSON with hl7v2's `named` JSON stage (when that stage exists).

usage: table.py HL7V2_BENCH_JSON PEERS_JSONL
"""
import json
import sys

# Which hl7v2 stage a peer's output is compared with.
STAGE_FOR_OUTPUT = {"tree": "tree", "json-object": "named", "json-text": "named"}
OUTPUT_LABEL = {"tree": "tree", "json-object": "JSON (JS object)", "json-text": "JSON text"}


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1]) as f:
        ours = json.load(f)
    peers = []
    with open(argv[2]) as f:
        for line in f:
            line = line.strip()
            if line:
                peers.append(json.loads(line))

    stages = {s["stage"]: s for s in ours["stages"]}
    print("hl7v2 (best of %d, MB = 10^6 bytes of corpus)" % ours["repeat"])
    print("  %-12s %10s %12s %10s %11s" % ("stage", "MB/s", "msg/s", "ns/msg", "allocs/msg"))
    for s in ours["stages"]:
        if not s["available"]:
            print("  %-12s not available yet" % s["stage"])
            continue
        print("  %-12s %10.1f %12.0f %10.1f %11.3f" % (
            s["stage"], s["mb_per_s"]["best"], s["messages_per_s"]["best"], s["ns_per_message"]["best"],
            s["allocations_per_message"]))

    print()
    print("peers on the same corpus (best of K; only parsing timed)")
    print("  %-44s %-17s %9s %11s %7s   %-22s" % ("peer", "output", "MB/s", "msg/s", "errors", "hl7v2 vs peer"))
    for p in peers:
        name = p["peer"] + (" " + p["version"] if p.get("version") else "")
        if not p.get("available", True):
            print("  %-44s not run: %s" % (name, p.get("reason", "unknown")))
            continue
        stage_name = STAGE_FOR_OUTPUT.get(p["output"], "tree")
        stage = stages.get(stage_name)
        if stage is None or not stage["available"] or p["mb_per_s"] <= 0:
            ratio = "n/a (%s stage not available yet)" % stage_name
        else:
            ratio = "%.1fx (%s)" % (stage["mb_per_s"]["best"] / p["mb_per_s"], stage_name)
        errors = "%d" % p["errors"]
        print("  %-44s %-17s %9.2f %11.0f %7s   %s" % (
            name, OUTPUT_LABEL.get(p["output"], p["output"]), p["mb_per_s"], p["messages_per_s"], errors, ratio))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
