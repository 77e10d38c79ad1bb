#!/usr/bin/env bash
# Puts the geokz boundary files in data/sources/ (git-ignored): copied from
# $GEOKZ (default ../shared/data/geokz/shp) when that folder exists, otherwise
# downloaded from the pinned geokz commit; either way checked against
# data/geokz.sha256 (the checksums published beside the files).
set -euo pipefail
cd "$(dirname "$0")/.."
COMMIT=41c1a00454ec9e01bda031b5074920bd82de02ce
BASE="https://raw.githubusercontent.com/arodionoff/geokz/$COMMIT"
SRC="${GEOKZ:-../shared/data/geokz/shp}"
DEST=data/sources
mkdir -p "$DEST"
tmp="$(mktemp -d "$DEST/.fetch.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

names=$(awk '{sub("^shp/", "", $2); print $2}' data/geokz.sha256)
if [ -d "$SRC" ]; then
  for n in $names; do
    [ -r "$SRC/$n" ] || { echo "make data: $SRC/$n is missing" >&2; exit 1; }
    cp "$SRC/$n" "$tmp/$n"
  done
  from="$SRC"
else
  command -v curl >/dev/null || { echo "make data: $SRC not found and curl is not installed" >&2; exit 1; }
  for n in $names; do
    case "$n" in kaz_admcntr_*) dir=maps ;; *) dir=inst/shape ;; esac
    curl -fsSL --retry 3 -o "$tmp/$n" "$BASE/$dir/$n" ||
      { echo "make data: download of $dir/$n failed" >&2; exit 1; }
  done
  from="$BASE"
fi
( cd "$tmp" && awk '{sub("^shp/", "", $2); print $1 "  " $2}' ../../geokz.sha256 | sha256sum --quiet -c - ) ||
  { echo "make data: checksums do not match data/geokz.sha256" >&2; exit 1; }
mv -f "$tmp"/* "$DEST"/
echo "data/sources: $(echo $names | wc -w) geokz files from $from"
