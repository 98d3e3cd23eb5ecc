#!/usr/bin/env python3
"""Instructions per MAC of the Pex int8 kernels on an emulated Cortex-M4.

Runs every convolution, depthwise convolution and fully connected layer of
the MLPerf Tiny models (VWW MobileNetV1-0.25@96, KWS DS-CNN, ResNet-8, the
FC autoencoder) plus partial-execution slices through the DSP kernels and
the naive reference kernels of runtime/kernels on QEMU mps2-an386 with
-icount shift=0 (SysTick: one tick = 40 instructions), checks that both give
the same bytes, and prints markdown tables: per distinct layer shape, and
per model the sum over its conv/depthwise/FC layers next to TFLite Micro +
CMSIS-NN's whole-inference count.

    python3 benchmarks/kernels/kernel_bench.py [--mcpu cortex-m4]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.join(HERE, "..", "..")
KERNELS = os.path.join(ROOT, "runtime", "kernels")
TICK = 40  # instructions per SysTick tick under -icount shift=0 at 25 MHz

# TFLite Micro + CMSIS-NN, whole inference (shared/models/README.md).
CMSIS_TICKS = {"vww": 602602, "kws": 192454, "resnet8": 746494, "ad": 14587}
MODELS = {"vww": "VWW MobileNetV1-0.25@96", "kws": "KWS DS-CNN",
          "resnet8": "ResNet-8", "ad": "AD FC autoencoder"}


def same_pad(size, kernel, stride):
    """TFLite SAME padding: output extent and (before, after)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return out, total // 2


def conv(model, name, h, w, cin, cout, k, stride=1, kind="conv", kw=None,
         padding="same", slice_=0):
    kw = kw or k
    if padding == "same":
        oh, pt = same_pad(h, k, stride)
        ow, pl = same_pad(w, kw, stride)
    else:
        oh, pt, ow, pl = (h - k) // stride + 1, 0, (w - kw) // stride + 1, 0
    if kind == "depthwise":
        cout = cin
    return dict(model=model, name=name, kind=kind, slice=slice_,
                conv=[h, w, cin, cin, oh, ow, cout, cout, k, kw, stride, stride,
                      1, 1, pt, pl, cin, -128 + 5, -128, -128, 127])


def fc(model, name, cin, cout):
    return dict(model=model, name=name, kind="fc", slice=0,
                fc=[1, cin, cout, cin, cout, cin, 3, -5, -128, 127])


