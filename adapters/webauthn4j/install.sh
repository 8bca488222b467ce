#!/usr/bin/env bash
# Builds the webauthn4j adapter against its pinned library (pom.xml) into one jar with
# every dependency: adapters/webauthn4j/target/rpscope-adapter-webauthn4j.jar
# Idempotent (nothing is rebuilt while the jar is newer than pom.xml and src/); run from the
# repository root: bash adapters/webauthn4j/install.sh
# Needs a JDK 17 or newer and Maven; the dependencies come from Maven Central.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/rpscope-adapter-webauthn4j.jar"
for tool in java mvn; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install.sh: $tool is not installed (a JDK 17+ and Maven are needed)" >&2
    exit 1
  fi
done
if [ -f "$jar" ] && [ -z "$(find "$here/pom.xml" "$here/src" -newer "$jar" -print -quit)" ]; then
  exit 0
fi
mvn -q -B -f "$here/pom.xml" package -DskipTests
