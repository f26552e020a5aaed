#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check that SPIN, on gen_race.py's model, explores wbsim's state graph.

usage: bench/promela/same_graph.py [WBSIM]   (default build/release/wbsim; needs spin and gcc)

For small sizes and every validity_check mode, run wbsim explore on bench/gen.py's
scenario and SPIN's verifier on gen_race.py's model of it, searching the whole
space (pan -A: assertions off, so that a failing mode is explored to the end
too), and compare: SPIN's stored states must be wbsim's plus three per end state
(the Promela oracle's timeout, check and exit).  Then, per mode, whether SPIN with
its assertions reports the violation wbsim's verdict says it should.  Exit 1 on
any difference.  Takes one to two minutes."""
import json, os, re, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
wbsim = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "build", "release",
                                                             "wbsim")
sizes = [(2, 1, 1), (2, 2, 2), (3, 2, 2), (3, 3, 1), (4, 2, 2)]
modes = {"off": 0, "after_lock": 1, "before_lock": 2}


def pan(tmp, check, all_space):
    subprocess.run(["spin", "-o2", "-DCHECK=%d" % check, "-a", "race.pml"], cwd=tmp, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["gcc", "-O2", "-DSAFETY", "-w", "-o", "pan", "pan.c"], cwd=tmp, check=True)
    out = subprocess.run(["./pan", "-m10000"] + (["-A"] if all_space else []), cwd=tmp,
                         capture_output=True, text=True).stdout
    states = int(re.search(r"(\d+) states, stored", out).group(1))
    errors = int(re.search(r"errors: (\d+)", out).group(1))
    return states, errors


bad = 0
with tempfile.TemporaryDirectory() as tmp:
    for pages, passes, ev in sizes:
        scen = os.path.join(tmp, "s.json")
        with open(scen, "w") as f:
            subprocess.run([sys.executable, os.path.join(here, "..", "gen.py"), str(pages),
                            str(passes), str(ev), "4096"], stdout=f, check=True)
        with open(os.path.join(tmp, "race.pml"), "w") as f:
            subprocess.run([sys.executable, os.path.join(here, "gen_race.py"), str(pages),
                            str(passes), str(ev)], stdout=f, check=True)
        for mode, check in modes.items():
            d = json.loads(subprocess.run([wbsim, "explore", scen, "--check", mode, "--json",
                                           "--quiet"], capture_output=True, text=True).stdout)
            s_states, _ = pan(tmp, check, True)
            _, s_errors = pan(tmp, check, False)
            same = s_states == d["states"] + 3 * d["end_states"]
            agree = (s_errors > 0) == (d["verdict"] == "corrupt")
            bad += not same or not agree
            print("%dp-%dpass-%dev %-11s wbsim %8d states %3d end states %-7s  SPIN %8d states "
                  "(%s)  SPIN %s" % (pages, passes, ev, mode, d["states"], d["end_states"],
                                     d["verdict"], s_states, "same graph" if same else "DIFFERENT",
                                     ("finds the violation" if s_errors else "finds none") +
                                     ("" if agree else ": DISAGREES")))
sys.exit(1 if bad else 0)
