"""Per-operator profiles of compiled models (``pex-compile --profile``).

The profiling build (``--pex-cortexm-pipeline=profile=true``) wraps each
operator's code in ``pex_profile_begin(id)`` / ``pex_profile_end(id)``; the
memory report lists the ids (``profile_regions``: ``id``, ``kind`` (``op``
or ``chain``), ``location``, ``op``, ``chain``, ``slices``), and
``tools/pex-run-qemu --profile`` prints the SysTick ticks the hooks counted
per id and the cost of the hooks themselves (``runtime/cortexm/profile.c``).
This module turns them into the rows of the report's ``profile``: one per
operator with the chains' slices summed, and one ``other`` row for what runs
outside every operator (the entry point's copies, the slice loops' own
code), so that the rows add up to one inference without the hooks.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from typing import Sequence

#: SysTick at 25 MHz under ``-icount shift=0``: one tick per 40 instructions.
INSTRUCTIONS_PER_TICK = 40


def macs_per_location(model: str, pex_opt: str) -> dict[str, int]:
    """The MACs of each operator location of a TOSA model
    (``--pex-count-macs=per-location=true``), keyed as the profiling build
    names its regions. Run from the model's folder, by its file name, as
    pex-compile compiles it, so that file locations agree."""
    result = subprocess.run([pex_opt, os.path.basename(model),
                             "--pex-count-macs=per-location=true", "-o", os.devnull],
                            capture_output=True, text=True, errors="replace",
                            cwd=os.path.dirname(os.path.abspath(model)))
    if result.returncode:
        raise RuntimeError(f"counting MACs per operator failed:\n{result.stderr.rstrip()}")
    macs: dict[str, int] = {}
    for key, count in re.findall(r'^  macs at ("(?:[^"\\]|\\.)*"): (\d+)$', result.stdout,
                                 re.M):
        location = json.loads(key)
        macs[location] = macs.get(location, 0) + int(count)
    return macs


def build(regions: Sequence[dict], measured: dict, macs: dict[str, int],
          profiled_instructions: int) -> dict:
    """The profile of one inference of the profiling build.

    ``regions``: the report's ``profile_regions``; ``measured``: one
    inference's counts from ``cortexm.run_qemu(profile_ids=...)``
    (``calibration``, ``ids``); ``macs``: ``macs_per_location``;
    ``profiled_instructions``: the profiling build's whole inference.

    A region's ticks run from the SysTick read in its begin hook to the one
    in its end hook, so they include the part of a begin/end pair after and
    before those reads (``inside``, measured on empty pairs); the rest of
    each pair falls between regions. Both are taken out: operator rows lose
    ``inside`` per call, the ``other`` row every pair's outer part and the
    chains' pairs whole, and the rows then sum to the inference without
    hooks (``hooks_instructions`` is what was taken out)."""
    calibration = measured["calibration"]
    pairs = max(calibration["pairs"], 1)
    pair = calibration["ticks"] * INSTRUCTIONS_PER_TICK / pairs
    inside = calibration["inside_ticks"] * INSTRUCTIONS_PER_TICK / pairs
    counts = measured["ids"]

    def ticks(region):
        return counts.get(region["id"], {}).get("ticks", 0) * INSTRUCTIONS_PER_TICK

    def calls(region):
        return counts.get(region["id"], {}).get("calls", 0)

    rows, chains = [], []
    seen_locations = set()
    other = float(profiled_instructions)
    for region in regions:
        if region["kind"] == "chain":
            other -= calls(region) * pair
            continue
        instructions = max(ticks(region) - calls(region) * inside, 0.0)
        other -= ticks(region) + calls(region) * (pair - inside)
        # A location both inside and outside a chain (two ids): its MACs once.
        location = region["location"]
        row_macs = macs.get(location, 0) if location not in seen_locations else 0
        seen_locations.add(location)
        row = {"id": region["id"], "op": region["op"], "location": location,
               "macs": row_macs, "instructions": round(instructions),
               "calls": calls(region)}
        if "chain" in region:
            row["chain"] = region["chain"]
        if row_macs:
            row["instructions_per_mac"] = round(instructions / row_macs, 3)
        rows.append(row)
    # An operator of a chain that also runs outside the chain's loop (a row
    # chain's peeled first and last steps, a channel chain's finish) is one
    # row, the chain's: its instructions count for the chain too.
    in_chain = {}
    for row in rows:
        if "chain" in row:
            in_chain.setdefault(row["location"], row)
    outside = {}
    for row in [r for r in rows if "chain" not in r and r["location"] in in_chain]:
        target = in_chain[row["location"]]
        target["calls"] += row["calls"]
        target["instructions"] += row["instructions"]
        target["macs"] = max(target["macs"], row["macs"])
        if target["macs"]:
            target["instructions_per_mac"] = round(target["instructions"] / target["macs"], 3)
        outside[target["chain"]] = outside.get(target["chain"], 0) + row["instructions"]
        rows.remove(row)
    for region in regions:
        if region["kind"] != "chain":
            continue
        inner = [r for r in regions if r["kind"] == "op" and r.get("chain") == region["chain"]]
        instructions = (ticks(region) - calls(region) * inside
                        - sum(calls(r) for r in inner) * pair
                        + outside.get(region["chain"], 0))
        members = [row for row in rows if row.get("chain") == region["chain"]]
        chain_macs = sum(row["macs"] for row in members)
        chains.append({"chain": region["chain"], "location": region["location"],
                       "slices": region.get("slices", 0), "calls": calls(region),
                       "instructions": round(max(instructions, 0.0)),
                       "operator_instructions": sum(row["instructions"] for row in members),
                       "macs": chain_macs, "ops": [row["id"] for row in members]})
    hooks = sum(calls(r) for r in regions) * pair
    # Not clamped: each region is exact to a tick per call, so glue smaller
    # than that can come out a few ticks below zero.
    rows.append({"op": "other", "location": "", "macs": 0,
                 "instructions": round(other), "calls": 0})
    return {"rows": rows, "chains": chains, "hooks_instructions": round(hooks),
            "profiled_instructions": profiled_instructions}


def format_table(rows: Sequence[dict], chains: Sequence[dict], total: int) -> str:
    """The profile as a text table; ``total``: the instructions of one
    inference of the normal object, which the rows should sum to."""
    lines = []
    header = (f"{'':5}{'location':39} {'op':34} {'calls':>6} {'MACs':>10} "
              f"{'instructions':>13} {'instr/MAC':>9} {'share':>6}")
    lines.append(header)
    summed = sum(row["instructions"] for row in rows)
    for row in rows:
        share = 100.0 * row["instructions"] / summed if summed else 0.0
        per_mac = f"{row['instructions'] / row['macs']:.2f}" if row["macs"] else "-"
        name = row["location"] or "(copies, glue, slice loops)"
        prefix = f"c{row['chain']}" if "chain" in row else ""
        lines.append(f"  {prefix:3}{name[:39]:39} {row['op'][:34]:34} {row['calls']:>6} "
                     f"{row['macs']:>10} {row['instructions']:>13} {per_mac:>9} "
                     f"{share:>5.1f}%")
    for chain in chains:
        per_mac = (f"{chain['instructions'] / chain['macs']:.2f}" if chain["macs"]
                   else "-")
        lines.append(f"  c{chain['chain']} chain {chain['chain']}: {chain['slices']} slices, "
                     f"{chain['instructions']} instructions ({chain['operator_instructions']} "
                     f"in its operators), {per_mac} per MAC")
    ratio = summed / total if total else 0.0
    lines.append(f"  sum {summed} instructions = {ratio:.4f} x the object's {total}")
    return "\n".join(lines)
