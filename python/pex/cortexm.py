"""Compile TOSA models for Cortex-M with ``--pex-cortexm-pipeline`` and run them.

A model is lowered by ``pex-opt --pex-cortexm-pipeline`` to the LLVM dialect
with a static arena, written by ``pex-translate --mlir-to-cortexm-obj`` as a
complete ELF object (the kernel library's functions it calls linked in by the
compiler) and by ``--mlir-to-cortexm-header`` as its C header, and run on
QEMU by ``tools/pex-run-qemu``. The memory report of the pipeline (the TOSA
program's schedule and the arena) is extended with the object's sections.

Used by the ``pex-compile`` and ``pex-difftest`` tools.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
from typing import Optional, Sequence

from . import host

#: Functions a compiled model may leave undefined: the C library's memory
#: functions, under their C and their ARM EABI names, and the float <-> 64-bit
#: integer conversions of the compiler's runtime (libgcc, compiler-rt), which
#: every bare-metal toolchain links by itself (a float QUANTIZE rounds
#: through them).
ALLOWED_UNDEFINED = ("memcpy", "memmove", "memset", "__aeabi_memcpy", "__aeabi_memcpy4",
                     "__aeabi_memcpy8", "__aeabi_memmove", "__aeabi_memmove4",
                     "__aeabi_memmove8", "__aeabi_memset", "__aeabi_memset4",
                     "__aeabi_memset8", "__aeabi_memclr", "__aeabi_memclr4",
                     "__aeabi_memclr8", "__fixsfdi", "__floatdisf", "__aeabi_f2lz",
                     "__aeabi_l2f")

@dataclasses.dataclass(frozen=True)
class Board:
    """The QEMU board that runs a CPU's programs, and how to build for it."""

    #: qemu-system-arm -M
    machine: str
    #: the LLVM architecture of the CPU (the triple without -none-eabi[hf])
    arch: str
    #: arm-none-eabi-gcc's CPU and FPU flags (with -mthumb -mfloat-abi=hard)
    gcc_flags: tuple
    #: the processor clock: SysTick ticks per second of guest time, which
    #: under -icount shift=0 advances 1 ns per instruction
    systick_hz: int
    #: the MPU's register layout: "v7m" (RBAR/RASR, power-of-two regions)
    #: or "v8m" (RBAR/RLAR, 32-byte granules)
    mpu: str

    @property
    def linker_script(self) -> str:
        """runtime/cortexm/boards/<machine>.ld: the board's memory map."""
        return os.path.join("boards", self.machine + ".ld")


#: The boards per CPU (runtime/cortexm/boards has their memory maps). The
#: processor clocks are QEMU's (25 MHz on MPS2, 20 MHz on the AN505's
#: SSE-200, 32 MHz on the AN547's SSE-300), checked by counting a loop of
#: known length under -icount shift=0.
BOARDS = {
    "cortex-m4": Board("mps2-an386", "thumbv7em", ("-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16"),
                       25_000_000, "v7m"),
    "cortex-m7": Board("mps2-an500", "thumbv7em", ("-mcpu=cortex-m7", "-mfpu=fpv5-d16"),
                       25_000_000, "v7m"),
    "cortex-m33": Board("mps2-an505", "thumbv8m.main",
                        ("-mcpu=cortex-m33", "-mfpu=fpv5-sp-d16"), 20_000_000, "v8m"),
    "cortex-m55": Board("mps3-an547", "thumbv8.1m.main", ("-mcpu=cortex-m55",),
                        32_000_000, "v8m"),
}

MCPUS = tuple(BOARDS)

#: The hooks a profiling build (``profile=True``) calls around each operator,
#: which runtime/cortexm/profile.c provides.
PROFILE_HOOKS = ("pex_profile_begin", "pex_profile_end")


