#!/usr/bin/env python3
"""Benchmark wbsim explore on scaled scenarios (bench/gen.py): states/s and
table bytes per stored state, in a Release build.

usage: bench/bench.py [WBSIM]   (default: build/release/wbsim; build it with
       cmake --preset release && cmake --build --preset release)
       bench/bench.py --spin [--memlim MB] [--sizes P,PASSES,EV ...] [WBSIM]
       bench/bench.py --threads N [--files SCENARIO ...] [WBSIM]
       bench/bench.py --goals [--eight-limit SECONDS] [WBSIM]
Prints a Markdown table.  Speeds on shared machines vary: compare ratios
measured in one run.

--goals measures issue 16's goals one command each on bench/scenarios (the
4- and 5-page full search against the issue's states per second and bytes per
state, two threads against one, the reduced 5- and 6-page searches, the
8-page shape under a time limit, SPIN at 4 pages) and prints each with its
command, the figure and whether it is met.

--spin compares wbsim with SPIN's verifier (Debian package spin:
scripts/deps.sh --bench) on the same race and the same sizes, one after the
other in one run: bench/promela/gen_race.py's model of bench/gen.py's
scenario, validity_check after_lock (the whole space: no failure to stop at).
For each size: wbsim explore --check after_lock --json --quiet (states,
seconds, table_bytes + counter_bytes), then spin -o2 -DCHECK=1 -a, gcc -O2
-DSAFETY -DMEMLIM=MB (not timed), ./pan -m DEPTH -w LOG2 (states stored, pan's
elapsed seconds, pan's total actual memory usage).  Both processes' peak
resident memory is measured too.  "same graph" says whether SPIN's stored
states are wbsim's plus 3 per end state (the Promela oracle's steps): the two
explored the same state graph.  Then wbsim explore --reduce on the same file
(its persistent sets: every end state kept), against SPIN's full search: what
a user asking "can data be lost?" waits for with each tool.  SPIN's own
partial-order reduction is on (its default) but reduces nothing on this
model (every step touches shared variables).

--threads N explores bench/scenarios' 4- and 5-page files (or --files) with
--threads 1 and --threads N, full and reduced, one after the other, and prints
the seconds of each and their ratio, after checking that both searches gave
the same states, transitions, executions and verdict.  The other modes
measure one thread."""
import argparse, json, math, os, re, shutil, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
default_wbsim = os.path.join(here, "..", "build", "release", "wbsim")
cases = [  # pages, passes, evictions, block size
    (3, 2, 2, 4096), (4, 2, 2, 4096), (4, 3, 2, 4096), (5, 2, 2, 4096),
    (3, 2, 2, 1024), (4, 2, 2, 1024),
]
spin_sizes = [(3, 2, 2), (4, 2, 2), (4, 4, 2), (5, 2, 2)]  # pages, passes, evictions


def gen(tmp, pages, passes, ev, bs):
    path = os.path.join(tmp, "s.json")
    with open(path, "w") as f:
        subprocess.run([sys.executable, os.path.join(here, "gen.py"), str(pages), str(passes),
                        str(ev), str(bs)], stdout=f, check=True)
    return path


def run_measured(argv, cwd=None):
    """Run argv; return (stdout, exit code, peak resident memory in MB)."""
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return out.read().decode(), p.returncode, ru.ru_maxrss / 1024.0


