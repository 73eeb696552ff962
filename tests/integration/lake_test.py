"""hl7v2 lake ingest/status end to end, one test per guarantee of issue 5 §3: accounting, idempotence,
concurrent runs, crash safety (SIGKILL at random points), security (paths, permissions, no field values
on stderr), lenient vs --strict (validation), batch trailer errors, grouped staging, parallel batches. Usage: lake_test.py CLI DATA WORK"""
import glob
import json
import os
import random
import shutil
import signal
import subprocess
import sys
sys.dont_write_bytecode = True  # keep the source tree clean
import time

from common import PLANTED, fresh_dir, main, ndjson, run, write_corpus

CLI, DATA, WORK = sys.argv[1:4]
fresh_dir(WORK)
CLI_DATA = os.path.join(DATA, "cli")
SAMPLES = [os.path.join(DATA, n) for n in ("blog_adt_a01.hl7", "oru_r01_lab.hl7", "lf_feed_two_messages.hl7")]
CORPUS = os.path.join(WORK, "corpus")
CORPUS_TOTAL, CORPUS_BROKEN = write_corpus(CORPUS, files=12, per_file=400, seed=11, broken_every=97)


def ingest(lake, *inputs, rc=None, extra=()):
    return run(CLI, "lake", "ingest", "--lake", lake, "--no-progress", *extra, *inputs, check_rc=rc)


def traced_env():
    """The environment for a run under strace: LeakSanitizer stops the world with ptrace, which a traced
    process cannot, so a sanitizer build would abort at exit; the leak check is off for these runs only."""
    env = dict(os.environ)
    if "ASAN_OPTIONS" in env:
        env["ASAN_OPTIONS"] += ":detect_leaks=0"
    return env


def manifests(lake):
    return [json.load(open(p)) for p in sorted(glob.glob(os.path.join(lake, "manifest", "*.json")))]


def records(lake, zone):
    out = []
    for p in sorted(glob.glob(os.path.join(lake, zone, "**", "*.ndjson"), recursive=True)):
        out += [(p, r) for r in ndjson(open(p, encoding="utf-8").read())]
    return out


def check_accounting(lake, expected_messages=None, expected_errors=None):
    """messages = staged + errors per input and in total, and the zones hold exactly that, once."""
    ms = manifests(lake)
    staged, errors = records(lake, "staging"), records(lake, "error")
    batch = [(p, r) for p, r in errors if r.get("kind") == "batch_trailer"]  # not messages: counted apart
    errors = [(p, r) for p, r in errors if r.get("kind") != "batch_trailer"]
    assert len(batch) == sum(m["batch_errors"] for m in ms), (len(batch), [m["batch_errors"] for m in ms])
    for m in ms:
        assert m["messages"] == m["staged"] + m["errors"], m
        assert sum(m["partitions"].values()) == m["staged"] and sum(m["error_codes"].values()) == m["errors"], m
        assert os.path.exists(os.path.join(lake, "raw", m["sha256"] + ".hl7"))
        for f in m["files"]:
            assert os.path.exists(os.path.join(lake, f)), f
    keys = [(r["_source_sha256"], r["_message_index"]) for _, r in staged]
    keys += [(r["source_sha256"], r["message_index"]) for _, r in errors]
    assert len(keys) == len(set(keys)), "a message is in the lake twice"
    assert len(staged) == sum(m["staged"] for m in ms), (len(staged), sum(m["staged"] for m in ms))
    assert len(errors) == sum(m["errors"] for m in ms)
    for m in ms:  # each input's messages are numbered 0..n-1 across both zones: none lost
        idx = sorted(i for s, i in keys if s == m["sha256"])
        assert idx == list(range(m["messages"])), (m["source"], idx[:10])
    total = sum(m["messages"] for m in ms)
    if expected_messages is not None:
        assert total == expected_messages, (total, expected_messages)
    if expected_errors is not None:
        assert len(errors) == expected_errors, (len(errors), expected_errors)
    assert not glob.glob(os.path.join(lake, "manifest", "*.journal")), "uncommitted input left"
    return ms


def snapshot(lake):
    out = {}
    for root, dirs, files in os.walk(lake):
        if os.path.relpath(root, lake).startswith(("tmp", "locks")):
            continue
        for f in files:
            p = os.path.join(root, f)
            st = os.stat(p)
            out[os.path.relpath(p, lake)] = (st.st_size, st.st_mtime_ns)
    return out


