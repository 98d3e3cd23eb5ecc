"""Writes TFLite models whose math operators the importer must reject."""

import os
import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
from pex.tflite_model import Model, Quantization as Q, serialize  # noqa: E402


def leaky_negative_alpha() -> Model:
    m = Model()
    x = m.add_tensor("x", (1, 2, 2, 3), "int8", quant=Q([0.05], [0]))
    y = m.add_tensor("y", (1, 2, 2, 3), "int8", quant=Q([0.05], [0]))
    m.add_operator("LEAKY_RELU", [x], [y], alpha=-0.5)
    m.inputs, m.outputs = [x], [y]
    return m


def reduce_max_requant() -> Model:
    m = Model()
    x = m.add_tensor("x", (1, 2, 2, 3), "int8", quant=Q([0.05], [0]))
    axes = m.add_tensor("axes", (1,), "int32", np.array([3], dtype=np.int32))
    y = m.add_tensor("y", (1, 2, 2), "int8", quant=Q([0.1], [0]))
    m.add_operator("REDUCE_MAX", [x, axes], [y])
    m.inputs, m.outputs = [x], [y]
    return m


def sum_bad_axis() -> Model:
    m = Model()
    x = m.add_tensor("x", (1, 2, 2, 3), "int8", quant=Q([0.05], [0]))
    axes = m.add_tensor("axes", (1,), "int32", np.array([4], dtype=np.int32))
    y = m.add_tensor("y", (1, 2, 2, 3), "int8", quant=Q([0.1], [0]))
    m.add_operator("SUM", [x, axes], [y], keep_dims=True)
    m.inputs, m.outputs = [x], [y]
    return m


def log_softmax_output_quant() -> Model:
    m = Model()
    x = m.add_tensor("x", (2, 5), "int8", quant=Q([0.1], [0]))
    y = m.add_tensor("y", (2, 5), "int8", quant=Q([1 / 256], [-128]))
    m.add_operator("LOG_SOFTMAX", [x], [y])
    m.inputs, m.outputs = [x], [y]
    return m


def log_softmax_deep() -> Model:
    m = Model()
    x = m.add_tensor("x", (1, 4096), "int8", quant=Q([0.1], [0]))
    y = m.add_tensor("y", (1, 4096), "int8", quant=Q([16 / 256], [127]))
    m.add_operator("LOG_SOFTMAX", [x], [y])
    m.inputs, m.outputs = [x], [y]
    return m


def log_softmax_tiny_scale() -> Model:
    m = Model()
    x = m.add_tensor("x", (2, 5), "int8", quant=Q([1e-8], [0]))
    y = m.add_tensor("y", (2, 5), "int8", quant=Q([16 / 256], [127]))
    m.add_operator("LOG_SOFTMAX", [x], [y])
    m.inputs, m.outputs = [x], [y]
    return m


for build in (leaky_negative_alpha, reduce_max_requant, sum_bad_axis,
              log_softmax_output_quant, log_softmax_deep, log_softmax_tiny_scale):
    with open(os.path.join(sys.argv[2], build.__name__ + ".tflite"), "wb") as f:
        f.write(serialize(build()))
