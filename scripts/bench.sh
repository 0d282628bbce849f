#!/usr/bin/env bash
# `make bench`: no benchmark is defined yet; issues that name a speed target add theirs here.
set -euo pipefail
echo "no benchmarks yet"