def test_accounting_samples_broken_and_corpus():
    lake = os.path.join(WORK, "acct")
    p = ingest(lake, *SAMPLES, CLI_DATA, CORPUS, rc=1)  # the broken files put messages in error
    ms = check_accounting(lake, expected_messages=4 + 20 + CORPUS_TOTAL)  # samples, tests/data/cli, corpus
    by_name = {os.path.basename(m["source"]): m for m in ms}
    assert by_name["lf_feed_two_messages.hl7"]["staged"] == 2
    assert by_name["no_msh.hl7"]["errors"] == 1 and by_name["no_msh.hl7"]["staged"] == 0
    assert by_name["bare_msh.hl7"]["error_codes"] == {"bare_header": 1}
    assert sum(m["errors"] for m in ms) == 5 + CORPUS_BROKEN
    assert sum(m["batch_errors"] for m in ms) == 1  # batch_count_mismatch.hl7: not a message error
    # raw zone: byte-identical originals named by hash
    for m in ms:
        src = m["source"]
        assert open(os.path.join(lake, "raw", m["sha256"] + ".hl7"), "rb").read() == open(src, "rb").read()
    # error records: reason, position, source, offsets into the raw file, original text
    for _, r in records(lake, "error"):
        raw = open(os.path.join(lake, "raw", r["source_sha256"] + ".hl7"), "rb").read()
        assert raw[r["byte_offset"]:r["byte_offset"] + r["byte_length"]].decode("utf-8", "replace") == r["message"]
        assert r["reason"] and r["code"] and "segment" in r and "field" in r and r["source"]
    # staging records carry their origin first
    _, first = records(lake, "staging")[0]
    assert list(first)[:3] == ["_source_sha256", "_message_index", "_byte_offset"]
    assert b"1 inputs" not in p.stderr and b"messages" in p.stderr  # one-line summary


def test_idempotent_rerun_and_renamed_copy():
    lake = os.path.join(WORK, "idem")
    ingest(lake, *SAMPLES, CORPUS)
    before = snapshot(lake)
    p = ingest(lake, *SAMPLES, CORPUS)
    assert snapshot(lake) == before, "a rerun changed the lake"
    assert b"0 inputs ingested" in p.stderr, p.stderr
    copy = os.path.join(WORK, "renamed.hl7")
    open(copy, "wb").write(open(SAMPLES[0], "rb").read())
    ingest(lake, copy)
    assert snapshot(lake) == before, "the same bytes under another name were added"
    check_accounting(lake, expected_messages=4 + CORPUS_TOTAL)


def test_two_concurrent_ingests():
    for round_ in range(3):
        lake = fresh_dir(os.path.join(WORK, f"conc{round_}"))
        args = [CLI, "lake", "ingest", "--lake", lake, "--no-progress", "--jobs", "2", "--batch-size", "16384"]
        a = subprocess.Popen(args + [CORPUS, *SAMPLES], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        b = subprocess.Popen(args + list(reversed([CORPUS, *SAMPLES])), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ra, rb = a.wait(timeout=300), b.wait(timeout=300)
        assert ra in (0, 1) and rb in (0, 1), (ra, rb, a.stderr.read(), b.stderr.read())
        check_accounting(lake, expected_messages=4 + CORPUS_TOTAL, expected_errors=CORPUS_BROKEN)


def test_sigkill_at_random_points_then_rerun():
    rng = random.Random(5)
    # a slow enough input: a few bigger files, small batches so there are many publish steps
    big = os.path.join(WORK, "crash_corpus")
    total, broken = write_corpus(big, files=6, per_file=3000, seed=13, broken_every=250)
    t0 = time.monotonic()
    ingest(fresh_dir(os.path.join(WORK, "crash_timing")), big, extra=("--jobs", "2", "--batch-size", "65536"))
    full = time.monotonic() - t0  # kill points are spread over one uninterrupted run's duration
    interrupted = 0
    for it in range(10):
        lake = fresh_dir(os.path.join(WORK, f"crash{it}"))
        args = [CLI, "lake", "ingest", "--lake", lake, "--no-progress", "--jobs", "2", "--batch-size", "65536", big]
        # first, one or two runs killed at random moments
        for _ in range(rng.randint(1, 2)):
            p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.0, full))
            p.send_signal(signal.SIGKILL)
            p.wait()
            interrupted += len(manifests(lake)) < 6
            # whatever is visible in the zones is complete NDJSON
            for zone in ("staging", "error"):
                records(lake, zone)
        r = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300)
        assert r.returncode in (0, 1), r.stderr
        check_accounting(lake, expected_messages=total, expected_errors=broken)
        assert os.listdir(os.path.join(lake, "tmp")) == [], os.listdir(os.path.join(lake, "tmp"))
    assert interrupted >= 3, f"only {interrupted} kills landed mid-run: the test did not test much"


