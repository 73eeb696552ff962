"""hl7v2 validate and hl7v2 ack end to end: diagnostics (readable and NDJSON), exit codes, unknown
versions, framing errors, batch trailers, ACK codes and layouts, MLLP, and that no field value ever reaches
the output. Usage: cli_validate_test.py CLI DATA WORK"""
import os
import sys
sys.dont_write_bytecode = True  # keep the source tree clean

from common import PLANTED, main, ndjson, run

CLI, DATA, WORK = sys.argv[1:4]
CLI_DATA = os.path.join(DATA, "cli")
ADT = os.path.join(DATA, "blog_adt_a01.hl7")          # 2.3: NK1-7 missing, NK1-9 not a date, warnings
ORU = os.path.join(DATA, "oru_r01_lab.hl7")           # 2.5.1, clean
STRICT = os.path.join(CLI_DATA, "strict_only.hl7")    # 9.9, QQQ, clean, bad PID-7, empty MSH-12
BATCH = os.path.join(CLI_DATA, "batch_count_mismatch.hl7")
BROKEN = [os.path.join(CLI_DATA, n) for n in sorted(os.listdir(CLI_DATA))]


def no_values(*outputs):
    for o in outputs:
        text = o.decode(errors="replace") if isinstance(o, bytes) else o
        assert PLANTED not in text and "PLANTEDVALUE42" not in text, text


def test_clean_message_exits_0():
    p = run(CLI, "validate", ORU, check_rc=0)
    assert p.stdout == b"", p.stdout  # no findings at all
    assert b"1 messages, 0 with errors" in p.stderr
    p = run(CLI, "validate", "--json", os.path.join(DATA, "lf_feed_two_messages.hl7"), check_rc=0)
    (d,) = ndjson(p.stdout.decode())  # info findings are listed but are not errors
    assert (d["severity"], d["code"], d["path"], d["message_index"]) == ("info", "z_segment", "ZPD", 0), d


def test_errors_exit_1_with_paths_and_expectations():
    p = run(CLI, "validate", "--json", ADT, check_rc=1)
    ds = ndjson(p.stdout.decode())
    got = {(d["severity"], d["code"], d["path"], d["expectation"]) for d in ds}
    # NK1-7 (Contact Role) is not required in 2.3: only npm and nHapi said so, 2.3.1 on all sources do not.
    assert not any(d["path"] == "NK1-7" for d in ds), ds
    assert ("error", "bad_date", "NK1-9", "DT") in got, got
    assert all(d["severity"] != "error" for d in ds if d["code"] == "too_long"), ds  # length: warning
    raw = open(ADT, "rb").read()
    for d in ds:
        assert d["source"] == ADT and d["message_index"] == 0 and d["byte_offset"] == 0
        assert raw[d["error_offset"]:d["error_offset"] + 3].decode() == d["path"][:3], d  # the segment
        assert set(d) == {"source", "message_index", "byte_offset", "severity", "code", "reason", "path", "segment",
                          "field", "expectation", "error_offset"}, d
    text = run(CLI, "validate", ADT, check_rc=1).stdout.decode().splitlines()
    assert len(text) == len(ds)
    assert any(l.startswith(ADT + " #0 error bad_date NK1-9: not a date (DT); expected DT (segment 4, byte 221)")
               for l in text), text


def test_unknown_version_framing_errors_and_default_version():
    ds = ndjson(run(CLI, "validate", "--json", STRICT, check_rc=1).stdout.decode())
    by_msg = {}
    for d in ds:
        by_msg.setdefault(d["message_index"], []).append((d["severity"], d["code"], d["path"]))
    assert by_msg[0] == [("error", "unknown_version", "MSH-12")], by_msg
    assert ("error", "unexpected_segment", "QQQ") in by_msg[1] and ("warning", "unknown_segment", "QQQ") in by_msg[1]
    assert by_msg[2] == [("info", "z_segment", "ZPI")], by_msg
    assert by_msg[3] == [("error", "bad_datetime", "PID-7-1")], by_msg
    assert by_msg[4] == [("error", "unknown_version", "MSH-12")], by_msg
    # With a default version the message with an empty MSH-12 is validated (and MSH-12 is required).
    ds = ndjson(run(CLI, "validate", "--json", "--default-version", "2.5.1", STRICT, check_rc=1).stdout.decode())
    assert [(d["code"], d["path"]) for d in ds if d["message_index"] == 4] == [("required_missing", "MSH-12")], ds
    for name in ("bad_segment_id.hl7", "no_msh.hl7", "duplicate_delimiters.hl7"):
        p = run(CLI, "validate", "--json", os.path.join(CLI_DATA, name), check_rc=1)
        codes = {d["code"] for d in ndjson(p.stdout.decode())}
        assert codes & {"bad_segment_id", "no_message_header", "duplicate_delimiter"}, (name, codes)
        no_values(p.stdout, p.stderr)


def test_profile_applies_to_every_message():
    profile = os.path.join(os.path.dirname(DATA), "..", "examples", "profiles", "zpi_profile.json")
    ds = ndjson(run(CLI, "validate", "--json", "--profile", profile, STRICT, check_rc=1).stdout.decode())
    codes = {(d["message_index"], d["code"]) for d in ds}
    assert (0, "unknown_version") not in codes and (0, "missing_segment") in codes, codes  # read as 2.5.1
    run(CLI, "validate", "--profile", os.path.join(WORK, "no-such-profile.json"), STRICT, check_rc=2)


