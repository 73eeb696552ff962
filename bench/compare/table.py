#!/usr/bin/python3
"""Prints hl7v2's figures, the peers' beside them with ratios, and the targets (issue 6 ratios, issue 12 throughput), from
hl7v2-bench --json output and the JSON lines of compare.sh. Like is compared with like: a peer that
builds a tree is compared with hl7v2's `tree` stage, a peer that produces JSON with hl7v2's `named`
JSON stage.

usage: table.py HL7V2_BENCH_JSON PEERS_JSONL [--markdown] [--meta KEY=VALUE]...
  --markdown     Markdown tables (for README.md) instead of aligned text
  --meta K=V     a line of the header (machine, date, load average...), in the order given
"""
import json
import os
import sys

# Which hl7v2 stage a peer's output is compared with.
STAGE_FOR_OUTPUT = {"tree": "tree", "json-object": "named", "json-text": "named"}
OUTPUT_LABEL = {"tree": "tree", "json-object": "JSON (JS object)", "json-text": "JSON text"}
# Stages that should allocate nothing per message once warm (issue 6, section 4).
ZERO_ALLOC_STAGES = ("parse", "tree", "decode", "named", "typed", "positional", "validate")
TREE_TARGET = 100.0
JSON_TARGET, JSON_TARGET_NOW = 100.0, 50.0
# Ingest "scales with cores" when N jobs run at least this share of N times the 1-job speed.
SCALING_EFFICIENCY = 0.7
# Issue 12's throughput targets, MB/s per stage (single thread); framing's is "keep", so it has none.
STAGE_TARGETS = (("parse", 2500), ("tree", 2000), ("decode", 1200), ("named", 600), ("typed", 450),
                 ("positional", 1000), ("validate", 600), ("convert", 450))
# ... and ingest's: N jobs at least 90% of N x 1 job (1.8x on two cores), and at least this fast.
INGEST_TARGET_EFFICIENCY, INGEST_TARGET_MB_S = 0.9, 300


def render(title, header, rows, markdown, right_from=1, left_after=None):
    """One table; columns from `right_from` up to `left_after` (exclusive) are right-aligned figures."""
    def right(i):
        return right_from <= i and (left_after is None or i < left_after)

    out = []
    if markdown:
        out.append("#### " + title)
        out.append("")
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "|".join("---:" if right(i) else "---" for i in range(len(header))) + "|")
        for r in rows:
            out.append("| " + " | ".join(r) + " |")
    else:
        out.append(title)
        widths = [max(len(str(x[i])) for x in [header] + rows) for i in range(len(header))]
        for r in [header] + rows:
            cells = [str(c).rjust(w) if right(i) else str(c).ljust(w)
                     for i, (c, w) in enumerate(zip(r, widths))]
            out.append("  " + "  ".join(cells).rstrip())
    out.append("")
    return "\n".join(out)


def stage_label(s):
    if "jobs" in s:
        return "%s (%d job%s)" % (s["stage"], s["jobs"], "" if s["jobs"] == 1 else "s")
    return s["stage"]


def fmt(x, digits=1):
    return ("%." + str(digits) + "f") % x


def ratio_text(x):
    return "%.0f×" % x if x >= 10 else "%.1f×" % x