def test_security_paths_permissions_and_logs():
    lake = os.path.join(WORK, "sec")
    # a permissive umask must not widen anything
    p = subprocess.run([CLI, "lake", "ingest", "--lake", lake, "--no-progress", CLI_DATA, *SAMPLES],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=lambda: os.umask(0))
    assert p.returncode == 1, p.stderr
    real = os.path.realpath(lake)
    for root, dirs, files in os.walk(lake):
        for d in dirs:
            path = os.path.join(root, d)
            assert os.path.realpath(path).startswith(real + os.sep)
            assert os.stat(path).st_mode & 0o777 == 0o700, path
            assert d not in (".", "..") and not d.split("=")[-1].startswith((".", "_")), d
        for f in files:
            assert os.stat(os.path.join(root, f)).st_mode & 0o777 == 0o600, f
    assert os.stat(lake).st_mode & 0o777 == 0o700
    parts = [os.path.relpath(p, lake) for p in glob.glob(os.path.join(lake, "staging", "*", "*", "*"))]
    assert "staging/structure=unknown/version=x.._../message_type=x.._.._etc_.._.._x" in parts, parts
    for _, r in records(lake, "staging"):  # control ids never reach a path
        assert "../../x" not in os.path.dirname(_) and "abs" not in os.path.dirname(_)
    assert not os.path.exists(os.path.join(os.path.dirname(lake), "x"))
    out = p.stdout.decode() + p.stderr.decode()
    assert PLANTED not in out and "PLANTEDVALUE42" not in out, out
    s = run(CLI, "lake", "status", "--lake", lake, check_rc=0)
    assert PLANTED not in s.stdout.decode() + s.stderr.decode()


def test_strict_sends_validation_errors_to_the_error_zone():
    strict_file = os.path.join(CLI_DATA, "strict_only.hl7")  # 9.9, QQQ, valid, bad PID-7, empty MSH-12
    lenient = os.path.join(WORK, "lenient")
    ingest(lenient, strict_file, rc=0)
    (m,) = check_accounting(lenient, expected_messages=5)
    assert m["staged"] == 5
    strict = os.path.join(WORK, "strict")
    p = ingest(strict, strict_file, rc=1, extra=("--strict",))
    (m,) = check_accounting(strict, expected_messages=5)
    assert m["staged"] == 1 and m["error_codes"] == {"unknown_version": 2, "validation_failed": 2}, m
    errs = {r["message_index"]: r for _, r in records(strict, "error")}
    assert sorted(errs) == [0, 1, 3, 4]
    assert (errs[0]["code"], errs[0]["segment"], errs[0]["field"]) == ("unknown_version", 1, 12)
    assert (errs[1]["code"], errs[1]["segment"]) == ("validation_failed", 4), errs[1]
    assert {(d["severity"], d["code"], d["path"]) for d in errs[1]["diagnostics"]} == \
        {("error", "unexpected_segment", "QQQ"), ("warning", "unknown_segment", "QQQ")}, errs[1]["diagnostics"]
    (d,) = errs[3]["diagnostics"]
    assert (d["code"], d["path"], d["expectation"]) == ("bad_datetime", "PID-7-1", "DTM"), d
    assert (errs[3]["segment"], errs[3]["field"]) == (3, 7)
    # The value is in the error zone's copy of the message, and nowhere else: not in the diagnostics,
    # not on stderr, not in the manifest or the status.
    assert PLANTED in errs[3]["message"]
    assert all(PLANTED not in json.dumps(r["diagnostics"]) for r in errs.values() if "diagnostics" in r)
    assert PLANTED not in p.stdout.decode() + p.stderr.decode()
    assert PLANTED not in json.dumps(m)
    assert PLANTED not in run(CLI, "lake", "status", "--lake", strict, check_rc=0).stdout.decode()
    (staged,) = [r for _, r in records(strict, "staging")]
    assert staged["msh"]["message_control_id"] == "V3"  # Z-segments and warnings pass
    # --default-version validates the message with an empty MSH-12 (where MSH-12 is required).
    dv = os.path.join(WORK, "strict_dv")
    ingest(dv, strict_file, rc=1, extra=("--strict", "--default-version", "2.5.1"))
    errs = {r["message_index"]: r for _, r in records(dv, "error")}
    assert errs[4]["code"] == "validation_failed" and errs[4]["diagnostics"][0]["path"] == "MSH-12", errs[4]
    ingest(os.path.join(WORK, "bad_dv"), strict_file, rc=2, extra=("--default-version", "nope"))


