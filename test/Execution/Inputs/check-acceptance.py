"""Checks and prints the acceptance figures of a pex-compile --run report."""

import json
import sys

report = json.load(open(sys.argv[1]))
qemu = report["qemu"]
assert qemu["output_equals_whole_buffer"], "split and whole-buffer outputs differ"
print("outputs: split == whole-buffer (bit-exact)")
ratio = report["arena_bytes"] / report["live_bytes_bound"]
print(f"arena: split {report['arena_bytes']} B = {ratio:.3f}x the live-bytes bound "
      f"{report['live_bytes_bound']} B, whole-buffer {report['whole_buffer_arena_bytes']} B")
assert ratio <= 1.05, f"arena {ratio:.3f}x the live-bytes bound"
print(f"greedy-by-size: {report['greedy_by_size_arena_bytes']} B")

# The plan itself: buffers live at the same time never share bytes (except
# a buffer written in place of an input that dies there), every offset is
# aligned, every buffer lies inside the arena.
buffers = report["arena_buffers"]
for i, a in enumerate(buffers):
    assert a["offset"] % report["arena_alignment"] == 0, a
    assert a["offset"] + a["bytes"] <= report["arena_bytes"], a
    for j in range(i + 1, len(buffers)):
        b = buffers[j]
        if not a["bytes"] or not b["bytes"]:
            continue
        if a["last"] < b["first"] or b["last"] < a["first"]:
            continue
        if a["offset"] == b["offset"] and (a.get("in_place_of") == j or b.get("in_place_of") == i):
            continue
        assert a["offset"] + a["bytes"] <= b["offset"] or \
            b["offset"] + b["bytes"] <= a["offset"], (a, b)
sections = report["sections"]
print(f"flash (text + rodata): {sections['text'] + sections['rodata']} B, "
      f"SRAM (bss + data): {sections['bss'] + sections['data']} B")
ratio = qemu["instructions"] / qemu["whole_buffer_instructions"]
print(f"instructions: split {qemu['instructions']}, whole-buffer "
      f"{qemu['whole_buffer_instructions']}, ratio {ratio:.3f}")
assert ratio <= 1.05, f"split/unsplit instructions {ratio:.3f}"
print(f"stack: split {qemu['stack_bytes']} B, whole-buffer {qemu['whole_buffer_stack_bytes']} B")
