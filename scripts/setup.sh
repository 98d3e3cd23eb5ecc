#!/usr/bin/env bash
# Installs every Debian package Pex needs to build, test and run on a fresh
# Debian 12 machine. Idempotent and non-interactive; works as root or via sudo.
#
# Usage: scripts/setup.sh [--demo]
#   --demo  also install what the co-design demo (python/demo) needs.
set -euo pipefail

PACKAGES=(
  # Toolchain and build system.
  cmake ninja-build g++ clang-22 lld-22 clang-format-22
  # libFuzzer and sanitizer runtimes (the TFLite importer's fuzzer, fuzz/).
  libclang-rt-22-dev
  # LLVM/MLIR 22: headers, shared libraries, CMake configs, lit and FileCheck.
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  # Unit tests.
  libgtest-dev
  # Cortex-M cross toolchain and emulator.
  qemu-system-arm gcc-arm-none-eabi libnewlib-arm-none-eabi
  # Python tooling (model generator, benchmarks).
  python3 python3-numpy python3-matplotlib
)

# Co-design demo (python/demo/codesign.py): PyTorch and scikit-learn, whose
# package ships the digits data set.
DEMO_PACKAGES=(python3-torch python3-sklearn)

for arg in "$@"; do
  case "$arg" in
    --demo) PACKAGES+=("${DEMO_PACKAGES[@]}") ;;
    -h | --help)
      echo "usage: $0 [--demo]"
      exit 0
      ;;
    *)
      echo "setup: unknown option '$arg' (usage: $0 [--demo])" >&2
      exit 1
      ;;
  esac
done

export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo -n)
else
  echo "setup: need root or sudo to install packages" >&2
  exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "setup: installing ${missing[*]}"
# Refresh the package lists when they are absent or older than a day.
stamp=/var/lib/apt/periodic/update-success-stamp
lists_fresh=false
if [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages' -mmin -1440 2>/dev/null | head -1)" ]; then
  lists_fresh=true
fi
if ! $lists_fresh || [ ! -e "$stamp" ]; then
  "${SUDO[@]}" apt-get update -q
fi

for pkg in "${missing[@]}"; do
  if ! apt-cache show "$pkg" >/dev/null 2>&1; then
    echo "setup: package '$pkg' is not available from the configured apt sources" >&2
    exit 1
  fi
done

if ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; then
  for pkg in "${missing[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      echo "setup: failed to install '$pkg'" >&2
  done
  exit 1
fi
echo "setup: done"