def test_batch_count_errors_are_recorded_apart():
    lake = os.path.join(WORK, "batch")
    path = os.path.join(CLI_DATA, "batch_count_mismatch.hl7")
    ingest(lake, path, rc=1)
    (m,) = check_accounting(lake, expected_messages=2)
    assert (m["staged"], m["errors"], m["batch_errors"], m["error_codes"]) == (2, 0, 1, {}), m
    ((_, r),) = records(lake, "error")
    assert r["kind"] == "batch_trailer" and r["messages_before"] == 2 and r["code"] == "batch_count_mismatch"
    assert r["message"] == "BTS|3\r" and r["source_sha256"] == m["sha256"]
    raw = open(os.path.join(lake, "raw", m["sha256"] + ".hl7"), "rb").read()
    assert raw[r["byte_offset"]:r["byte_offset"] + r["byte_length"]] == b"BTS|3\r"
    s = json.loads(run(CLI, "lake", "status", "--lake", lake, "--json", check_rc=0).stdout)
    assert (s["messages"], s["staged"], s["errors"], s["batch_errors"]) == (2, 2, 0, 1), s


def test_grouped_staging():
    lake = os.path.join(WORK, "grouped")
    ingest(lake, os.path.join(DATA, "oru_r01_lab.hl7"), rc=0, extra=("--format", "grouped"))
    (m,) = check_accounting(lake, expected_messages=1)
    assert m["format"] == "grouped"
    ((_, r),) = records(lake, "staging")
    assert list(r)[:3] == ["_source_sha256", "_message_index", "_byte_offset"] and "patient_result" in r, list(r)


def test_status_counts_match_manifests():
    lake = os.path.join(WORK, "acct")  # from the accounting test
    s = json.loads(run(CLI, "lake", "status", "--lake", lake, "--json", check_rc=0).stdout)
    ms = manifests(lake)
    assert s["inputs"] == len(ms)
    assert s["messages"] == sum(m["messages"] for m in ms) == s["staged"] + s["errors"]
    types = {}
    for _, r in records(lake, "staging"):
        t = r["msh"]["message_type"]
        key = t["message_code" if "message_code" in t else "message_type"] + ("_" + t["trigger_event"] if t.get("trigger_event") else "")
        types[key] = types.get(key, 0) + 1
    assert {k: v for k, v in s["message_types"].items() if not k.startswith("x")} == \
        {k: v for k, v in types.items() if not k.startswith(".")}, (s["message_types"], types)
    assert s["error_codes"]["duplicate_delimiter"] >= CORPUS_BROKEN
    assert s["zones"]["raw"]["files"] == len(ms)
    text = run(CLI, "lake", "status", "--lake", lake, check_rc=0).stdout.decode()
    assert f"{s['messages']} = {s['staged']} staged + {s['errors']} errors" in text
    run(CLI, "lake", "status", "--lake", os.path.join(WORK, "no-such-lake"), check_rc=2)


def test_jobs_and_batches_do_not_change_the_result():
    def content(lake):
        return sorted(json.dumps(r, sort_keys=True) for _, r in records(lake, "staging") + records(lake, "error"))
    one = os.path.join(WORK, "jobs1")
    many = os.path.join(WORK, "jobs3")
    ingest(one, CORPUS, extra=("--jobs", "1"))
    ingest(many, CORPUS, extra=("--jobs", "3", "--batch-size", "4096"))
    assert content(one) == content(many)
    assert len(glob.glob(os.path.join(many, "staging", "**", "*.ndjson"), recursive=True)) > \
        len(glob.glob(os.path.join(one, "staging", "**", "*.ndjson"), recursive=True))


def part_numbers(lake):
    """The batch numbers <n> of the part files (part-<sha:16>-<n>.ndjson), per input."""
    out = {}
    for p in glob.glob(os.path.join(lake, "staging", "**", "*.ndjson"), recursive=True):
        sha16, n = os.path.basename(p)[len("part-"):-len(".ndjson")].rsplit("-", 1)
        out.setdefault(sha16, set()).add(int(n))
    return out


