#!/usr/bin/env bash
# Runs SpawnPhases in fresh JVMs, one contender per JVM, alternating contenders round by round, then sums the JVMs up
# with SpawnPhasesReport. One JVM's batch time of 100,000 tiny tasks is not dependable on a small machine (the same
# jar can measure twice as slow in the next JVM); the median over many JVMs is. See docs/benchmarks.md, "Splitting a
# batch, and switching items off".
#
# Usage: asyncio-benchmarks/spawn-phases.sh [rounds] [contender ...]
#   rounds      JVMs per contender (default 10; about 6 s per JVM)
#   contenders  default: asyncio-observability-off virtual-threads asyncio; also virtual-threads-from-platform
# Environment:
#   BENCH_JAVA_HOME  JDK to build and run with (default /usr/lib/jvm/temurin-25-jdk-amd64, else $JAVA_HOME)
#   JVM_ARGS         options for each JVM (default: a fixed, pre-touched 2 GiB heap)
#   SKIP_BUILD=1     reuse the jar already in target/
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

# shellcheck source=select-jdk.sh
source "$here/select-jdk.sh"

rounds="${1:-10}"
shift || true
contenders=("$@")
if [[ ${#contenders[@]} -eq 0 ]]; then
  contenders=(asyncio-observability-off virtual-threads asyncio)
fi
read -r -a jvm_args <<<"${JVM_ARGS:--Xms2g -Xmx2g -XX:+AlwaysPreTouch}"

jar="$here/target/benchmarks.jar"
if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  (cd "$root" && ./mvnw -B -q -pl asyncio-benchmarks -am package -DskipTests)
fi

mkdir -p "$here/target/benchmark-results"
log="$here/target/benchmark-results/spawn-phases-$(date -u +%Y%m%dT%H%M%SZ).log"
for ((round = 1; round <= rounds; round++)); do
  for contender in "${contenders[@]}"; do
    "$java" "${jvm_args[@]}" -cp "$jar" dev.asyncio.benchmarks.SpawnPhases "$contender" 40 >>"$log"
  done
  echo "round $round of $rounds done" >&2
done
echo "log: $log" >&2
"$java" -cp "$jar" dev.asyncio.benchmarks.SpawnPhasesReport "$log"
