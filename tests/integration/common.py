"""Helpers shared by the CLI integration tests: running the binary, a tiny test runner, a corpus generator."""
import json
import os
import random
import shutil
import subprocess
import sys
import traceback

PLANTED = "SECRETPATIENT"  # a field value in tests/data/cli: must never appear on stderr


def run(cli, *args, stdin=None, check_rc=None):
    p = subprocess.run([cli, *args], input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    if check_rc is not None and p.returncode != check_rc:
        raise AssertionError(f"{args}: exit {p.returncode}, expected {check_rc}\nstderr: {p.stderr.decode(errors='replace')}")
    return p


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def ndjson(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def message(i, rng, version=None, kind=None):
    """One synthetic message; the control id makes it unique."""
    kind = kind or rng.choice(["ADT^A01^ADT_A01", "ADT^A04^ADT_A01", "ADT^A08^ADT_A01", "ORU^R01^ORU_R01"])
    version = version or rng.choice(["2.3", "2.4", "2.5.1"])
    segs = [f"MSH|^~\\&|GEN|FAC|LAKE|FAC|20250101{i % 240000:06d}||{kind}|CTRL{i:08d}|P|{version}",
            f"PID|1||MRN{i}^^^FAC^MR||{PLANTED}{i}^GIVEN||19800101|F|||1 MAIN ST^^TOWN^ST^00000"]
    if kind.startswith("ORU"):
        segs.append(f"OBR|1|P{i}|F{i}|57021-8^CBC^LN")
        for k in range(rng.randint(1, 6)):
            segs.append(f"OBX|{k + 1}|NM|718-7^Hemoglobin^LN||{rng.randint(100, 180) / 10}|g/dL|12-16|N|||F")
    else:
        segs.append(f"PV1|1|O|WARD^{i % 50}^1")
    return "\r".join(segs) + "\r"


def write_corpus(directory, files, per_file, seed=7, broken_every=0):
    """Files of generated messages; every broken_every-th message is made unparseable. Returns
    (total messages, broken messages)."""
    rng = random.Random(seed)
    os.makedirs(directory, exist_ok=True)
    total = broken = 0
    i = 0
    for f in range(files):
        parts = []
        for _ in range(per_file):
            m = message(i, rng)
            if broken_every and i % broken_every == broken_every - 1:
                m = m.replace("|^~\\&|", "|^~^&|", 1)  # duplicate delimiter
                broken += 1
            parts.append(m)
            i += 1
            total += 1
        with open(os.path.join(directory, f"feed_{f:03d}.hl7"), "w", newline="") as out:
            out.write("".join(parts))
    return total, broken


def main(tests):
    failed = 0
    only = os.environ.get("ONLY")
    for t in tests:
        if only and only not in t.__name__:
            continue
        try:
            t()
            print(f"ok   {t.__name__}")
        except Exception:
            failed += 1
            print(f"FAIL {t.__name__}")
            traceback.print_exc()
    sys.exit(1 if failed else 0)