def test_default_batches_follow_the_input_size_and_the_jobs():
    """Without --batch-size, a mid-size input is cut into several batches per worker (not one 8 MiB
    batch), and -j1 and -j2 stage and error exactly the same records."""
    def content(lake):
        return sorted(json.dumps(r, sort_keys=True) for _, r in records(lake, "staging") + records(lake, "error"))
    big = os.path.join(WORK, "mid_size.hl7")
    with open(big, "wb") as out:  # ~5.5 MB: 5 x the corpus, broken messages included
        for _ in range(5):
            for p in sorted(glob.glob(os.path.join(CORPUS, "*.hl7"))):
                out.write(open(p, "rb").read())
    size = os.path.getsize(big)
    assert 4 << 20 < size < 8 << 20, size  # one batch under a fixed 8 MiB batch size
    one, two = os.path.join(WORK, "auto_j1"), os.path.join(WORK, "auto_j2")
    ingest(one, big, extra=("--jobs", "1"), rc=1)
    ingest(two, big, extra=("--jobs", "2"), rc=1)
    for lake in (one, two):
        check_accounting(lake, expected_messages=5 * CORPUS_TOTAL, expected_errors=5 * CORPUS_BROKEN)
    assert content(one) == content(two)
    (batches,) = part_numbers(two).values()
    assert batches == set(range(len(batches))) and len(batches) >= 4, sorted(batches)  # >= 2 per worker
    (batches1,) = part_numbers(one).values()
    assert len(batches1) >= 4, sorted(batches1)
    assert open(os.path.join(two, "raw", manifests(two)[0]["sha256"] + ".hl7"), "rb").read() == \
        open(big, "rb").read()


def test_every_rename_into_the_lake_follows_the_flush_of_its_file():
    """Durable runs flush off the converting threads (a flusher): still, each file is flushed before it is
    renamed into raw/, staging/, error/ or manifest/, and the manifest is renamed after all the input's
    files (strace -f -y: the fd's path is printed)."""
    if not shutil.which("strace"):
        print("  SKIPPED: strace not found")
        return
    lake = os.path.join(WORK, "flush_order")
    out = os.path.join(WORK, "flush_order.strace")
    cmd = ["strace", "-f", "-y", "-qq", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2", "-o", out,
           CLI, "lake", "ingest", "--lake", lake, "--no-progress", "--jobs", "2", "--batch-size", "65536", CORPUS]
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300, env=traced_env())
    assert p.returncode == 1, p.returncode  # the corpus has broken messages
    ms = check_accounting(lake, expected_messages=CORPUS_TOTAL)
    flushed, pending, visible = set(), {}, {}  # visible: lake path -> index of its rename
    events = 0
    for line in open(out):
        pid, rest = line.split(None, 1)
        if "resumed>" in rest:
            call = pending.pop(pid, None)
            if call and rest.rstrip().endswith("= 0"):
                flushed.add(call)
            continue
        if rest.startswith(("fdatasync(", "fsync(")):
            path = rest.split("<", 1)[1].split(">", 1)[0]
            if "<unfinished" in rest:
                pending[pid] = path
            elif rest.rstrip().endswith("= 0"):
                flushed.add(path)
        elif rest.startswith("rename"):
            args = rest.split('"')
            src, dst = args[1], args[3]
            rel = os.path.relpath(dst, lake)
            if rel.startswith(("raw/", "staging/", "error/", "manifest/")) and not rel.endswith(".journal"):
                assert src in flushed, ("renamed before it was flushed", rel)
                events += 1
                visible[rel] = events
    for m in ms:
        committed = visible["manifest/%s.json" % m["sha256"]]
        assert visible["raw/%s.hl7" % m["sha256"]] < committed, m["source"]
        for f in m["files"]:
            assert visible[f] < committed, f
    assert events >= len(ms) * 2 + sum(len(m["files"]) for m in ms)


