"""Checks the `profile` of a pex-compile --profile report (pex-compile-profile.test, qemu-mlperf-tiny-profile.test)."""
import json
import sys

report = json.load(open(sys.argv[1]))
rows = report["profile"]
print("rows", len(rows), "keys",
      "ok" if all({"op", "location", "macs", "instructions"} <= set(r) for r in rows) else "missing")
for row in rows:
    print(row["location"], row["op"], "calls", row["calls"], "macs", row["macs"],
          *(["chain", row["chain"]] if "chain" in row else []))
print("MACs as the model's:", sum(r["macs"] for r in rows) == report["macs"])
total = report["qemu"]["instructions"]
print("within 1% of the object's instructions:",
      abs(sum(r["instructions"] for r in rows) - total) <= 0.01 * total)
for chain in report["profile_chains"]:
    print(f"chain {chain['chain']}: {chain['slices']} slices, its operators within its "
          f"instructions:", 0 <= chain["instructions"] - chain["operator_instructions"]
          <= 0.01 * chain["instructions"])