def main(argv):
    args = argv[1:]
    markdown = "--markdown" in args
    meta = []
    positional = []
    i = 0
    while i < len(args):
        if args[i] == "--markdown":
            i += 1
        elif args[i] == "--meta" and i + 1 < len(args):
            key, _, value = args[i + 1].partition("=")
            meta.append((key, value))
            i += 2
        else:
            positional.append(args[i])
            i += 1
    if len(positional) != 2:
        sys.stderr.write(__doc__)
        return 2
    with open(positional[0]) as f:
        ours = json.load(f)
    peers = []
    with open(positional[1]) as f:
        for line in f:
            line = line.strip()
            if line:
                peers.append(json.loads(line))

    stages = [s for s in ours["stages"]]
    by_name = {}
    for s in stages:
        if s.get("available") and s["stage"] not in by_name:
            by_name[s["stage"]] = s

    out = []
    corpus = ours["corpus"]
    messages = next((s["messages"] for s in stages if s.get("available")), None)
    header = [("corpus", "%s (%.2f MB%s)" % (", ".join(os.path.basename(f) for f in corpus["files"]), corpus["bytes"] / 1e6,
                                             ", %d messages" % messages if messages is not None else ""))]
    header.append(("compiler", ours.get("compiler", "unknown")))
    header += meta
    header.append(("method", "best of %d passes after a warm-up; MB = 10^6 bytes of corpus; "
                             "single-threaded unless jobs say otherwise" % ours["repeat"]))
    if markdown:
        out.append("\n".join("- **%s**: %s" % kv for kv in header) + "\n")
    else:
        out.append("\n".join("%s: %s" % kv for kv in header) + "\n")

    one_job = next((s for s in stages if s["stage"] == "ingest" and s.get("jobs") == 1 and s.get("available")), None)
    rows = []
    for s in stages:
        if not s.get("available"):
            rows.append([stage_label(s), "n/a", "", "", "", "", "", s.get("reason", "not available yet")])
            continue
        what = s["what"]
        if s["stage"] == "ingest" and s.get("jobs", 1) > 1 and one_job:  # the scaling, on the row itself
            what += "; %.2f× the 1-job MB/s" % (s["mb_per_s"]["best"] / one_job["mb_per_s"]["best"])
        allocs = s["allocations_per_message"]
        rows.append([stage_label(s), fmt(s["mb_per_s"]["best"]), fmt(s["mb_per_s"]["median"]),
                     fmt(s["messages_per_s"]["best"], 0), fmt(s["ns_per_message"]["best"], 0),
                     "-" if allocs is None else fmt(allocs, 3), fmt(s["peak_rss_kb"] / 1024.0, 0),
                     what])
    out.append(render("hl7v2 stages", ["stage", "MB/s", "MB/s median", "msg/s", "ns/msg", "allocs/msg",
                                       "peak RSS MB", "work"], rows, markdown, left_after=7))

    rows = []
    best_tree_peer = None
    best_redox = None
    for p in peers:
        name = p["peer"]
        if not p.get("available", True):
            rows.append([name, "", "not run", "", "", "", p.get("reason", "unknown")])
            continue
        stage_name = STAGE_FOR_OUTPUT.get(p["output"], "tree")
        stage = by_name.get(stage_name)
        if stage is None or p["mb_per_s"] <= 0:
            ratio = "n/a (%s stage did not run)" % stage_name
        else:
            ratio = "%s (%s)" % (ratio_text(stage["mb_per_s"]["best"] / p["mb_per_s"]), stage_name)
        if p["output"] == "tree" and (best_tree_peer is None or p["mb_per_s"] > best_tree_peer["mb_per_s"]):
            best_tree_peer = p
        if "redox" in name and (best_redox is None or p["mb_per_s"] > best_redox["mb_per_s"]):
            best_redox = p
        rows.append([name, p.get("version", ""), OUTPUT_LABEL.get(p["output"], p["output"]),
                     fmt(p["mb_per_s"], 2), fmt(p["messages_per_s"], 0), "%d" % p["errors"], ratio])
    if rows:
        out.append(render("peers on the same corpus (best of K, only parsing timed; ratio = hl7v2 ÷ peer)",
                          ["peer", "version", "output", "MB/s", "msg/s", "errors", "hl7v2 ÷ peer"], rows, markdown,
                          right_from=3, left_after=6))
    else:
        out.append("peers: not run\n")

    out.append(render("targets (issue 6)", ["target", "measured", "status"], targets(by_name, stages,
                                                                                  best_tree_peer, best_redox),
                      markdown, right_from=3))
    out.append(render("throughput targets (issue 12)", ["stage", "MB/s", "target", "share of target", "status"],
                      stage_targets(by_name, stages), markdown, left_after=4))
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def targets(by_name, stages, best_tree_peer, best_redox):
    rows = []
    tree = by_name.get("tree")
    if tree and best_tree_peer:
        r = tree["mb_per_s"]["best"] / best_tree_peer["mb_per_s"]
        rows.append(["tree ≥ %.0f× the fastest tree peer" % TREE_TARGET,
                     "%s %s (%s vs %s MB/s)" % (ratio_text(r), best_tree_peer["peer"],
                                                fmt(tree["mb_per_s"]["best"]), fmt(best_tree_peer["mb_per_s"], 2)),
                     "met" if r >= TREE_TARGET else "NOT met"])
    else:
        rows.append(["tree ≥ %.0f× the fastest tree peer" % TREE_TARGET, "no tree peer or tree stage ran", "n/a"])

    named = by_name.get("named")
    if named and best_redox:
        r = named["mb_per_s"]["best"] / best_redox["mb_per_s"]
        status = "met" if r >= JSON_TARGET else ("%.0f× met, %.0f× NOT met" % (JSON_TARGET_NOW, JSON_TARGET)
                                                  if r >= JSON_TARGET_NOW else "NOT met")
        rows.append(["named JSON ≥ %.0f× Redox (≥ %.0f× now)" % (JSON_TARGET, JSON_TARGET_NOW),
                     "%s the faster Redox variant (%s vs %s MB/s)" % (ratio_text(r), fmt(named["mb_per_s"]["best"]),
                                                                      fmt(best_redox["mb_per_s"], 2)), status])
    else:
        rows.append(["named JSON ≥ %.0f× Redox" % JSON_TARGET, "Redox or the named stage did not run", "n/a"])

    measured = [(n, by_name[n]["allocations_per_message"]) for n in ZERO_ALLOC_STAGES if n in by_name]
    if measured:
        nonzero = [(n, a) for n, a in measured if a is None or a > 0]
        text = ("0 in " + ", ".join(n for n, _ in measured)) if not nonzero else \
            ", ".join("%s %.3f" % (n, a) for n, a in nonzero)
        rows.append(["zero allocations per message (warm, in-process stages)", text,
                     "met" if not nonzero else "NOT met"])

    ingest = [s for s in stages if s["stage"] == "ingest" and s.get("available")]
    one = next((s for s in ingest if s.get("jobs") == 1), None)
    many = max((s for s in ingest if s.get("jobs", 0) > 1), key=lambda s: s["jobs"], default=None)
    if one and many:
        speedup = many["mb_per_s"]["best"] / one["mb_per_s"]["best"]
        n = many["jobs"]
        rows.append(["ingest scales with cores (N jobs ≥ %.0f%% of N × 1 job)" % (SCALING_EFFICIENCY * 100),
                     "%.2f× with %d jobs (%s → %s MB/s)" % (speedup, n, fmt(one["mb_per_s"]["best"]),
                                                            fmt(many["mb_per_s"]["best"])),
                     "met" if speedup >= SCALING_EFFICIENCY * n else "NOT met"])
    else:
        why = "one hardware thread" if one else "ingest did not run"
        rows.append(["ingest scales with cores", why, "n/a"])
    return rows