def test_records_converted_while_the_input_is_read_carry_its_hash():
    """A regular file is framed and converted while it is read and hashed (stdin only after): the records
    written before the hash was known get it all the same, in staging and error, as do the part names;
    small batches make the framing stop on a full queue and go on from the copy. A rerun, whose early
    batches are dropped, leaves the lake and its tmp/ as they were."""
    def content(lake):  # error records name their source: "-" for stdin
        return sorted(json.dumps({k: v for k, v in r.items() if k != "source"}, sort_keys=True)
                      for _, r in records(lake, "staging") + records(lake, "error"))
    big = os.path.join(WORK, "early.hl7")
    with open(big, "wb") as out:  # ~3.3 MB, broken messages included
        for _ in range(3):
            for p in sorted(glob.glob(os.path.join(CORPUS, "*.hl7"))):
                out.write(open(p, "rb").read())
    lakes = []
    for i, extra in enumerate((("--jobs", "2", "--batch-size", "65536"), ("--jobs", "3", "--batch-size", "4096"),
                               ("--jobs", "2"))):
        lake = fresh_dir(os.path.join(WORK, f"early{i}"))
        ingest(lake, big, extra=extra, rc=1)
        (m,) = check_accounting(lake, expected_messages=3 * CORPUS_TOTAL, expected_errors=3 * CORPUS_BROKEN)
        for zone, key in (("staging", "_source_sha256"), ("error", "source_sha256")):
            for path, r in records(lake, zone):
                assert r[key] == m["sha256"], (path, r[key])
                assert os.path.basename(path).startswith("part-" + m["sha256"][:16] + "-"), path
        lakes.append(lake)
    piped = fresh_dir(os.path.join(WORK, "early_stdin"))
    run(CLI, "lake", "ingest", "--lake", piped, "--no-progress", "--jobs", "2", "-", stdin=open(big, "rb").read(),
        check_rc=1)
    assert content(piped) == content(lakes[0]) == content(lakes[1]) == content(lakes[2])
    lake = lakes[0]
    before = snapshot(lake)
    p = ingest(lake, big, extra=("--jobs", "2", "--batch-size", "65536"), rc=0)
    assert b"0 inputs ingested" in p.stderr, p.stderr
    assert snapshot(lake) == before, "a rerun changed the lake"
    assert os.listdir(os.path.join(lake, "tmp")) == [], os.listdir(os.path.join(lake, "tmp"))


def test_stdin_input():
    lake = os.path.join(WORK, "stdin")
    data = open(SAMPLES[2], "rb").read()
    run(CLI, "lake", "ingest", "--lake", lake, "--no-progress", "-", stdin=data, check_rc=0)
    (m,) = check_accounting(lake, expected_messages=2)
    assert m["source"] == "-" and open(os.path.join(lake, "raw", m["sha256"] + ".hl7"), "rb").read() == data


def test_status_shows_raw_files_without_a_manifest_as_pending():
    lake = os.path.join(WORK, "pending")
    ingest(lake, SAMPLES[0], rc=0)
    with open(os.path.join(lake, "raw", "0" * 64 + ".hl7"), "wb") as f:  # as a killed run can leave it
        f.write(b"MSH|^~\\&|A|B|C|D|20250101||ADT^A01|X1|P|2.5.1\r")
    s = json.loads(run(CLI, "lake", "status", "--lake", lake, "--json", check_rc=0).stdout)
    assert s["pending_raw"] == {"files": 1, "bytes": 46}, s["pending_raw"]
    assert s["inputs"] == 1 and s["messages_by_origin"] == {"ingest": 1}, s
    assert "pending   1 raw files" in run(CLI, "lake", "status", "--lake", lake, check_rc=0).stdout.decode()


def test_killed_after_the_manifest_rerun_removes_the_stale_journal():
    """A run killed between writing an input's manifest and removing its journal: the input is committed,
    so status does not call it uncommitted and the next run (which skips the input) removes the journal."""
    lake = os.path.join(WORK, "stale_journal")
    ingest(lake, SAMPLES[0], rc=0)
    (m,) = manifests(lake)
    journal = os.path.join(lake, "manifest", m["sha256"] + ".journal")
    with open(journal, "w") as f:  # what commit_input writes before publishing the files
        f.write("".join(x + "\n" for x in m["files"]))
    before = snapshot(lake)
    s = json.loads(run(CLI, "lake", "status", "--lake", lake, "--json", check_rc=0).stdout)
    assert s["uncommitted"] == 0, s
    p = ingest(lake, SAMPLES[0], rc=0)
    assert b"0 inputs ingested" in p.stderr, p.stderr
    assert not os.path.exists(journal)
    del before[os.path.relpath(journal, lake)]
    assert snapshot(lake) == before, "the rerun changed committed data"
    check_accounting(lake, expected_messages=1)


