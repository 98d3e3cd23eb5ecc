"""Memory timeline plots from a ``pex-compile`` JSON report.

``memory_timeline(report, "out.png")`` draws the live bytes of every
operator step of the model twice: the whole-buffer schedule
(``whole_buffer_steps``, every tensor materialised) and the schedule with
partial execution (``steps``), with the chains shaded, each peak annotated
with its operator, and an SRAM budget line when one is given.

Both curves are the memory model's live bytes (the live-bytes bound of each
step, model input and output included); the arena that packs them is a
horizontal line of its own. The x axis is the whole-buffer schedule's
operator steps: a step of the partial schedule sits at the x of the same
operator, the finish step of an accumulating chain (bias, rescale and
activation after the last slice) half a step after its consumer, and the
one step of a row chain in the middle of the operators it runs (shaded in
orange, with its band height).

Needs matplotlib (Debian's ``python3-matplotlib``); used by ``pex-compile
--plot`` and ``benchmarks/run.py``.
"""

from __future__ import annotations

import os
from typing import Optional, Sequence


def align_steps(report: dict) -> tuple[list[float], list[float]]:
    """The x of every whole-buffer step and of every step with partial
    execution, on the whole-buffer schedule's axis."""
    whole = report.get("whole_buffer_steps") or []
    steps = report.get("steps") or []
    chains = report.get("chains") or []
    whole_x = [float(i) for i in range(len(whole))]
    xs, j = [], 0
    for step in steps:
        if step.get("stage") == "finish" and xs:
            xs.append(xs[-1] + 0.5)
            continue
        if j >= len(whole) or whole[j]["op"] != step["op"]:
            break
        # A row chain's step runs all of its operators: it spans them, and
        # sits in the middle of the span.
        span = 1
        if step.get("stage") == "rows" and step.get("chain", -1) < len(chains):
            span = max(len(chains[step["chain"]].get("ops", [])), 1)
        xs.append(j + (span - 1) / 2)
        j += span
    if len(xs) == len(steps) and j == len(whole):
        return whole_x, xs
    # The two schedules do not list the same operators in the same order:
    # stretch the partial schedule over the whole-buffer axis.
    last = max(len(whole) - 1, 1)
    count = max(len(steps) - 1, 1)
    return whole_x, [i * last / count for i in range(len(steps))]


def _peak(values: Sequence[int]) -> int:
    return max(range(len(values)), key=lambda i: (values[i], -i)) if values else -1


def memory_timeline(report: dict, path: str, budget: int = 0,
                    title: Optional[str] = None) -> str:
    """Writes the memory timeline of ``report`` (a pex-compile JSON report)
    to ``path`` (PNG); returns ``path``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    whole = report.get("whole_buffer_steps") or []
    steps = report.get("steps") or []
    partial = bool(report.get("partial", True)) and bool(steps)
    whole_x, xs = align_steps(report)
    kib = 1024.0

    fig, ax = plt.subplots(figsize=(8.0, 3.4), dpi=100)
    whole_y = [s["live_bytes"] / kib for s in whole]
    ax.plot(whole_x, whole_y, drawstyle="steps-mid", color="#888888", lw=1.4,
            label=f"whole-buffer (peak {report.get('whole_buffer_peak_bytes', 0)} B)")
    if partial and report.get("chains"):
        ys = [s["live_bytes"] / kib for s in steps]
        ax.plot(xs, ys, drawstyle="steps-mid", color="#1f77b4", lw=1.6,
                label=f"partial execution (peak {report.get('peak_bytes', 0)} B)")
        for index, chain in enumerate(report["chains"]):
            chain_x = [x for x, s in zip(xs, steps) if s.get("chain") == index]
            if not chain_x:
                continue
            if chain.get("split") == "rows":
                # Its one step stands for every operator of the run.
                half = (len(chain.get("ops", [])) - 1) / 2 + 0.45
                ax.axvspan(chain_x[0] - half, chain_x[0] + half, color="#ff7f0e",
                           alpha=0.10, lw=0)
                ax.text(chain_x[0], 0.02, f"rows, bands of {chain.get('band')}",
                        transform=ax.get_xaxis_transform(), ha="center", fontsize=7,
                        color="#ff7f0e")
            else:
                ax.axvspan(min(chain_x) - 0.45, max(chain_x) + 0.45, color="#1f77b4",
                           alpha=0.08, lw=0)
    else:
        xs, steps = whole_x, whole
    if report.get("arena_bytes"):
        ax.axhline(report["arena_bytes"] / kib, color="#1f77b4" if partial else "#888888",
                   lw=0.8, ls=":", label=f"arena {report['arena_bytes']} B")
    if budget:
        ax.axhline(budget / kib, color="#d62728", lw=1.2, ls="--",
                   label=f"SRAM budget {budget} B")

    top = max([s["live_bytes"] for s in whole + steps] + [budget, report.get("arena_bytes", 0)])
    ax.set_ylim(0, top / kib * 1.32)
    ax.set_xlim(-0.7, max(len(whole) - 1, 1) + 0.7)
    right = max(len(whole) - 1, 1)

    def annotate(x: float, y: float, text: str, color: str, dy: float) -> None:
        on_right = x > right * 0.6
        ax.annotate(text, (x, y), xytext=(-12 if on_right else 12, dy),
                    textcoords="offset points", ha="right" if on_right else "left",
                    va="center", fontsize=7.5, color=color,
                    arrowprops=dict(arrowstyle="-", color=color, lw=0.7))
        ax.plot([x], [y], "o", ms=3.5, color=color)

    wp = _peak([s["live_bytes"] for s in whole])
    if wp >= 0:
        annotate(whole_x[wp], whole[wp]["live_bytes"] / kib,
                 f"{whole[wp]['live_bytes']} B at step {wp}: {report.get('whole_buffer_peak_op', whole[wp]['op'])}",
                 "#555555", 9)
    if partial and report.get("chains"):
        p = _peak([s["live_bytes"] for s in steps])
        annotate(xs[p], steps[p]["live_bytes"] / kib,
                 f"{steps[p]['live_bytes']} B at {report.get('peak_op', steps[p]['op'])}",
                 "#1f77b4", -11 if abs(xs[p] - (whole_x[wp] if wp >= 0 else -9)) < 3 else 9)

    ax.set_xlabel("operator step (whole-buffer schedule; shaded: channel chains, "
                  "orange: row chains)", fontsize=8)
    ax.set_ylabel("live bytes (KiB)", fontsize=8)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(labelsize=7.5)
    ax.grid(axis="y", lw=0.4, alpha=0.5)
    name = title or report.get("function", "")
    chains = len(report.get("chains") or [])
    ax.set_title(f"{name}: live bytes per operator step ({chains} chain"
                 f"{'' if chains == 1 else 's'})", fontsize=9)
    ax.legend(fontsize=7.5, loc="upper right", frameon=False)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100, pil_kwargs={"optimize": True})
    plt.close(fig)
    return path