def stage_targets(by_name, stages):
    """One row per stage with an absolute target: measured, target, how far, met or not."""
    rows = []
    for name, target in STAGE_TARGETS:
        s = by_name.get(name)
        if s is None or not s.get("available", True):
            rows.append([name, "-", "≥ %d" % target, "-", "did not run"])
            continue
        mb = s["mb_per_s"]["best"]
        rows.append([name, fmt(mb), "≥ %d" % target, "%.0f%%" % (100.0 * mb / target),
                     "met" if mb >= target else "NOT met"])
    ingest = [s for s in stages if s["stage"] == "ingest" and s.get("available")]
    one = next((s for s in ingest if s.get("jobs") == 1), None)
    many = max((s for s in ingest if s.get("jobs", 0) > 1), key=lambda s: s["jobs"], default=None)
    if one and many:
        n, mb = many["jobs"], many["mb_per_s"]["best"]
        need = INGEST_TARGET_EFFICIENCY * n
        speedup = mb / one["mb_per_s"]["best"]
        rows.append(["ingest (%d jobs)" % n, fmt(mb), "≥ %d and ≥ %.1f× 1 job" % (INGEST_TARGET_MB_S, need),
                     "%.0f%%, %.2f×" % (100.0 * mb / INGEST_TARGET_MB_S, speedup),
                     "met" if mb >= INGEST_TARGET_MB_S and speedup >= need else "NOT met"])
    return rows


if __name__ == "__main__":
    sys.exit(main(sys.argv))