def bench_wbsim(wbsim):
    print("| scenario | check | states | executions | seconds | states/s | key B | table B/state |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for pages, passes, ev, bs in cases:
            path = gen(tmp, pages, passes, ev, bs)
            for mode in ("off", "after_lock"):
                p = subprocess.run([wbsim, "explore", path, "--check", mode, "--json", "--quiet",
                                    "--threads", "1"], capture_output=True, text=True)
                d = json.loads(p.stdout)
                ex = str(d["executions"])
                ex = ex if len(ex) < 12 else "%.2e" % float(ex)
                print("| %s | %s | %d | %s | %.3f | %.0f | %d | %.1f |" % (
                    d["scenario"], mode, d["states"], ex, d["seconds"], d["states"] / d["seconds"],
                    d["key_bytes"], d["table_bytes"] / d["states"]))


def pan_figure(text, pattern, what):
    m = re.search(pattern, text)
    if not m:
        sys.exit("bench.py: no %s in pan's output:\n%s" % (what, text))
    return float(m.group(1))


def bench_spin(wbsim, memlim, sizes):
    for tool in ("spin", "gcc"):
        if not shutil.which(tool):
            sys.exit("bench.py: %s not found (scripts/deps.sh --bench installs spin)" % tool)
    print("| scenario | wbsim states | SPIN states | same graph | wbsim s | SPIN s | s ratio "
          "| wbsim MB | SPIN MB | MB ratio | wbsim peak RSS MB | SPIN peak RSS MB "
          "| wbsim --reduce states | --reduce s | SPIN s / --reduce s |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for pages, passes, ev in sizes:
            path = gen(tmp, pages, passes, ev, 4096)
            text, rc, w_rss = run_measured([wbsim, "explore", path, "--check", "after_lock",
                                            "--json", "--quiet", "--threads", "1"])
            d = json.loads(text[text.index("{"):])
            if rc != 0 or d["verdict"] != "safe":
                sys.exit("bench.py: wbsim did not find %s safe (exit %d)" % (path, rc))
            w_mb = (d["table_bytes"] + d["counter_bytes"]) / 1e6
            # wbsim's own reduction: every end state kept, the same verdict required
            text, rc, _ = run_measured([wbsim, "explore", path, "--check", "after_lock",
                                        "--json", "--quiet", "--threads", "1", "--reduce"])
            r = json.loads(text[text.index("{"):])
            if rc != 0 or r["verdict"] != "safe":
                sys.exit("bench.py: wbsim --reduce did not find %s safe (exit %d)" % (path, rc))
            pml = os.path.join(tmp, "race.pml")
            with open(pml, "w") as f:
                subprocess.run([sys.executable, os.path.join(here, "promela", "gen_race.py"),
                                str(pages), str(passes), str(ev)], stdout=f, check=True)
            subprocess.run(["spin", "-o2", "-DCHECK=1", "-a", "race.pml"], cwd=tmp, check=True,
                           stdout=subprocess.DEVNULL)
            subprocess.run(["gcc", "-O2", "-DSAFETY", "-DMEMLIM=%d" % memlim, "-w", "-o", "pan",
                            "pan.c"], cwd=tmp, check=True)
            depth = max(1000, 4 * d["max_depth"])
            logw = min(30, max(18, math.ceil(math.log2(d["states"] + 1))))
            text, rc, s_rss = run_measured(["./pan", "-m%d" % depth, "-w%d" % logw], cwd=tmp)
            if "errors: 0" not in text or "max search depth too small" in text:
                sys.exit("bench.py: pan did not complete without errors:\n" + text)
            s_states = int(pan_figure(text, r"(\d+) states, stored", "states stored"))
            s_sec = pan_figure(text, r"pan: elapsed time ([0-9.e+]+) seconds", "elapsed time")
            s_mb = pan_figure(text, r"([0-9.]+)\s+total actual memory usage", "memory usage")
            same = s_states == d["states"] + 3 * d["end_states"]
            name = "%dp-%dpass-%dev" % (pages, passes, ev)
            print("| %s | %d | %d | %s | %.2f | %.2f | %.1f | %.0f | %.0f | %.1f | %.0f | %.0f "
                  "| %d | %.2f | %.1f |" % (
                      name, d["states"], s_states, "yes" if same else "no", d["seconds"], s_sec,
                      s_sec / max(d["seconds"], 1e-3), w_mb, s_mb, s_mb / max(w_mb, 1e-3), w_rss,
                      s_rss, r["states"], r["seconds"], s_sec / max(r["seconds"], 1e-3)))
            sys.stdout.flush()


def bench_threads(wbsim, n, files):
    print("| scenario | search | states | 1 thread s | %d threads s | speed-up | "
          "1 thread peak RSS MB | %d threads peak RSS MB |" % (n, n))
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for path in files:
        for extra in ([], ["--reduce"]):
            runs = []
            for t in (1, n):
                text, rc, rss = run_measured([wbsim, "explore", path, "--check", "after_lock",
                                              "--json", "--quiet", "--threads", str(t)] + extra)
                d = json.loads(text[text.index("{"):])
                if not d["complete"]:
                    sys.exit("bench.py: %s did not complete on %d threads" % (path, t))
                runs.append((d, rss))
            (a, ra), (b, rb) = runs
            keys = ("states", "transitions", "executions", "failing_executions", "verdict",
                    "max_depth", "end_states")
            if any(a[k] != b[k] for k in keys):
                sys.exit("bench.py: %s: %d threads differ from one" % (path, n))
            print("| %s | %s | %d | %.2f | %.2f | %.2f | %.0f | %.0f |" % (
                a["scenario"], "reduced" if extra else "full", a["states"], a["seconds"],
                b["seconds"], a["seconds"] / max(b["seconds"], 1e-3), ra, rb))
            sys.stdout.flush()


# Issue 16's figures of the day it was filed (its table): states per second of
# the full search, one thread, and the bytes per stored state it measured.
ISSUE16_RATE = {"4p": 1986593 / 1.55, "5p": 28626010 / 46.0}
ISSUE16_BYTES = 81


def explore_json(wbsim, path, *args):
    """wbsim explore PATH --check after_lock --json --quiet ARGS: (JSON, exit code,
    user seconds, peak resident MB).  stderr (a stop's note) is kept apart."""
    argv = [wbsim, "explore", path, "--check", "after_lock", "--json", "--quiet"] + list(args)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        rc = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
    if not text.strip():
        sys.exit("bench.py: no report from %s (exit %d)" % (" ".join(argv), rc))
    return json.loads(text), rc, ru.ru_utime, ru.ru_maxrss / 1024.0


def bench_goals(wbsim, eight_limit, memlim):
    """Issue 16's goals, each measured by one command, with the figure it asks."""
    sc = lambda f: os.path.join(here, "scenarios", f)
    f4, f5 = sc("bench-4p-4pass-2ev-4096b.json"), sc("bench-5p-5pass-3ev-4096b.json")
    f6, f8 = sc("bench-6p-6pass-3ev-4096b.json"), sc("bench-8p-4writers.json")
    rows = []

    def row(goal, cmd, measured, met):
        rows.append((goal, cmd, measured, "yes" if met else "**no**"))
        print("| %s | `%s` | %s | %s |" % rows[-1], flush=True)

    def per_state(d):
        return (d["table_bytes"] + d["counter_bytes"]) / d["states"]

    print("| goal | command (`wbsim explore FILE --check after_lock --json --quiet` and) "
          "| measured | met |")
    print("|---|---|---|---|")
    full = {}
    for name, path in (("4p", f4), ("5p", f5)):
        d, rc, user, rss = explore_json(wbsim, path, "--full", "--threads", "1")
        full[name] = d
        rate = d["states"] / d["seconds"]
        ratio = rate / ISSUE16_RATE[name]
        row("full search, %s, one thread: 2.5x the issue's %.0f states/s" % (
            name, ISSUE16_RATE[name]), "%s --full --threads 1" % os.path.basename(path),
            "%d states in %.2f s (%.2f s user): %.0f states/s, %.2fx" % (
                d["states"], d["seconds"], user, rate, ratio), ratio >= 2.5)
        row("full search, %s: at most 48 B per stored state (the issue: %d)" % (
            name, ISSUE16_BYTES), "%s --full --threads 1" % os.path.basename(path),
            "%.1f B (table %.1f, counters %.1f)" % (
                per_state(d), d["table_bytes"] / d["states"],
                d["counter_bytes"] / d["states"]), per_state(d) <= 48)
    d, rc, user, rss = explore_json(wbsim, f5, "--full", "--threads", "1", "--compress")
    row("the same with `--compress`", "bench-5p --full --threads 1 --compress",
        "%.1f B per state, %.2f s" % (per_state(d), d["seconds"]), per_state(d) <= 48)
    d, rc, user, rss = explore_json(wbsim, f5, "--full", "--threads", "2")
    sp = full["5p"]["seconds"] / d["seconds"]
    same = all(d[k] == full["5p"][k] for k in ("states", "transitions", "executions"))
    row("`--threads 2` at least 1.7x one thread (5p, full)", "bench-5p --full --threads 2",
        "%.2f s against %.2f s: %.2fx%s" % (d["seconds"], full["5p"]["seconds"], sp,
                                            "" if same else " (RESULTS DIFFER)"),
        sp >= 1.7 and same)
    for t in (1, 2):
        d, rc, user, rss = explore_json(wbsim, f5, "--reduce", "--threads", str(t))
        row("reduced, 5p, %d thread%s: under 5 s and 500 MB" % (t, "s" if t > 1 else ""),
            "bench-5p --reduce --threads %d" % t,
            "%d states in %.2f s, %.0f MB accounted, %.0f MB peak RSS" % (
                d["states"], d["seconds"], d["memory_bytes"] / 1e6, rss),
            d["complete"] and d["seconds"] < 5 and d["memory_bytes"] < 500e6)
    d, rc, user, rss = explore_json(wbsim, f6, "--reduce", "--threads", "2")
    row("reduced, 6p: under 60 s and 4 GB", "bench-6p --reduce --threads 2",
        "%d states in %.1f s, %.2f GB accounted" % (d["states"], d["seconds"],
                                                   d["memory_bytes"] / 1e9),
        d["complete"] and d["seconds"] < 60 and d["memory_bytes"] < 4e9)
    d, rc, user, rss = explore_json(wbsim, f8, "--reduce", "--compress", "--threads", "2",
                                    "--time-limit", str(eight_limit))
    row("the 8-page 4-writer shape complete", "bench-8p-4writers --reduce --compress "
        "--threads 2 --time-limit %d" % eight_limit,
        "complete" if d["complete"] else "stopped by %s after %d states (%.1f GB)" % (
            d.get("stopped_by"), d["states"], d["memory_bytes"] / 1e9), d["complete"])
    if shutil.which("spin") and shutil.which("gcc"):
        print("\nSPIN at 4 pages, 4 passes, 2 evictions (`bench.py --spin --sizes 4,4,2`; the "
              "goal: SPIN's seconds / wbsim's at least 100):\n", flush=True)
        bench_spin(wbsim, memlim, [(4, 4, 2)])
    else:
        print("\n(SPIN's comparison skipped: spin or gcc not found; scripts/deps.sh --bench)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("wbsim", nargs="?", default=default_wbsim)
    ap.add_argument("--spin", action="store_true", help="compare with SPIN's verifier")
    ap.add_argument("--memlim", type=int, default=16384,
                    help="pan's memory limit in MB (-DMEMLIM), default 16384")
    ap.add_argument("--sizes", nargs="+", metavar="P,PASSES,EV",
                    help="sizes for --spin (default: %s)" %
                    " ".join("%d,%d,%d" % s for s in spin_sizes))
    ap.add_argument("--threads", type=int, metavar="N",
                    help="compare N threads with one on bench/scenarios' 4- and 5-page files")
    ap.add_argument("--files", nargs="+", metavar="SCENARIO", help="the files for --threads")
    ap.add_argument("--goals", action="store_true",
                    help="measure issue 16's goals on bench/scenarios (about 5 minutes)")
    ap.add_argument("--eight-limit", type=int, default=120, metavar="SECONDS",
                    help="--goals: the 8-page shape's --time-limit (default 120)")
    a = ap.parse_args()
    if a.goals:
        bench_goals(a.wbsim, a.eight_limit, a.memlim)
        return
    if a.threads:
        files = a.files or [os.path.join(here, "scenarios", f) for f in (
            "bench-4p-4pass-2ev-4096b.json", "bench-5p-5pass-3ev-4096b.json")]
        bench_threads(a.wbsim, a.threads, files)
        return
    if not a.spin:
        bench_wbsim(a.wbsim)
        return
    sizes = spin_sizes
    if a.sizes:
        sizes = [tuple(int(x) for x in s.split(",")) for s in a.sizes]
    bench_spin(a.wbsim, a.memlim, sizes)


if __name__ == "__main__":
    main()
