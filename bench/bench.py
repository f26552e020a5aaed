#!/usr/bin/env python3
"""Benchmark wbsim explore on scaled scenarios (bench/gen.py): states/s and
table bytes per stored state, in a Release build.

usage: bench/bench.py [WBSIM]   (default: build/release/wbsim; build it with
       cmake --preset release && cmake --build --preset release)
Prints a Markdown table.  Speeds on shared machines vary: compare ratios
measured in one run."""
import json, os, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
wbsim = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "build", "release", "wbsim")
cases = [  # pages, passes, evictions, block size
    (3, 2, 2, 4096), (4, 2, 2, 4096), (4, 3, 2, 4096), (5, 2, 2, 4096),
    (3, 2, 2, 1024), (4, 2, 2, 1024),
]
print("| scenario | check | states | executions | seconds | states/s | key B | table B/state |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
with tempfile.TemporaryDirectory() as tmp:
    for pages, passes, ev, bs in cases:
        path = os.path.join(tmp, "s.json")
        with open(path, "w") as f:
            subprocess.run([sys.executable, os.path.join(here, "gen.py"), str(pages), str(passes),
                            str(ev), str(bs)], stdout=f, check=True)
        for mode in ("off", "after_lock"):
            p = subprocess.run([wbsim, "explore", path, "--check", mode, "--json", "--quiet"],
                               capture_output=True, text=True)
            d = json.loads(p.stdout)
            ex = str(d["executions"])
            ex = ex if len(ex) < 12 else "%.2e" % float(ex)
            print("| %s | %s | %d | %s | %.3f | %.0f | %d | %.1f |" % (
                d["scenario"], mode, d["states"], ex, d["seconds"], d["states"] / d["seconds"],
                d["key_bytes"], d["table_bytes"] / d["states"]))