def test_batch_trailer_error():
    p = run(CLI, "validate", "--json", BATCH, check_rc=1)
    (d,) = ndjson(p.stdout.decode())  # both messages are valid; the trailer's count is not
    assert d["kind"] == "batch_trailer" and d["messages_before"] == 2 and d["code"] == "batch_count_mismatch"
    assert "message_index" not in d
    raw = open(BATCH, "rb").read()
    assert raw[d["byte_offset"]:d["byte_offset"] + 4] == b"BTS|"


def test_no_value_in_any_output():
    for args in (["validate"], ["validate", "--json"], ["ack", "--code-only"], ["ack"]):
        p = run(CLI, *args, *BROKEN, ADT, ORU)
        assert p.returncode == 1, (args, p.returncode, p.stderr)
        no_values(p.stdout, p.stderr)


def test_usage_and_io_errors_exit_2():
    run(CLI, "validate", os.path.join(WORK, "does-not-exist.hl7"), check_rc=2)
    run(CLI, "validate", "--default-version", "7.7", ORU, check_rc=2)
    run(CLI, "validate", "--no-such-flag", ORU, check_rc=2)
    run(CLI, "ack", os.path.join(WORK, "does-not-exist.hl7"), check_rc=2)
    run(CLI, "validate", "--help", check_rc=0)
    run(CLI, "ack", "--help", check_rc=0)


def test_stdin():
    data = open(ADT, "rb").read()
    assert run(CLI, "validate", "-", stdin=data, check_rc=1).stdout.replace(b"-", b"") == \
        run(CLI, "validate", ADT).stdout.replace(ADT.encode(), b"").replace(b"-", b"")


def segments(ack):
    return [s for s in ack.split("\r") if s]


def test_ack_codes_and_layouts():
    p = run(CLI, "ack", "--timestamp", "20250301083005", ADT, ORU, STRICT, check_rc=1)
    acks = [a for a in p.stdout.decode().split("\n") if a]
    assert len(acks) == 1 + 1 + 5, acks
    adt = segments(acks[0])  # 2.3: one ERR, repeating ELD
    assert adt[0].startswith("MSH|^~\\&|MIRTHDST|WA|SOURCEEHR|WA|20250301083005||ACK^A01|"), adt[0]
    assert adt[0].endswith("|P|2.3") and adt[1] == "MSA|AE|MSGID10001"
    assert len(adt) == 3 and adt[2].startswith("ERR|") and "NK1^1^9^102&" in adt[2], adt
    assert segments(acks[1])[1].startswith("MSA|CA|")  # the ORU asks for enhanced mode (MSH-15/16)
    strict = [segments(a) for a in acks[2:]]
    assert strict[0][1] == "MSA|AR|V1" and len(strict[0]) == 2  # unknown version: reject
    assert strict[1][1] == "MSA|AE|V2"
    assert "ERR||QQQ^1|100^" in "\r".join(strict[1]), strict[1]  # 2.5.1: one ERR per diagnostic (ERL)
    assert strict[2][1:] == ["MSA|AA|V3"]
    assert strict[3][1] == "MSA|AE|V4" and any("PID^1^7^1" in s for s in strict[3]), strict[3]
    no_values(p.stdout, p.stderr)
    # Deterministic with a fixed timestamp (the control id is derived from the header and the time).
    assert run(CLI, "ack", "--timestamp", "20250301083005", ADT, ORU, STRICT).stdout == p.stdout
    run(CLI, "ack", ORU, os.path.join(DATA, "lf_feed_two_messages.hl7"), check_rc=0)


def test_ack_code_only_mllp_and_unackable():
    p = run(CLI, "ack", "--code-only", STRICT, check_rc=1)
    lines = [l.split("\t") for l in p.stdout.decode().splitlines()]
    assert lines == [[STRICT, "0", "AR"], [STRICT, "1", "AE"], [STRICT, "2", "AA"], [STRICT, "3", "AE"],
                     [STRICT, "4", "AR"]], lines
    p = run(CLI, "ack", "--mllp", "--timestamp", "20250301083005", ORU, STRICT, check_rc=1)
    frames = p.stdout.split(b"\x1c\r")
    assert frames[-1] == b"" and len(frames) == 7
    assert all(f.startswith(b"\x0bMSH|") and f.count(b"\x0b") == 1 for f in frames[:-1])
    # An unframeable piece gets no ACK but an error record on stderr; the messages around it get theirs.
    p = run(CLI, "ack", "--code-only", os.path.join(CLI_DATA, "leading_garbage.hl7"), check_rc=1)
    assert [l.split("\t")[1] for l in p.stdout.decode().splitlines()] == ["1"]
    (r,) = ndjson(p.stderr.decode())
    assert r["code"] == "no_message_header" and r["message_index"] == 0
    no_values(p.stdout, p.stderr)
    p = run(CLI, "ack", "--code-only", BATCH, check_rc=1)  # batch error: reported, messages acknowledged
    assert [l.split("\t")[2] for l in p.stdout.decode().splitlines()] == ["AA", "AA"]
    (r,) = ndjson(p.stderr.decode())
    assert r["kind"] == "batch_trailer" and r["code"] == "batch_count_mismatch"


main([test_clean_message_exits_0, test_errors_exit_1_with_paths_and_expectations,
      test_unknown_version_framing_errors_and_default_version, test_profile_applies_to_every_message,
      test_batch_trailer_error, test_no_value_in_any_output,
      test_usage_and_io_errors_exit_2, test_stdin, test_ack_codes_and_layouts, test_ack_code_only_mllp_and_unackable])
