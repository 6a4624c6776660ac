#!/usr/bin/env bash
# Fetch the pinned Apache ECharts from npm and vendor its built bundle, licence and
# notice under site/static/charts/echarts/ (`make echarts`). The release tarball and
# its bundle must match the sums below. To update: set the new version and sums here
# (a run with the old sums prints the new tarball's), run it, and commit the files.
# Nothing is fetched when the site runs or its tests run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VERSION=${ECHARTS_VERSION:-6.1.0}
TARBALL_SHA256=${ECHARTS_SHA256:-681aff88cc1038c3fa941a3a53d1b177a52250b05335efc607d6105ae13be481}
BUNDLE_SHA256=${BUNDLE_SHA256:-b66b25aeb4df84e33199dc21694014d336d222cbd9deb0e5a7c14bd6aa0d0fd0}
DEST="$ROOT/site/static/charts/echarts"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "echarts@$VERSION" >/dev/null)
tarball="$tmp/echarts-$VERSION.tgz"
echo "$TARBALL_SHA256  $tarball" | sha256sum --check --quiet - || {
  echo "echarts-$VERSION.tgz: sha256 $(sha256sum "$tarball" | cut -d' ' -f1), expected $TARBALL_SHA256" >&2
  exit 1
}
tar -xzf "$tarball" -C "$tmp" package/dist/echarts.min.js package/LICENSE package/NOTICE
bundle="$tmp/package/dist/echarts.min.js"
echo "$BUNDLE_SHA256  $bundle" | sha256sum --check --quiet - || {
  echo "echarts.min.js: sha256 $(sha256sum "$bundle" | cut -d' ' -f1), expected $BUNDLE_SHA256" >&2
  exit 1
}
mkdir -p "$DEST"
cp "$tmp/package/dist/echarts.min.js" "$tmp/package/LICENSE" "$tmp/package/NOTICE" "$DEST/"
echo "$VERSION" >"$DEST/VERSION"
echo "Apache ECharts $VERSION vendored in ${DEST#"$ROOT"/}"