def kernel_flags(mcpu: str, float_abi: str = "hard", opt: str = "-O3") -> list[str]:
    """clang-22 flags of the kernel library for a Cortex-M CPU, for the kernel
    tests and benchmarks (runtime/kernels/build_cortexm.py); the compiler's
    embedded copy is built with the same flags at -Os
    (lib/Target/CortexM/CMakeLists.txt)."""
    # -fshort-enums: the enum ABI of arm-none-eabi-gcc, so that linking with
    # newlib code does not warn about mixed enum sizes.
    arch = BOARDS[mcpu].arch
    triple = f"{arch}-none-eabihf" if float_abi == "hard" else f"{arch}-none-eabi"
    return [f"--target={triple}", f"-mcpu={mcpu}", f"-mfloat-abi={float_abi}", "-mthumb",
            "-fshort-enums", opt, "-ffunction-sections", "-fdata-sections", "-Wall",
            "-Wextra"]


class CortexMError(RuntimeError):
    """A tool of the Cortex-M flow failed; the message says which and why."""


@dataclasses.dataclass
class Tools:
    """Where the tools of the Cortex-M flow are."""

    pex_opt: str
    pex_translate: str
    #: tools/pex-run-qemu/pex-run-qemu
    run_qemu: str


def exit_status(returncode: int) -> str:
    """How a process ended, for a message: a negative return code is the
    signal that killed it."""
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with {returncode}"


def _run(command: Sequence[str], what: str,
         cwd: Optional[str] = None) -> subprocess.CompletedProcess:
    # errors="replace": a diagnostic quoting a model that is not UTF-8 must
    # not turn into a UnicodeDecodeError.
    try:
        result = subprocess.run(list(command), capture_output=True, text=True,
                                errors="replace", cwd=cwd)
    except OSError as err:
        raise CortexMError(f"{what} failed: cannot run {command[0]}: {err.strerror}")
    if result.returncode != 0:
        raise CortexMError(f"{what} failed ({os.path.basename(command[0])} "
                           f"{exit_status(result.returncode)}):\n{result.stderr.rstrip()}")
    return result


def pipeline_options(name: str = "model", partial: bool = True, slices: int = 0,
                     slice_size: int = 0, sram_budget: int = 0, report_file: str = "",
                     check_buffers: bool = True, kernels: bool = True,
                     profile: bool = False, rows: bool = True, band: int = 0) -> str:
    """The option string of ``--pex-cortexm-pipeline``."""
    options = (f"name={name} partial={'true' if partial else 'false'} slices={slices} "
               f"slice-size={slice_size} sram-budget={sram_budget} "
               f"check-buffers={'true' if check_buffers else 'false'} "
               f"kernels={'true' if kernels else 'false'}")
    if profile:
        options += " profile=true"
    options += host.row_options(rows, band)
    if report_file:
        options += f" report=json report-file={report_file}"
    return options


#: ELF section flags and types.
_SHF_WRITE, _SHF_ALLOC, _SHF_EXECINSTR = 0x1, 0x2, 0x4
_SHT_SYMTAB, _SHT_NOBITS = 2, 8


