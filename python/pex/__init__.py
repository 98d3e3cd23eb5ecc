"""Python tooling of the Pex compiler.

Modules here generate test models and drive benchmarks; they only need
Debian's python3, python3-numpy and python3-matplotlib.
"""