def layers():
    result = []
    # VWW: MobileNetV1 0.25 at 96x96 (ops.txt of vww_96_int8).
    result.append(conv("vww", "conv 3x3 s2", 96, 96, 3, 8, 3, 2))
    size, ch = 48, 8
    plan = [(1, 16), (2, 32), (1, 32), (2, 64), (1, 64), (2, 128)] + \
        [(1, 128)] * 5 + [(2, 256), (1, 256)]
    for stride, out in plan:
        result.append(conv("vww", f"dw 3x3 s{stride}", size, size, ch, ch, 3,
                           stride, "depthwise"))
        size = -(-size // stride)
        result.append(conv("vww", "pw 1x1", size, size, ch, out, 1))
        ch = out
    result.append(fc("vww", "fc", 256, 2))
    # KWS: DS-CNN on 49x10 MFCCs.
    result.append(conv("kws", "conv 10x4 s2", 49, 10, 1, 64, 10, 2, kw=4))
    for _ in range(4):
        result.append(conv("kws", "dw 3x3 s1", 25, 5, 64, 64, 3, 1, "depthwise"))
        result.append(conv("kws", "pw 1x1", 25, 5, 64, 64, 1))
    result.append(fc("kws", "fc", 64, 12))
    # ResNet-8 on 32x32x3.
    result += [conv("resnet8", "conv 3x3", 32, 32, 3, 16, 3),
               conv("resnet8", "conv 3x3", 32, 32, 16, 16, 3),
               conv("resnet8", "conv 3x3", 32, 32, 16, 16, 3),
               conv("resnet8", "conv 3x3 s2", 32, 32, 16, 32, 3, 2),
               conv("resnet8", "conv 3x3", 16, 16, 32, 32, 3),
               conv("resnet8", "conv 1x1 s2", 32, 32, 16, 32, 1, 2),
               conv("resnet8", "conv 3x3 s2", 16, 16, 32, 64, 3, 2),
               conv("resnet8", "conv 3x3", 8, 8, 64, 64, 3),
               conv("resnet8", "conv 1x1 s2", 16, 16, 32, 64, 1, 2),
               fc("resnet8", "fc", 64, 10)]
    # AD: fully connected autoencoder.
    for cin, cout in [(640, 128), (128, 128), (128, 128), (128, 128), (128, 8),
                      (8, 128), (128, 128), (128, 128), (128, 128), (128, 640)]:
        result.append(fc("ad", "fc", cin, cout))
    # Partial execution: a MobileNetV2 block at 24x24, 16 -> 96 -> 16
    # channels, in slices of 8 (producer and consumer + finish).
    result.append(conv("partial", "produce 1x1, slices of 8", 24, 24, 16, 96, 1,
                       kind="produce", slice_=8))
    result.append(conv("partial", "consume 1x1 + finish, slices of 8", 24, 24,
                       96, 16, 1, kind="consume", slice_=8))
    result.append(conv("partial", "consume 3x3 + finish, slices of 8", 12, 12,
                       32, 32, 3, kind="consume", slice_=8))
    # MobileNetV2-0.35@144's stem chain, whole and in slices of 1.
    result.append(conv("partial", "stem conv 3x3 s2", 144, 144, 3, 16, 3, 2))
    result.append(conv("partial", "stem produce 3x3 s2, slices of 1", 144, 144,
                       3, 16, 3, 2, kind="produce", slice_=1))
    result.append(conv("partial", "dw 3x3 s1", 72, 72, 16, 16, 3, 1, "depthwise"))
    for _ in range(16):
        result.append(conv("partial", "dw 3x3 s1 (1-channel slice)", 72, 72, 1, 1,
                           3, 1, "depthwise"))
    # Its second chain: expansion 8 -> 48 and depthwise stride 2, whole and
    # in slices of 8.
    result.append(conv("partial", "expand 1x1", 72, 72, 8, 48, 1))
    result.append(conv("partial", "expand produce 1x1, slices of 8", 72, 72, 8,
                       48, 1, kind="produce", slice_=8))
    result.append(conv("partial", "dw 3x3 s2", 72, 72, 48, 48, 3, 2, "depthwise"))
    for _ in range(6):
        result.append(conv("partial", "dw 3x3 s2 (8-channel slice)", 72, 72, 8, 8,
                           3, 2, "depthwise"))
    return result


KINDS = {"conv": "CONV", "depthwise": "DEPTHWISE", "fc": "FC",
         "produce": "PRODUCE", "consume": "CONSUME"}


def header(all_layers):
    lines = ["static const Layer layers[] = {"]
    for layer in all_layers:
        conv_ = layer.get("conv", [0] * 21)
        fc_ = layer.get("fc", [0] * 10)
        lines.append("  {%s, %d, {%s}, {%s}}," % (
            KINDS[layer["kind"]], layer["slice"], ", ".join(map(str, conv_)),
            ", ".join(map(str, fc_))))
    lines.append("};")
    return "\n".join(lines) + "\n"


def describe(layer):
    if layer["kind"] == "fc":
        f = layer["fc"]
        return f"{layer['name']} {f[1]} -> {f[2]}"
    c = layer["conv"]
    return f"{layer['name']} {c[0]}x{c[1]}x{c[2]} -> {c[4]}x{c[5]}x{c[6]}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mcpu", default="cortex-m4",
                        choices=["cortex-m4", "cortex-m7"])
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--kernels-opt", default="-O3",
                        help="optimisation level of the kernel library")
    parser.add_argument("--models", default="",
                        help="comma-separated subset of the models "
                             "(vww,kws,resnet8,ad,partial; default: all)")
    args = parser.parse_args()
    machine = {"cortex-m4": "mps2-an386", "cortex-m7": "mps2-an500"}[args.mcpu]

    all_layers = layers()
    if args.models:
        keep = set(args.models.split(","))
        all_layers = [l for l in all_layers if l["model"] in keep]
    with tempfile.TemporaryDirectory(prefix="pex-kbench-") as work:
        with open(os.path.join(work, "bench_layers.h"), "w") as f:
            f.write(header(all_layers))
        elf = os.path.join(work, "bench.elf")
        kobj = os.path.join(work, "kernels.o")
        subprocess.run([sys.executable, os.path.join(KERNELS, "build_cortexm.py"),
                        "--mcpu", args.mcpu, "-I", work, "--kernels-object", kobj,
                        f"--kernels-opt={args.kernels_opt}",
                        "--out", elf, os.path.join(HERE, "kernel_bench.c")],
                       check=True)
        size = subprocess.run(["arm-none-eabi-size", kobj], check=True,
                              capture_output=True, text=True).stdout
        text_bytes = int(size.splitlines()[1].split()[0])
        run = subprocess.run(["qemu-system-arm", "-M", machine, "-nographic",
                              "-monitor", "none", "-serial", "none",
                              "-semihosting-config", "enable=on,target=native",
                              "-icount", "shift=0", "-kernel", elf],
                             capture_output=True, text=True, timeout=args.timeout,
                             stdin=subprocess.DEVNULL)
    if run.returncode != 0:
        sys.stderr.write(run.stdout + run.stderr)
        return 1
    results = {}
    for line in run.stdout.splitlines():
        m = re.match(r"layer=(\d+) macs=(\d+) fast_ticks=(\d+) ref_ticks=(\d+) exact=(\d)", line)
        if m:
            results[int(m.group(1))] = tuple(int(g) for g in m.groups()[1:])
    if len(results) != len(all_layers):
        sys.stderr.write(run.stdout + run.stderr)
        return 1

    print(f"Kernel library (pex_kernels.c, clang-22 {args.kernels_opt}, {args.mcpu}): "
          f"{text_bytes} bytes of text.\n")
    print("| model | layer | count | MACs each | naive instr/MAC | DSP instr/MAC | speed-up | bit-exact |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    rows = {}
    for i, layer in enumerate(all_layers):
        key = (layer["model"], describe(layer))
        macs, fast, ref, exact = results[i]
        row = rows.setdefault(key, [0, macs, 0, 0, True])
        row[0] += 1
        row[2] += fast
        row[3] += ref
        row[4] = row[4] and bool(exact)
    for (model, desc), (count, macs, fast, ref, exact) in rows.items():
        print(f"| {model} | {desc} | {count} | {macs} | {ref * TICK / (macs * count):.2f} | "
              f"{fast * TICK / (macs * count):.2f} | {ref / fast:.1f}x | {'yes' if exact else 'NO'} |")

    print("\n| model | MACs (conv, dw, FC) | naive kernels, instr | DSP kernels, instr | DSP instr/MAC | TFLM + CMSIS-NN whole inference, instr | ratio DSP kernels / CMSIS-NN |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for model, title in MODELS.items():
        idx = [i for i, l in enumerate(all_layers) if l["model"] == model]
        if not idx:
            continue
        macs = sum(results[i][0] for i in idx)
        fast = sum(results[i][1] for i in idx) * TICK
        ref = sum(results[i][2] for i in idx) * TICK
        cmsis = CMSIS_TICKS[model] * TICK
        print(f"| {title} | {macs} | {ref} | {fast} | {fast / macs:.2f} | {cmsis} | {fast / cmsis:.2f} |")
    bad = [i for i in results if not results[i][3]]
    if bad:
        print(f"\nNOT BIT-EXACT: layers {bad}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
