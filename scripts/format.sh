#!/usr/bin/env bash
# Formatting of every tracked Swift file by `swift format` (it ships with the toolchain), with the
# project's configuration in .swift-format.
#
# Usage: scripts/format.sh format|lint
#   format  rewrites the files in place (make format)
#   lint    lists what format would change and fails if anything (make lint; make test runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-lint}
# Tracked files and new ones not yet added (not the ignored ones): a new file is formatted and checked before its first commit.
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.swift' ':!:**/Package.swift' ':!:Package.swift')
[ ${#files[@]} -gt 0 ] || { echo "format.sh: no Swift file tracked" >&2; exit 1; }
case $mode in
  format) swift format format --in-place --parallel --configuration .swift-format "${files[@]}" ;;
  lint)
    if ! swift format lint --strict --parallel --configuration .swift-format "${files[@]}"; then
      echo "format.sh: run 'make format' (the lines above are what it would change)" >&2
      exit 1
    fi
    echo "lint: ${#files[@]} Swift files formatted as .swift-format asks" ;;
  *) echo "usage: scripts/format.sh format|lint" >&2; exit 2 ;;
esac
