"""Helpers for the listener tests: start/stop `hl7v2 lake listen`, raw MLLP over sockets, the lake's
accounting. Every connection goes to 127.0.0.1."""
import glob
import json
import os
import signal
import socket
import subprocess
import time

from common import PLANTED, ndjson

SB, EB, CR = b"\x0b", b"\x1c", b"\r"


def adt(i, prefix="CTRL", version="2.5.1", extra=""):
    return (f"MSH|^~\\&|SEND|FAC|LAKE|FAC|20250101120000||ADT^A01^ADT_A01|{prefix}{i}|P|{version}{extra}\r"
            f"PID|1||MRN{i}^^^FAC^MR||{PLANTED}{i}^GIVEN||19800101|F\rPV1|1|O|WARD^1^1\r")


def frame(text):
    return SB + (text.encode() if isinstance(text, str) else text) + EB + CR


class Listener:
    def __init__(self, cli, lake, work, *extra, port=0, name="listener"):
        self.cli, self.lake, self.work, self.extra, self.name = cli, lake, work, extra, name
        self.port_file = os.path.join(work, name + ".port")
        self.log_path = os.path.join(work, name + ".log")
        self.start(port)

    def start(self, port=0):
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([self.cli, "lake", "listen", "--lake", self.lake, "--port", str(port),
                                      "--port-file", self.port_file, *self.extra],
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + 60
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None:
                raise AssertionError(f"listener exited {self.proc.returncode}: {self.stderr()[-2000:]}")
            if time.time() > deadline:
                raise AssertionError("listener did not start")
            time.sleep(0.02)
        self.port = int(open(self.port_file).read())
        return self

    def stop(self, expect=0):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=120)
        self.log.close()
        assert rc == expect, (rc, self.stderr()[-3000:])

    def kill(self):
        self.proc.kill()
        self.proc.wait(timeout=30)
        self.log.close()

    def stderr(self):
        return open(self.log_path, encoding="utf-8", errors="replace").read()

    def connect(self, timeout=10):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s


def read_frame(sock, buf=b""):
    """One MLLP frame's content from sock (and the bytes after it)."""
    while EB not in buf:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("closed before a whole ACK")
        buf += data
    start = buf.index(SB)
    end = buf.index(EB)
    rest = buf[end + 1:]
    if rest.startswith(CR):
        rest = rest[1:]
    return buf[start + 1:end], rest


def field(text, seg, n):
    """Field n of the first `seg` segment (MSH counted as HL7 does)."""
    for line in text.replace(b"\n", b"\r").split(b"\r") if isinstance(text, bytes) else text.split("\r"):
        if line[:3] == (seg.encode() if isinstance(line, bytes) else seg):
            parts = line.split(line[3:4])
            k = n - 1 if seg == "MSH" else n
            return parts[k].decode() if isinstance(parts[k], bytes) else parts[k]
    return None


def exchange(sock, text):
    sock.sendall(frame(text))
    ack, _ = read_frame(sock)
    return ack


def records(lake, zone):
    out = []
    for p in sorted(glob.glob(os.path.join(lake, zone, "**", "*.ndjson"), recursive=True)):
        out += ndjson(open(p, encoding="utf-8").read())
    return out


def manifests(lake):
    return [json.load(open(p)) for p in sorted(glob.glob(os.path.join(lake, "manifest", "*.json")))]


def control_ids(lake):
    """MSH-10 of every staged message (named layout), and the error records."""
    staged = [r["msh"]["message_control_id"] for r in records(lake, "staging")]
    return staged, records(lake, "error")


def check_lake(lake):
    """Per input: messages = staged + errors, every index once; no listener segment left behind."""
    ms = manifests(lake)
    for m in ms:
        assert m["messages"] == m["staged"] + m["errors"], m
    keys = [(r["_source_sha256"], r["_message_index"]) for r in records(lake, "staging")]
    keys += [(r["source_sha256"], r["message_index"]) for r in records(lake, "error") if r.get("kind") != "batch_trailer"]
    assert len(keys) == len(set(keys)), "a message is in the lake twice"
    assert len(keys) == sum(m["messages"] for m in ms), (len(keys), sum(m["messages"] for m in ms))
    assert not glob.glob(os.path.join(lake, "live", "seg-*")), "segments not converted"
    return ms


def status(cli, lake):
    p = subprocess.run([cli, "lake", "status", "--lake", lake, "--json"], stdout=subprocess.PIPE, check=True)
    return json.loads(p.stdout)
