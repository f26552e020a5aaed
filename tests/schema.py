#!/usr/bin/env python3
"""schema.py SRCDIR - docs/scenario.schema.json against the scenarios.

Every scenario of the catalogue, the conformance set and the bench must be
valid; every file of scenarios/invalid/ whose error is one of structure (a
type, a missing or unknown key, a value out of its set or range) must be
rejected.  Errors a schema cannot express (overlaps, cycles, alignment, the
world's size) are the loader's: those files are listed and must pass the
schema, so that the list stays true."""
import glob, json, os, sys

import jsonschema

src = sys.argv[1]
schema = json.load(open(os.path.join(src, "docs", "scenario.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
fails = 0

valid = (glob.glob(os.path.join(src, "scenarios", "*.json")) +
         glob.glob(os.path.join(src, "tests", "conformance", "*.json")) +
         glob.glob(os.path.join(src, "bench", "scenarios", "*.json")))
nvalid = 0
for f in sorted(valid):
    d = json.load(open(f))
    if not isinstance(d, dict) or "tasks" not in d:
        continue  # a census or counts file, not a scenario
    nvalid += 1
    for e in v.iter_errors(d):
        print("FAIL: %s: %s: %s" % (f, "/".join(map(str, e.path)), e.message))
        fails += 1
        break

# the loader's own errors, beyond what a schema says
semantic = {
    "after-cycle", "after-reclaim", "after-unknown-task", "drop-writes-kernel-6.2",
    "duplicate-key", "duplicate-task-name", "expect-bad-key", "expect-bad-setting",
    "extent-unaligned", "extents-overlap", "faults-per-page-too-many", "file-too-big",
    "granule-too-fine", "mmap-write-crosses-page", "mmap-write-overlap",
    "page-smaller-than-block", "pages-out-of-range", "punch-unaligned", "schedule-bad-step",
    "schedule-new-steps-wrong-op", "schedule-page-not-evict", "schedule-unknown-task",
    "short-copy-outside-write", "too-many-blocks-per-page", "write-past-limit",
    "writeback-half-range", "timing-delay-unknown-step", "writeback-empty-file",
}
nrejected = 0
for f in sorted(glob.glob(os.path.join(src, "scenarios", "invalid", "*.json"))):
    name = os.path.basename(f)[:-5]
    try:
        d = json.load(open(f))
    except ValueError:
        continue  # not JSON at all: the parser's error
    rejected = any(True for _ in v.iter_errors(d))
    if name in semantic and rejected:
        print("FAIL: %s: the schema rejects it; move it out of the semantic list" % f)
        fails += 1
    elif name not in semantic and not rejected:
        print("FAIL: %s: a structural error the schema does not catch" % f)
        fails += 1
    nrejected += rejected
# the timing files of wbsim simulate --timing: the schema's "timing" object alone
tv = jsonschema.Draft202012Validator(dict(schema["properties"]["timing"], **{"$defs": schema["$defs"]}))
ntiming = 0
for f in sorted(glob.glob(os.path.join(src, "timing", "*.json"))):
    ntiming += 1
    for e in tv.iter_errors(json.load(open(f))):
        print("FAIL: %s: %s: %s" % (f, "/".join(map(str, e.path)), e.message))
        fails += 1
        break

print("schema.py: %d scenarios valid, %d timing files valid, %d invalid files rejected, "
      "%d failures" % (nvalid, ntiming, nrejected, fails))
sys.exit(1 if fails else 0)
