#!/usr/bin/env python3
"""Generate the benchmark's scaled scenarios: C1 with the later write spanning
PAGES pages, PASSES writeback passes, EVICTIONS evictions, BLOCK-byte blocks.
usage: gen.py PAGES PASSES EVICTIONS BLOCK > scenario.json"""
import json, sys

pages, passes, evictions, block = (int(a) for a in sys.argv[1:5])
ps = 4096
size = pages * ps
w1_off = size - ps // 2           # W1: the second half of the last page
w2_len = size - ps + ps // 4      # W2: everything before, ending inside W1's page
if block < ps:                    # end W2 inside the block W1 half-filled
    w2_len = w1_off - block // 2
scenario = {
    "wbsim": 1,
    "name": "bench-%dp-%dpass-%dev-%db" % (pages, passes, evictions, block),
    "description": "C1 scaled: W2 spans %d pages; %d writeback passes; %d evictions" % (pages, passes, evictions),
    "geometry": {"block_size": block, "page_size": ps},
    "file": {"size": size, "extents": [{"offset": 0, "length": size, "state": "unwritten"}]},
    "tasks": [
        {"name": "W1", "op": "write", "offset": w1_off, "length": ps // 2, "data": "A"},
        {"name": "W2", "op": "write", "offset": 0, "length": w2_len, "data": "B", "after": ["W1"]},
        {"name": "WB", "op": "writeback", "passes": passes},
        {"name": "RC", "op": "reclaim", "evictions": evictions},
    ],
}
json.dump(scenario, sys.stdout, indent=2)
print()
