#!/usr/bin/env python3
"""Builds a bare-metal Cortex-M program that uses the Pex kernel library.

The kernels (pex_kernels.c, pex_kernels_ref.c) are compiled by clang-22 for
thumbv7em with the DSP extension, the program's own sources by
arm-none-eabi-gcc (newlib's headers), and everything is linked with the
runtime of runtime/cortexm (vector table, semihosting, SysTick counter) as
tools/pex-run-qemu does. Run the result with

    qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \\
        -semihosting-config enable=on,target=native [-icount shift=0] -kernel OUT

(the board of --mcpu in python/pex/cortexm.py BOARDS: mps2-an500 for
cortex-m7, mps2-an505 for cortex-m33, mps3-an547 for cortex-m55).
"""

import argparse
import os
import subprocess
import sys
import tempfile

KERNELS = os.path.dirname(os.path.realpath(__file__))
INCLUDE = os.path.join(KERNELS, "include")
CORTEXM = os.path.join(KERNELS, "..", "cortexm")
sys.path.insert(0, os.path.join(KERNELS, "..", "..", "python"))

from pex.cortexm import BOARDS, kernel_flags  # noqa: E402  (needs the path above)


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(" ".join(command) + "\n" + result.stdout + result.stderr)
        sys.exit(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="+", help="C sources of the program")
    parser.add_argument("--out", required=True, help="the ELF file to write")
    parser.add_argument("--mcpu", choices=sorted(BOARDS), default="cortex-m4")
    parser.add_argument("-D", dest="defines", action="append", default=[],
                        help="NAME=VALUE for the program's sources")
    parser.add_argument("-I", dest="includes", action="append", default=[],
                        help="include directory for the program's sources")
    parser.add_argument("--kernels-opt", default="-O3",
                        help="optimisation level of the kernels (default -O3)")
    parser.add_argument("--kernels-object",
                        help="also keep the kernels' object file here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pex-kernels-") as work:
        objects = []
        for name in ("pex_kernels.c", "pex_kernels_ref.c"):
            obj = os.path.join(work, name.replace(".c", ".o"))
            run(["clang-22", *kernel_flags(args.mcpu, opt=args.kernels_opt),
                 f"-I{INCLUDE}", "-c", os.path.join(KERNELS, name), "-o", obj])
            objects.append(obj)
        if args.kernels_object:
            with open(objects[0], "rb") as src, open(args.kernels_object, "wb") as dst:
                dst.write(src.read())
        run(["arm-none-eabi-gcc", "-O2", "-mthumb", "-mfloat-abi=hard",
             *BOARDS[args.mcpu].gcc_flags, "--specs=rdimon.specs", "-nostartfiles",
             "-Wl,--gc-sections", "-Wl,--no-warn-rwx-segments", f"-L{CORTEXM}",
             "-T", os.path.join(CORTEXM, BOARDS[args.mcpu].linker_script), f"-I{INCLUDE}",
             *[f"-I{d}" for d in args.includes],
             *[f"-D{d}" for d in args.defines],
             os.path.join(CORTEXM, "startup.c"), *args.sources, *objects,
             "-o", args.out])
    return 0


if __name__ == "__main__":
    sys.exit(main())
