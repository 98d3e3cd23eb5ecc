#!/usr/bin/python3
"""Differential testing of Pex on random graphs.

    scripts/random-graphs.py [--build build] [--seeds 0-999] [--jobs 2]
                             [--resolution R] [--split VARIANT ...] [--keep DIR]

For each seed, `pex-modelgen random --seed S` builds a random int8 graph and
`pex-difftest` compiles it unsplit, as the memory model splits it
(`default`) and with every chain candidate forced into a chain
(`force=K`, K = 1 + S % 3 channels a slice, unless --split is given), runs
every program on the host on the seed's random input and checks that each
output equals the unsplit output and the unsplit output equals the numpy
reference, bit for bit. Prints one line per failing seed and a summary:

    seeds: 1000, passed: 1000, mismatches: 0, failures: 0, with chains: 713 (default), 998 (forced)

A mismatch is a program whose output differs; a failure is anything else
(the generator, the compiler or the run failed). Exits 1 unless every seed
passed. --keep DIR keeps the log of every failing seed in DIR/seed-S.log.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.realpath(os.path.join(HERE, os.pardir))


def parse_seeds(text: str) -> list[int]:
    """`0-99`, `5` or a comma-separated list of both."""
    seeds: list[int] = []
    for part in text.split(","):
        first, sep, last = part.partition("-")
        seeds.extend(range(int(first), int(last) + 1) if sep else [int(first)])
    return seeds


def run_seed(seed: int, args: argparse.Namespace) -> dict:
    splits = args.split or ["default", f"force={1 + seed % 3}"]
    command = [sys.executable, os.path.join(args.build, "bin", "pex-difftest"), "random",
               "--seed", str(seed), "--seeds", str(seed), "--min-chains", "0",
               "--opt-level", str(args.opt_level)]
    for split in splits:
        command += ["--split", split]
    if args.resolution:
        command += ["--arg", f"resolution={args.resolution}"]
    start = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True)
    output = result.stdout + result.stderr
    chains = [int(n) for n in re.findall(r"^split \(.*\): (\d+) chains", output, re.M)]
    if result.returncode == 0 and output.rstrip().endswith("PASS"):
        status = "pass"
    elif re.search(r"^FAIL: seed \d+: .* != ", output, re.M):
        status = "mismatch"
    else:
        status = "failure"
    return {"seed": seed, "status": status, "chains": chains, "output": output,
            "seconds": time.monotonic() - start, "command": command}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"),
                        help="the CMake build directory (default: build)")
    parser.add_argument("--seeds", default="0-99", help="e.g. 0-999 or 3,7,10-20")
    parser.add_argument("--jobs", type=int, default=2, help="seeds at a time (default: 2)")
    parser.add_argument("--resolution", type=int,
                        help="input height and width of every graph (default: random)")
    parser.add_argument("--split", action="append", metavar="VARIANT",
                        help="a pex-difftest --split variant (repeatable; default: "
                             "default and force=1+S%%3)")
    parser.add_argument("--opt-level", type=int, default=0,
                        help="clang's optimisation of the host programs (default: 0, the "
                             "fastest to build; the graphs are small)")
    parser.add_argument("--keep", metavar="DIR", help="write the log of each failing seed here")
    args = parser.parse_args()
    args.build = os.path.abspath(args.build)
    if not os.path.isfile(os.path.join(args.build, "bin", "pex-difftest")):
        parser.error(f"{args.build}/bin/pex-difftest not found: build the project first")
    seeds = parse_seeds(args.seeds)

    counts = {"pass": 0, "mismatch": 0, "failure": 0}
    with_chains = [0, 0]
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max(args.jobs, 1)) as pool:
        for row in pool.map(lambda s: run_seed(s, args), seeds):
            counts[row["status"]] += 1
            for i, n in enumerate(row["chains"][:2]):
                with_chains[i] += n > 0
            if row["status"] != "pass":
                lines = [line for line in row["output"].splitlines()
                         if line.startswith("FAIL") or "error" in line]
                print(f"seed {row['seed']}: {row['status']}: "
                      f"{lines[0] if lines else row['output'].strip()[-300:]}", flush=True)
                if args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    with open(os.path.join(args.keep, f"seed-{row['seed']}.log"), "w",
                              encoding="utf-8") as f:
                        f.write(" ".join(row["command"]) + "\n" + row["output"])
    print(f"seeds: {len(seeds)}, passed: {counts['pass']}, mismatches: {counts['mismatch']}, "
          f"failures: {counts['failure']}, with chains: {with_chains[0]} (first variant), "
          f"{with_chains[1]} (second variant)")
    print(f"time: {time.monotonic() - start:.0f} s, {args.jobs} jobs")
    return 0 if counts["pass"] == len(seeds) else 1


if __name__ == "__main__":
    sys.exit(main())
