#!/usr/bin/env bash
# Build the CPLMS analysis plugin (search/es_plugin) against an unpacked Elasticsearch and
# install it there:  scripts/build-es-plugin.sh ES_HOME
# It is an Elasticsearch "stable" plugin (no classname; stable-plugin-descriptor.properties);
# named_components.json (written here from the sources) tells the node which classes are
# components. Compiled with javac against $ES_HOME/lib jars: no Maven, no downloads.
# Idempotent: does nothing when the same build (sources + ES version) is already installed.
# The node must be stopped (plugins load at startup); the script refuses if it is running.
# Runs as root or as any user who can write $ES_HOME/plugins; as root the plugin files are
# handed to the owner of ES_HOME. Env: ES_JAVA_HOME/JAVA_HOME (default: the java on PATH).
set -euo pipefail

log() { printf 'build-es-plugin: %s\n' "$*" >&2; }

[ $# -eq 1 ] || { echo "usage: $0 ES_HOME" >&2; exit 64; }
ES_HOME=$(cd "$1" && pwd)
SRC=$(cd "$(dirname "$0")/../search/es_plugin" && pwd)
NAME=cplms-analysis
PLUGIN_DIR="$ES_HOME/plugins/$NAME"
LIB="$ES_HOME/lib"

if [ -z "${ES_JAVA_HOME:-}" ]; then
  ES_JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
fi
export ES_JAVA_HOME
JAVAC="$ES_JAVA_HOME/bin/javac"
[ -x "$JAVAC" ] || JAVAC=$(command -v javac) || { log "no javac (install a JDK)"; exit 1; }
JAR="$ES_JAVA_HOME/bin/jar"
[ -x "$JAR" ] || JAR=$(command -v jar)

core_jar=$(ls "$LIB"/elasticsearch-[0-9]*.jar 2>/dev/null | head -1)
[ -n "$core_jar" ] || { log "$LIB has no elasticsearch-<version>.jar; is $ES_HOME an ES home?"; exit 1; }
ES_VERSION=$(basename "$core_jar" .jar); ES_VERSION=${ES_VERSION#elasticsearch-}

# Version = base version + hash of the sources and the ES version, so any change reinstalls.
BASE_VERSION=1.0.0
hash=$( (cd "$SRC" && find src -type f -name '*.java' | LC_ALL=C sort | xargs cat; echo "$ES_VERSION") \
  | sha256sum | cut -c1-10)
VERSION="$BASE_VERSION-$hash"

installed=$(sed -n 's/^version=//p' "$PLUGIN_DIR/stable-plugin-descriptor.properties" 2>/dev/null || true)
if [ "$installed" = "$VERSION" ] && [ -s "$PLUGIN_DIR/named_components.json" ]; then
  log "$NAME $VERSION already installed in $ES_HOME"
  exit 0
fi

if pgrep -f -- "-Des.path.home=$ES_HOME( |$)" >/dev/null 2>&1; then
  log "an Elasticsearch node is running from $ES_HOME; stop it, install, then start it again"
  exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cplms-es-plugin.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/classes" "$WORK/zip"

cp=$(ls "$LIB"/elasticsearch-plugin-api-*.jar "$LIB"/elasticsearch-plugin-analysis-api-*.jar \
  "$LIB"/lucene-core-*.jar "$LIB"/lucene-analysis-common-*.jar | paste -sd: -)
find "$SRC/src/main/java" -name '*.java' >"$WORK/sources"
"$JAVAC" --release 17 -nowarn -encoding UTF-8 -cp "$cp" -d "$WORK/classes" @"$WORK/sources"
"$JAR" --create --file "$WORK/zip/$NAME-$VERSION.jar" -C "$WORK/classes" .

java_version=$("$ES_JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java.specification.version = //p')
cat >"$WORK/zip/stable-plugin-descriptor.properties" <<EOF
name=$NAME
description=CPLMS token filters (CJK bigram/width, English stem, ASCII folding, lowercase, edge n-gram)
version=$VERSION
elasticsearch.version=$ES_VERSION
java.version=${java_version:-17}
modular=false
EOF
# named_components.json (extensible interface -> component name -> class) is what the node
# reads at startup. The installer would generate it by scanning every class on its classpath,
# but that runs out of its 64 MB CLI heap, so it is written here from the sources: each
# component is a top-level class in its own file with @NamedComponent("name") and
# "implements <Interface>" from org.elasticsearch.plugin.analysis.
for f in $(LC_ALL=C sort "$WORK/sources"); do
  name=$(sed -n 's/^@NamedComponent("\([^"]*\)").*/\1/p' "$f")
  [ -n "$name" ] || continue
  pkg=$(sed -n 's/^package \([a-zA-Z0-9_.]*\);.*/\1/p' "$f")
  iface=$(sed -n 's/^public class .* implements \([A-Za-z]*Factory\).*/\1/p' "$f")
  [ -n "$iface" ] || { log "$f: no 'implements ...Factory' on its class line"; exit 1; }
  printf '%s\t%s\t%s.%s\n' "$iface" "$name" "$pkg" "$(basename "$f" .java)"
done >"$WORK/components"
awk -F'\t' '
  { key = "org.elasticsearch.plugin.analysis." $1
    if (!(key in body)) order[n++] = key
    body[key] = body[key] (body[key] == "" ? "" : ",\n") "    \"" $2 "\": \"" $3 "\"" }
  END { printf "{\n"
        for (i = 0; i < n; i++) printf "  \"%s\": {\n%s\n  }%s\n", order[i], body[order[i]], (i < n - 1 ? "," : "")
        printf "}\n" }' "$WORK/components" >"$WORK/zip/named_components.json"
(cd "$WORK/zip" && "$JAR" --create --no-manifest --file "$WORK/$NAME.zip" .)

if [ -d "$PLUGIN_DIR" ]; then
  log "replacing $NAME ${installed:-(unknown version)}"
  "$ES_HOME/bin/elasticsearch-plugin" remove --purge "$NAME" >/dev/null
fi
"$ES_HOME/bin/elasticsearch-plugin" install --batch "file://$WORK/$NAME.zip" >"$WORK/install.log" 2>&1 \
  || { cat "$WORK/install.log" >&2; exit 1; }
[ -s "$PLUGIN_DIR/named_components.json" ] \
  || { log "installed, but no named_components.json in $PLUGIN_DIR"; exit 1; }
if [ "$(id -u)" -eq 0 ]; then
  chown -R --reference="$ES_HOME" "$PLUGIN_DIR"
fi
log "installed $NAME $VERSION into $ES_HOME"
