#!/usr/bin/env bash
# Derives the compact ESCO files the binary embeds from the official ESCO v1.1.1 English CSV download.
# Usage: data/esco/derive.sh [FOLDER-WITH-THE-TWO-ZIPS]   (default: ../shared/esco next to the repository)
# The output is deterministic: tests/esco.rs derives again and compares with SHA256SUMS.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
zips="${1:-$repo/../shared/esco}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
unzip -q -o "$zips/esco-v1.1.1-classification-en-csv.zip" -d "$work"
unzip -q -o "$zips/esco-v1.1.1-relations-csv.zip" -d "$work"
cd "$repo"
cargo run --quiet --release -- esco derive "$work" --out "$here" --version v1.1.1
cd "$here"
sha256sum esco-v1.1.1-structure.json.gz esco-v1.1.1-labels-en.json.gz > SHA256SUMS
cat SHA256SUMS
