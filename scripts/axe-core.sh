#!/usr/bin/env bash
# Fetch the pinned axe-core from npm and vendor its built script and licence under
# tests/browser/vendor/axe-core/ (`make axe-core`). The browser tests inject it into
# the pages they check (tests/browser/test_accessibility.py); the site never serves
# it. The release tarball and its script must match the sums below. To update: set
# the new version and sums here (a run with the old sums prints the new tarball's),
# run it, and commit the files. Nothing is fetched when the tests run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VERSION=${AXE_VERSION:-4.14.1}
TARBALL_SHA256=${AXE_SHA256:-e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745}
SCRIPT_SHA256=${AXE_SCRIPT_SHA256:-29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c}
DEST="$ROOT/tests/browser/vendor/axe-core"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "axe-core@$VERSION" >/dev/null)
tarball="$tmp/axe-core-$VERSION.tgz"
echo "$TARBALL_SHA256  $tarball" | sha256sum --check --quiet - || {
  echo "axe-core-$VERSION.tgz: sha256 $(sha256sum "$tarball" | cut -d' ' -f1), expected $TARBALL_SHA256" >&2
  exit 1
}
tar -xzf "$tarball" -C "$tmp" package/axe.min.js package/LICENSE
script="$tmp/package/axe.min.js"
echo "$SCRIPT_SHA256  $script" | sha256sum --check --quiet - || {
  echo "axe.min.js: sha256 $(sha256sum "$script" | cut -d' ' -f1), expected $SCRIPT_SHA256" >&2
  exit 1
}
mkdir -p "$DEST"
cp "$script" "$tmp/package/LICENSE" "$DEST/"
echo "$VERSION" >"$DEST/VERSION"
echo "axe-core $VERSION vendored in ${DEST#"$ROOT"/}"