def test_fsync_by_default_and_not_with_no_fsync():
    """The commit points are flushed: strace counts fsync/fdatasync calls; --no-fsync makes none and the
    same lake content."""
    if not shutil.which("strace"):
        print("  (strace not found: only the content is compared)")
    def traced(lake, *extra):
        out = os.path.join(WORK, os.path.basename(lake) + ".strace")
        cmd = [CLI, "lake", "ingest", "--lake", lake, "--no-progress", "--jobs", "2", *extra, CORPUS]
        if shutil.which("strace"):
            cmd = ["strace", "-f", "-qq", "-e", "trace=fsync,fdatasync", "-o", out] + cmd
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300, env=traced_env())
        if not shutil.which("strace"):
            return None
        return sum(1 for line in open(out) if "fsync(" in line or "fdatasync(" in line)
    durable, fast = os.path.join(WORK, "durable"), os.path.join(WORK, "nofsync")
    n_durable, n_fast = traced(durable), traced(fast, "--no-fsync")
    ms = check_accounting(durable, expected_messages=CORPUS_TOTAL)
    if n_durable is not None:
        # at least: per input its raw copy, its part files, journal and manifest, and their directories
        files = sum(len(m["files"]) for m in ms)
        assert n_durable >= len(ms) * 4 + files, (n_durable, len(ms), files)
        assert n_fast == 0, n_fast
    def content(lake):
        return sorted(json.dumps(r, sort_keys=True) for _, r in records(lake, "staging") + records(lake, "error"))
    assert content(durable) == content(fast)


def test_full_disk_one_error_per_input_nothing_half_visible():
    """A 12 MB file system (tmpfs, needs root): inputs that do not fit fail with one clear line each, exit 2,
    nothing half-visible, no raw file without a manifest; after space returns, a rerun completes."""
    mnt = os.path.join(WORK, "small")
    os.makedirs(mnt, exist_ok=True)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", mnt],
                                           stderr=subprocess.DEVNULL).returncode != 0:
        print("  SKIPPED: mounting a 12 MB tmpfs needs root (and mount permission)")
        return
    try:
        lake = os.path.join(mnt, "lake")
        big = os.path.join(WORK, "big")
        total, _ = write_corpus(big, files=8, per_file=2500, seed=5)  # ~8 x 1.6 MB in, ~3x that out
        p = ingest(lake, big, extra=("--jobs", "2"))
        assert p.returncode == 2, p.returncode
        err = p.stderr.decode()
        lines = [l for l in err.splitlines() if "No space left on device" in l]
        failed = int(err.rsplit(" failed;", 1)[0].rsplit(" ", 1)[1])
        assert failed >= 1 and len(lines) == failed, (failed, err)
        assert len(set(lines)) == len(lines), err
        ms = manifests(lake)
        check_accounting(lake)
        s = json.loads(run(CLI, "lake", "status", "--lake", lake, "--json", check_rc=0).stdout)
        assert s["pending_raw"]["files"] == 0 and s["uncommitted"] == 0, s
        assert s["zones"]["raw"]["files"] == len(ms), s
        assert not glob.glob(os.path.join(lake, "tmp", "*", "*")), "temporary files left behind"
        subprocess.run(["mount", "-o", "remount,size=200m", mnt], check=True)  # space returns
        ingest(lake, big, rc=0)
        check_accounting(lake, expected_messages=total)
    finally:
        subprocess.run(["umount", "-l", mnt])


main([test_accounting_samples_broken_and_corpus, test_idempotent_rerun_and_renamed_copy, test_two_concurrent_ingests,
      test_sigkill_at_random_points_then_rerun, test_security_paths_permissions_and_logs,
      test_strict_sends_validation_errors_to_the_error_zone, test_batch_count_errors_are_recorded_apart,
      test_grouped_staging, test_status_counts_match_manifests,
      test_jobs_and_batches_do_not_change_the_result, test_default_batches_follow_the_input_size_and_the_jobs,
      test_every_rename_into_the_lake_follows_the_flush_of_its_file,
      test_records_converted_while_the_input_is_read_carry_its_hash, test_stdin_input,
      test_status_shows_raw_files_without_a_manifest_as_pending,
      test_killed_after_the_manifest_rerun_removes_the_stale_journal, test_fsync_by_default_and_not_with_no_fsync,
      test_full_disk_one_error_per_input_nothing_half_visible])