def _read_elf32(path: str) -> tuple[bytes, list[dict]]:
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
        raise CortexMError(f"{path} is not a little-endian ELF32 file")
    shoff, = struct.unpack_from("<I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
    sections = []
    for i in range(shnum):
        name, kind, flags, _, offset, size, link, _, _, entsize = struct.unpack_from(
            "<10I", data, shoff + i * shentsize)
        sections.append({"name_offset": name, "type": kind, "flags": flags,
                         "offset": offset, "size": size, "link": link, "entsize": entsize})
    names = sections[shstrndx]
    for section in sections:
        start = names["offset"] + section["name_offset"]
        section["name"] = data[start:data.index(b"\0", start)].decode()
    return data, sections


def section_sizes(path: str) -> dict:
    """Flash and SRAM bytes of an object: text (code), rodata (read-only data
    and unwinding tables), data (initialised, in flash and copied to SRAM)
    and bss (zero-initialised SRAM, the arena)."""
    _, sections = _read_elf32(path)
    sizes = {"text": 0, "rodata": 0, "data": 0, "bss": 0}
    for s in sections:
        if not s["flags"] & _SHF_ALLOC:
            continue
        if s["type"] == _SHT_NOBITS:
            sizes["bss"] += s["size"]
        elif s["flags"] & _SHF_WRITE:
            sizes["data"] += s["size"]
        elif s["flags"] & _SHF_EXECINSTR:
            sizes["text"] += s["size"]
        else:
            sizes["rodata"] += s["size"]
    return sizes


def _symbol_table(path: str):
    """(name, size, binding, section index) of each named symbol of an
    object, sections and files left out."""
    data, sections = _read_elf32(path)
    for s in sections:
        if s["type"] != _SHT_SYMTAB:
            continue
        strings = sections[s["link"]]
        for i in range(1, s["size"] // 16):
            name, _, size, info, _, shndx = struct.unpack_from(
                "<IIIBBH", data, s["offset"] + i * 16)
            start = strings["offset"] + name
            text = data[start:data.index(b"\0", start)].decode()
            if text and (info & 0xF) not in (3, 4):  # sections and files
                yield text, size, info >> 4, shndx


def symbols(path: str) -> tuple[list[str], dict[str, int]]:
    """The undefined symbols of an object, and the sizes of the defined ones."""
    undefined, sizes = [], {}
    for name, size, _, shndx in _symbol_table(path):
        if shndx == 0:
            undefined.append(name)
        else:
            sizes[name] = size
    return sorted(set(undefined)), sizes


def defined_globals(path: str) -> list[str]:
    """The global and weak symbols an object defines."""
    _STB_GLOBAL, _STB_WEAK = 1, 2
    return sorted({name for name, _, binding, shndx in _symbol_table(path)
                   if shndx != 0 and binding in (_STB_GLOBAL, _STB_WEAK)})


def compile_model(model: str, out_prefix: str, tools: Tools, *, name: str = "model",
                  partial: bool = True, slices: int = 0, slice_size: int = 0,
                  sram_budget: int = 0, mcpu: str = "cortex-m4", float_abi: str = "hard",
                  check_buffers: bool = True, kernels: bool = True,
                  emit_mlir: Optional[str] = None, profile: bool = False,
                  rows: bool = True, band: int = 0) -> dict:
    """Compiles the TOSA MLIR file ``model`` into ``<out_prefix>.o`` and
    ``<out_prefix>.h``; returns the memory report of the pipeline (JSON) with
    the object's sections and symbols added. ``profile``: the profiling build,
    whose operators call PROFILE_HOOKS (the report's ``profile_regions``)."""
    if mcpu not in MCPUS:
        raise CortexMError(f"unsupported --mcpu {mcpu!r} (expected {', '.join(MCPUS)})")
    with tempfile.TemporaryDirectory(prefix="pex-cortexm-") as work:
        lowered = os.path.abspath(emit_mlir) if emit_mlir else os.path.join(
            work, "model.llvm.mlir")
        report_file = os.path.join(work, "report.json")
        # From the model's folder, by its file name: locations (in the
        # report, the arena plan and diagnostics) then name the file alone,
        # so the output does not depend on the working directory. Without
        # the operation that a pass diagnostic would append: the location
        # already points into the model.
        _run([tools.pex_opt, os.path.basename(model), "--mlir-print-op-on-diagnostic=false",
              "--pex-cortexm-pipeline=" + pipeline_options(name, partial, slices, slice_size,
                                                           sram_budget, report_file,
                                                           check_buffers, kernels,
                                                           profile, rows, band),
              "-o", lowered], "compiling the model (--pex-cortexm-pipeline)",
             cwd=os.path.dirname(os.path.abspath(model)))
        _run([tools.pex_translate, "--mlir-to-cortexm-obj", f"--mcpu={mcpu}",
              f"--float-abi={float_abi}", lowered, "-o", out_prefix + ".o"],
             "writing the object (--mlir-to-cortexm-obj)")
        _run([tools.pex_translate, "--mlir-to-cortexm-header", lowered,
              "-o", out_prefix + ".h"], "writing the header (--mlir-to-cortexm-header)")
        with open(report_file, encoding="utf-8") as f:
            report = json.load(f)
    sizes = section_sizes(out_prefix + ".o")
    undefined, symbol_sizes = symbols(out_prefix + ".o")
    disallowed = [s for s in undefined if s not in ALLOWED_UNDEFINED
                  and not (profile and s in PROFILE_HOOKS)]
    if disallowed:
        raise CortexMError(f"{out_prefix}.o needs {', '.join(disallowed)}, which a bare-metal "
                           f"program cannot link (allowed: {', '.join(ALLOWED_UNDEFINED[:3])})")
    symbol = report.get("arena_symbol")
    if symbol and symbol_sizes.get(symbol) != report.get("arena_bytes"):
        raise CortexMError(f"the arena symbol {symbol} has {symbol_sizes.get(symbol)} bytes, "
                           f"the plan {report.get('arena_bytes')}")
    report["sections"] = sizes
    report["flash_bytes"] = sizes["text"] + sizes["rodata"] + sizes["data"]
    report["sram_bytes"] = sizes["bss"] + sizes["data"]
    report["undefined_symbols"] = undefined
    report["mcpu"] = mcpu
    report["partial"] = partial
    report["kernels"] = kernels
    return report


def count_macs(model: str, tools: Tools) -> int:
    """MACs of the model's convolutions and matmuls (--pex-count-macs)."""
    out = _run([tools.pex_opt, model, "--pex-count-macs", "-o", os.devnull],
               "counting MACs").stdout
    match = re.search(r"macs for @\S+: (\d+)", out)
    if not match:
        raise CortexMError(f"no MAC count in:\n{out}")
    return int(match.group(1))


def run_qemu(obj: str, tools: Tools, inputs: Sequence[str], outputs: Sequence[str],
             mcpu: str = "cortex-m4", header: Optional[str] = None,
             timeout: int = 600, profile_ids: int = 0) -> dict:
    """Runs a compiled model on QEMU, one inference per input; returns
    ``arena_bytes``, ``flash_bytes`` (of the linked program) and per
    inference ``stack_bytes`` and ``instructions``. With ``profile_ids`` (a
    profiling build's number of ids), per inference ``profile`` too: the
    hooks' counts, ``calibration`` (``pairs``, ``ticks``, ``inside_ticks``)
    and ``ids`` (per id ``calls`` and ``ticks``)."""
    command = [sys.executable, tools.run_qemu, obj, "--mcpu", mcpu, "--timeout", str(timeout)]
    if profile_ids:
        command += ["--profile", str(profile_ids)]
    if header:
        command += ["--header", header]
    for i, o in zip(inputs, outputs):
        command += ["--input", i, "--output", o]
    try:
        result = subprocess.run(command, capture_output=True, text=True, errors="replace")
    except OSError as err:
        raise CortexMError(f"running {obj} on QEMU ({mcpu}) failed: {err.strerror}")
    if result.returncode != 0:
        raise CortexMError(f"running {obj} on QEMU ({mcpu}) failed:\n"
                           f"{(result.stdout + result.stderr).rstrip()}")
    measured = {"stack_bytes": [], "instructions": []}
    if profile_ids:
        measured["profile"] = []
    for line in result.stdout.splitlines():
        if line.startswith("profile"):
            kind, *pairs = line.split()
            fields = {key: int(value) for key, value in (p.split("=") for p in pairs)}
            if kind == "profile_calibration":
                measured["profile"].append({"calibration": fields, "ids": {}})
            else:
                measured["profile"][-1]["ids"][fields.pop("id")] = fields
            continue
        key, sep, value = line.partition("=")
        if not sep or not value.isdigit():
            continue
        if key in measured:
            measured[key].append(int(value))
        else:
            measured[key] = int(value)
    return measured
