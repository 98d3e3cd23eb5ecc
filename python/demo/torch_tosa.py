"""Torch side of the compiler-pruning co-design demo.

* :class:`DigitsNet`: a small MobileNetV2-style CNN (3x3 stem, inverted
  residual blocks with expansion, depthwise 3x3, ReLU6 and linear
  bottlenecks, a 1x1 head, global average pooling and a linear classifier).
* :func:`export`: the f32 TOSA graph of a trained model, built with
  :mod:`pex.tosa_graph` (BatchNorm folded into the convolutions, NHWC).
  Every operation carries the qualified name of its torch module as an MLIR
  location (``loc("blocks.1.expand")``), so the ``pex.prune_hint`` of a
  convolution, and the ``layer`` of each entry of the memory report's
  ``prune_hints``, name the torch layer.
* :func:`channel_groups`: the channel groups of an exported graph, as
  docs/pruning.md defines them (a depthwise convolution, clamp or pooling
  follows its producer, a residual add joins its operands' groups, the
  groups of the model's input and output are pinned), each with its torch
  producers, depthwise layers and consumers.
* :func:`prune`: remove channels of one group from the torch modules
  (producer output channels and BatchNorm parameters, depthwise channels,
  consumer input channels), ranking channels as ``--pex-apply-pruning``
  does.

Needs Debian's ``python3-torch``; :mod:`pex` is imported from ``python/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np
import torch
from torch import nn

from pex.tosa_graph import NUMPY_DTYPES, Graph, Op, Value, to_mlir


# --------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------

class ConvBN(nn.Module):
    """Convolution (no bias, ``padding = k // 2``), BatchNorm, optional ReLU6."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int = 1,
                 depthwise: bool = False, relu6: bool = True) -> None:
        super().__init__()
        if depthwise and cin != cout:
            raise ValueError("a depthwise convolution keeps its channel count")
        self.conv = nn.Conv2d(cin, cout, kernel, stride, kernel // 2,
                              groups=cin if depthwise else 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.depthwise = depthwise
        self.relu6 = relu6

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.bn(self.conv(x))
        return nn.functional.relu6(x) if self.relu6 else x


class InvertedResidual(nn.Module):
    """MobileNetV2 block: 1x1 expand (ReLU6, unless expansion 1), depthwise
    3x3 (ReLU6), 1x1 linear project, residual add when shapes allow."""

    def __init__(self, cin: int, cout: int, expansion: int, stride: int) -> None:
        super().__init__()
        hidden = cin * expansion
        self.expand = ConvBN(cin, hidden, 1) if expansion != 1 else None
        self.dw = ConvBN(hidden, hidden, 3, stride, depthwise=True)
        self.project = ConvBN(hidden, cout, 1, relu6=False)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.expand(x) if self.expand is not None else x
        h = self.project(self.dw(h))
        return x + h if self.residual else h


#: Blocks of :class:`DigitsNet`: (expansion, output channels, stride).
DIGITS_BLOCKS = ((1, 8, 2), (6, 16, 1), (6, 16, 1), (6, 24, 2), (6, 24, 1))


class DigitsNet(nn.Module):
    """MobileNetV2-style classifier of 1-channel images."""

    def __init__(self, stem: int = 16, blocks: Sequence[tuple[int, int, int]] = DIGITS_BLOCKS,
                 head: int = 64, num_classes: int = 10, stem_stride: int = 1) -> None:
        super().__init__()
        self.stem = ConvBN(1, stem, 3, stem_stride)
        layers, cin = [], stem
        for expansion, cout, stride in blocks:
            layers.append(InvertedResidual(cin, cout, expansion, stride))
            cin = cout
        self.blocks = nn.Sequential(*layers)
        self.head = ConvBN(cin, head, 1)
        self.classifier = nn.Linear(head, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.head(self.blocks(self.stem(x)))
        return self.classifier(x.mean(dim=(2, 3)))


# --------------------------------------------------------------------------
# Exporter
# --------------------------------------------------------------------------

def _pads(size: int, kernel: int, stride: int, pad: int) -> tuple[int, int, int]:
    """TOSA (before, after) padding equivalent to torch's symmetric ``pad``.

    torch never reads the trailing padding rows a strided window does not
    reach; TOSA requires the padded size to fit the windows exactly, so the
    trailing padding is what the last window actually uses.
    """
    out = (size + 2 * pad - kernel) // stride + 1
    after = (out - 1) * stride + kernel - size - pad
    if not 0 <= after <= pad:
        raise ValueError(f"cannot express padding {pad} of size {size} in TOSA")
    return pad, after, out


def fold_bn(block: ConvBN) -> tuple[np.ndarray, np.ndarray]:
    """Weights (torch layout, float64) and bias of ``block`` with BN folded in."""
    bn = block.bn
    scale = (bn.weight / torch.sqrt(bn.running_var + bn.eps)).detach().double()
    weight = block.conv.weight.detach().double() * scale.reshape(-1, 1, 1, 1)
    bias = bn.bias.detach().double() - bn.running_mean.detach().double() * scale
    return weight.numpy(), bias.numpy()


@dataclass
class Export:
    """An exported model: its graph, and which torch module made each op."""

    graph: Graph
    #: Result name of each operation -> qualified name of its torch module.
    layer_of: dict[str, str] = field(default_factory=dict)

    def mlir(self) -> str:
        """The MLIR text, each operation located at its torch module's name."""
        lines = []
        for line in to_mlir(self.graph).splitlines():
            match = re.match(r"  %([A-Za-z0-9_$.-]+) = tosa\.", line)
            if match and match.group(1) in self.layer_of:
                line += f' loc("{self.layer_of[match.group(1)]}")'
            lines.append(line)
        return "\n".join(lines) + "\n"


class _Exporter:
    def __init__(self, description: str) -> None:
        self.out = Export(Graph(name="main", description=description))
        self._zero: Optional[Value] = None

    def const(self, name: str, data: np.ndarray, dtype: str = "f32") -> Value:
        data = np.ascontiguousarray(data, dtype=NUMPY_DTYPES[dtype])
        value = Value(name, (data.size,) if dtype == "shape" else data.shape, dtype)
        self.out.graph.consts[name] = data
        return value

    def zero(self) -> Value:
        if self._zero is None:
            self._zero = self.const("zp_f32", np.zeros(1))
        return self._zero

    def emit(self, kind: str, operands: Sequence[Value], shape: Sequence[int],
             attrs: dict, name: str, layer: str) -> Value:
        result = Value(name, tuple(shape), "f32")
        self.out.graph.ops.append(Op(kind, tuple(operands), result, dict(attrs)))
        self.out.layer_of[name] = layer
        return result

    def conv(self, x: Value, block: ConvBN, layer: str) -> Value:
        conv = block.conv
        weight, bias = fold_bn(block)
        (kh, kw), (sh, sw), (ph, pw) = conv.kernel_size, conv.stride, conv.padding
        top, bottom, oh = _pads(x.shape[1], kh, sh, ph)
        left, right, ow = _pads(x.shape[2], kw, sw, pw)
        depthwise = block.depthwise
        name = layer.replace(".", "_")
        if depthwise:  # torch [C, 1, KH, KW] -> TOSA [KH, KW, C, 1]
            w = self.const(f"{name}_w", weight[:, 0].transpose(1, 2, 0)[..., None])
        else:  # torch OIHW -> TOSA OHWI
            w = self.const(f"{name}_w", weight.transpose(0, 2, 3, 1))
        b = self.const(f"{name}_b", bias)
        attrs = {"acc_type": "f32", "dilation": (1, 1), "pad": (top, bottom, left, right),
                 "stride": (sh, sw)}
        y = self.emit("depthwise_conv2d" if depthwise else "conv2d",
                      (x, w, b, self.zero(), self.zero()), (1, oh, ow, conv.out_channels),
                      attrs, name if not block.relu6 else f"{name}_conv", layer)
        if block.relu6:
            y = self.emit("clamp", (y,), y.shape, {"max_val": 6.0, "min_val": 0.0}, name, layer)
        return y


def export(model: DigitsNet, resolution: int, description: str = "") -> Export:
    """The f32 TOSA graph of ``model`` (eval mode) on a 1 x R x R x 1 input."""
    e = _Exporter(description)
    x = Value("input", (1, resolution, resolution, 1), "f32")
    e.out.graph.inputs.append(x)
    x = e.conv(x, model.stem, "stem")
    for i, block in enumerate(model.blocks):
        h = x
        if block.expand is not None:
            h = e.conv(h, block.expand, f"blocks.{i}.expand")
        h = e.conv(h, block.dw, f"blocks.{i}.dw")
        h = e.conv(h, block.project, f"blocks.{i}.project")
        if block.residual:
            h = e.emit("add", (x, h), h.shape, {}, f"blocks_{i}_add", f"blocks.{i}.add")
        x = h
    x = e.conv(x, model.head, "head")
    _, h, w, c = x.shape
    x = e.emit("avg_pool2d", (x, e.zero(), e.zero()), (1, 1, 1, c),
               {"acc_type": "f32", "kernel": (h, w), "pad": (0, 0, 0, 0), "stride": (1, 1)},
               "pool", "pool")
    fc = model.classifier
    classes = fc.out_features
    w = e.const("classifier_w", fc.weight.detach().double().numpy().reshape(classes, 1, 1, c))
    b = e.const("classifier_b", fc.bias.detach().double().numpy())
    x = e.emit("conv2d", (x, w, b, e.zero(), e.zero()), (1, 1, 1, classes),
               {"acc_type": "f32", "dilation": (1, 1), "pad": (0, 0, 0, 0), "stride": (1, 1)},
               "classifier_fc", "classifier")
    shape = e.const("logits_shape", np.array([1, classes]), "shape")
    x = e.emit("reshape", (x, shape), (1, classes), {}, "logits", "classifier")
    e.out.graph.outputs.append(x)
    return e.out


def modules(model: DigitsNet) -> dict[str, nn.Module]:
    """The layers :func:`export` names, by qualified name."""
    return dict(model.named_modules())


# --------------------------------------------------------------------------
# Channel groups and pruning
# --------------------------------------------------------------------------

#: Operations whose result carries the channels of their first operand.
_CHANNEL_LOCAL = ("depthwise_conv2d", "clamp", "avg_pool2d", "rescale")


@dataclass
class ChannelGroup:
    """Tensors that share channels, with the torch layers that touch them."""

    channels: int
    pinned: bool
    producers: list[str] = field(default_factory=list)  # conv2d results in the group
    depthwise: list[str] = field(default_factory=list)  # depthwise convs in the group
    consumers: list[str] = field(default_factory=list)  # conv2d reading the group
    values: list[str] = field(default_factory=list)


def channel_groups(ex: Export) -> list[ChannelGroup]:
    """Channel groups of an exported graph, in program order of their first tensor."""
    graph = ex.graph
    parent: dict[str, str] = {}

    def find(v: str) -> str:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for v in graph.inputs:
        parent[v.name] = v.name
    flattens = []
    for op in graph.ops:
        r = op.result.name
        parent[r] = r
        if op.kind in _CHANNEL_LOCAL:
            parent[r] = find(op.operands[0].name)
        elif op.kind == "add":
            parent[find(op.operands[1].name)] = find(op.operands[0].name)
            parent[r] = find(op.operands[0].name)
        elif op.kind == "reshape":  # the flattening of the classifier's output
            parent[r] = find(op.operands[0].name)
            flattens.append(r)
    pinned = {find(v.name) for v in graph.inputs} | {find(v.name) for v in graph.outputs}
    pinned |= {find(v) for v in flattens}

    groups: dict[str, ChannelGroup] = {}
    for name in parent:
        root = find(name)
        value = next((op.result for op in graph.ops if op.result.name == name), None)
        shape = value.shape if value is not None else graph.inputs[0].shape
        group = groups.setdefault(root, ChannelGroup(shape[-1], root in pinned))
        group.values.append(name)
    for op in graph.ops:
        layer = ex.layer_of[op.result.name]
        if op.kind == "conv2d":
            groups[find(op.result.name)].producers.append(layer)
            groups[find(op.operands[0].name)].consumers.append(layer)
        elif op.kind == "depthwise_conv2d":
            groups[find(op.result.name)].depthwise.append(layer)
    return list(groups.values())


def group_of_producer(groups: Sequence[ChannelGroup], layer: str) -> ChannelGroup:
    for g in groups:
        if layer in g.producers:
            return g
    raise KeyError(f"{layer} produces no channel group")


def rank_channels(ex: Export, group: ChannelGroup, keep: int) -> np.ndarray:
    """The ``keep`` channels ``--pex-apply-pruning`` keeps: largest L1 norm of
    the exported producer filters summed over the group's producers, ties to
    the lower index, in their original order."""
    score = np.zeros(group.channels)
    by_layer = {ex.layer_of[op.result.name]: op for op in ex.graph.ops if op.kind == "conv2d"}
    for layer in group.producers:
        w = ex.graph.consts[by_layer[layer].operands[1].name]
        score += np.abs(w.astype(np.float64)).reshape(w.shape[0], -1).sum(axis=1)
    order = np.argsort(-score, kind="stable")
    return np.sort(order[:keep])


def _cut(param: torch.Tensor, keep: torch.Tensor, dim: int) -> torch.Tensor:
    return param.detach().index_select(dim, keep).clone()


def _prune_bn(bn: nn.BatchNorm2d, keep: torch.Tensor) -> None:
    bn.weight = nn.Parameter(_cut(bn.weight, keep, 0))
    bn.bias = nn.Parameter(_cut(bn.bias, keep, 0))
    bn.running_mean = _cut(bn.running_mean, keep, 0)
    bn.running_var = _cut(bn.running_var, keep, 0)
    bn.num_features = len(keep)


def prune(model: DigitsNet, group: ChannelGroup, keep: np.ndarray) -> None:
    """Keep only channels ``keep`` of ``group`` in the torch modules (in place)."""
    if group.pinned:
        raise ValueError("cannot prune a pinned group")
    idx = torch.as_tensor(np.asarray(keep), dtype=torch.long)
    mods = modules(model)
    for layer in group.producers:
        block = mods[layer]
        block.conv.weight = nn.Parameter(_cut(block.conv.weight, idx, 0))
        block.conv.out_channels = len(idx)
        _prune_bn(block.bn, idx)
    for layer in group.depthwise:
        block = mods[layer]
        block.conv.weight = nn.Parameter(_cut(block.conv.weight, idx, 0))
        block.conv.in_channels = block.conv.out_channels = block.conv.groups = len(idx)
        _prune_bn(block.bn, idx)
    for layer in group.consumers:
        module = mods[layer]
        if isinstance(module, nn.Linear):
            module.weight = nn.Parameter(_cut(module.weight, idx, 1))
            module.in_features = len(idx)
        else:
            module.conv.weight = nn.Parameter(_cut(module.conv.weight, idx, 1))
            module.conv.in_channels = len(idx)
