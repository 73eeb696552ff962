"""hl7v2 lake watch end to end: files present at start, a file written slowly (read only once closed),
a file renamed into place, --remove-ingested (only after the manifest is durable), files that arrive
while the watcher is down, SIGTERM. Usage: watch_test.py CLI DATA WORK"""
import atexit
import glob
import json
import os
import signal
import subprocess
import sys
sys.dont_write_bytecode = True  # keep the source tree clean
import time

from common import PLANTED, fresh_dir, main, write_corpus
from listen_common import adt, check_lake, control_ids, manifests

CLI, DATA, WORK = sys.argv[1:4]
fresh_dir(WORK)


running = []  # watchers not stopped yet: killed at exit, so a failed check cannot leave one holding
               # the test's output open (ctest would then wait for its timeout)


def start(lake, inbox, *extra):
    log = open(os.path.join(WORK, "watch.log"), "ab")
    p = subprocess.Popen([CLI, "lake", "watch", "--lake", lake, *extra, inbox], stderr=log,
                         stdout=subprocess.DEVNULL)
    p.log = log
    running.append(p)
    return p


@atexit.register
def kill_running():
    for p in running:
        if p.poll() is None:
            p.kill()
            p.wait()


def stop(p):
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=60) == 0
    running.remove(p)
    p.log.close()


def wait_for(cond, what, secs=30):
    deadline = time.time() + secs
    while time.time() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def ids_in(lake):
    return sorted(control_ids(lake)[0])


def test_watch_inbox():
    lake, inbox = fresh_dir(os.path.join(WORK, "lake")), fresh_dir(os.path.join(WORK, "inbox"))
    with open(os.path.join(inbox, "early.hl7"), "w", newline="") as f:  # there before the watcher
        f.write(adt(0, "EARLY"))
    w = start(lake, inbox, "--remove-ingested")
    wait_for(lambda: ids_in(lake) == ["EARLY0"], "the file present at start")
    # removed once its manifest is durable, which comes after its staging file
    wait_for(lambda: not os.path.exists(os.path.join(inbox, "early.hl7")), "removal of the file present at start")
    assert len(manifests(lake)) == 1

    # written slowly: nothing is read until it is closed
    slow = open(os.path.join(inbox, "slow.hl7"), "w", newline="")
    slow.write(adt(1, "SLOW"))
    slow.flush()
    slow.write(adt(2, "SLOW")[:30])
    slow.flush()
    time.sleep(1.0)
    assert ids_in(lake) == ["EARLY0"], "a file still being written was read"
    slow.write(adt(2, "SLOW")[30:])
    slow.close()
    wait_for(lambda: "SLOW2" in ids_in(lake), "the slow file after close")
    assert ids_in(lake) == ["EARLY0", "SLOW1", "SLOW2"], ids_in(lake)

    # renamed into place from a hidden name (ignored while hidden)
    tmp = os.path.join(inbox, ".upload.tmp")
    with open(tmp, "w", newline="") as f:
        f.write(adt(3, "RENAMED"))
    time.sleep(0.5)
    assert "RENAMED3" not in ids_in(lake)
    os.rename(tmp, os.path.join(inbox, "renamed.hl7"))
    wait_for(lambda: "RENAMED3" in ids_in(lake), "the renamed file")
    # removed only once its manifest is there
    wait_for(lambda: not os.path.exists(os.path.join(inbox, "renamed.hl7")), "removal")
    sources = {m["source"] for m in manifests(lake)}
    assert os.path.join(inbox, "renamed.hl7") in sources and all(m["origin"] == "watch" for m in manifests(lake))
    stop(w)

    # arrivals while down are ingested at start; a corpus with broken messages keeps its accounting
    total, broken = write_corpus(os.path.join(WORK, "c"), files=3, per_file=200, seed=3, broken_every=50)
    for f in sorted(glob.glob(os.path.join(WORK, "c", "*.hl7"))):
        os.rename(f, os.path.join(inbox, os.path.basename(f)))
    w = start(lake, inbox)  # without --remove-ingested: the files stay
    wait_for(lambda: len(manifests(lake)) == 6, "the files that arrived while down")
    stop(w)
    check_lake(lake)
    assert sum(m["messages"] for m in manifests(lake)) == 4 + total
    assert sum(m["errors"] for m in manifests(lake)) == broken
    assert len(glob.glob(os.path.join(inbox, "*.hl7"))) == 3
    log = open(os.path.join(WORK, "watch.log"), encoding="utf-8").read()
    assert PLANTED not in log and "stopped:" in log


main([test_watch_inbox])
