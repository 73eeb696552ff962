"""One Markdown row of the live-feed bench: row.py LOAD_JSON USER_S SYS_S MAXRSS_KB RECEIVER"""
import json
import sys

r = json.loads(sys.argv[1])
user, sys_, rss = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
cpu_us = (user + sys_) / max(1, r["messages"]) * 1e6
print(f"| {sys.argv[5]} | {r['connections']} | {r['window']} | {r['messages']} | {r['per_second']:,.0f} | "
      f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {cpu_us:.0f} | {rss / 1024:.0f} | {r['errors']} |")
