#!/usr/bin/env bash
# Builds target/benchmarks.jar and runs the benchmark suites one after another in a single run, so every figure in
# docs/benchmarks.md comes from the same machine, JDK and load. Each suite writes JMH's JSON and its console log
# under asyncio-benchmarks/target/benchmark-results/<timestamp>/; summary.md there holds the table (score ± error,
# allocation per operation, and the ratio to raw virtual threads where the suite has them).
#
# Usage: asyncio-benchmarks/run-benchmarks.sh [suite ...]
#   suites: observer throughput fanout dump cancellation (default: all, in that order)
# Environment:
#   BENCH_JAVA_HOME  JDK to build and run with (default /usr/lib/jvm/temurin-25-jdk-amd64, else $JAVA_HOME)
#   JMH_OPTS         iteration settings (default: 3 x 2 s warm-up, 5 x 2 s measurement); about 20 minutes on 2 cores
#                    for all suites
#   JMH_FORKS        forks per benchmark for every suite (default: 3 for throughput, whose ratio to raw virtual
#                    threads is the runtime's headline figure and varies most from one JVM to the next; 1 for the
#                    others)
#   JMH_JVM_ARGS     options for the forked JVMs (default: a fixed, pre-touched 2 GiB heap, so that the operating
#                    system's first-touch page faults, which vary a lot on virtual machines, stay out of the scores)
#   SKIP_BUILD=1     reuse the jar already in target/
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

# shellcheck source=select-jdk.sh
source "$here/select-jdk.sh"

read -r -a run_opts <<<"${JMH_OPTS:--wi 3 -w 2s -i 5 -r 2s}"
jvm_args="${JMH_JVM_ARGS:--Xms2g -Xmx2g -XX:+AlwaysPreTouch}"

# name | benchmark regexp | forks | extra JMH options
suites=(
  "observer|ObserverOverheadBenchmark|1|-prof gc"
  "throughput|TaskThroughputBenchmark|3|-prof gc"
  "fanout|SleepFanOutBenchmark|1|"
  "dump|DumpBenchmark|1|-prof gc"
  "cancellation|CancellationBenchmark|1|"
)
selected=("$@")

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building asyncio-benchmarks/target/benchmarks.jar"
  (cd "$root" && ./mvnw -B -q -pl asyncio-benchmarks -am package -DskipTests)
fi
jar="$here/target/benchmarks.jar"
[[ -f "$jar" ]] || { echo "missing $jar: run without SKIP_BUILD=1" >&2; exit 1; }

out="$here/target/benchmark-results/$(date -u +%Y-%m-%dT%H%M%SZ)"
mkdir -p "$out"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cpus: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "os: $(uname -sr)"
  echo "java: $("$java" -version 2>&1 | head -2 | tail -1)"
  echo "jmh options: ${run_opts[*]} (forks: ${JMH_FORKS:-per suite, 3 for throughput, 1 for the others})"
  echo "fork jvm options: $jvm_args"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/environment.txt"
cat "$out/environment.txt"

started=$SECONDS
for suite in "${suites[@]}"; do
  IFS='|' read -r name pattern forks extra <<<"$suite"
  if ((${#selected[@]} > 0)) && [[ ! " ${selected[*]} " =~ " $name " ]]; then
    continue
  fi
  read -r -a extra_opts <<<"$extra"
  echo "== $name ($pattern ${extra})"
  "$java" -jar "$jar" "$pattern" -f "${JMH_FORKS:-$forks}" "${run_opts[@]}" -jvmArgsAppend "$jvm_args" "${extra_opts[@]}" \
    -rf json -rff "$out/$name.json" 2>&1 | tee "$out/$name.log"
  echo "load average after $name: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/environment.txt"
done
echo "total minutes: $(((SECONDS - started) / 60))" >>"$out/environment.txt"

# One table for all suites. "vs VT" divides a score by the raw-virtual-thread score of the same class and parameters.
jq -rs '
  def r(x): if x == null then "" elif (x | type) != "number" then (x | tostring) elif x >= 100 then (x | round | tostring)
            else ((x * 100 | round) / 100 | tostring) end;
  [ .[][] ] as $all
  | ($all | map({key: ((.benchmark | split(".") | .[-2]) + (.params // {} | tostring)),
                 value: .}) ) as $keyed
  | "| benchmark | params | score ± error | unit | alloc B/op | vs VT |",
    "|---|---|---|---|---|---|",
    ( $all[]
      | (.benchmark | split(".")) as $n
      | ($n[-2] + (.params // {} | tostring)) as $k
      | ([ $keyed[] | select(.key == $k and (.value.benchmark | endswith(".virtualThreads"))) | .value.primaryMetric.score ]
         | first) as $vt
      | "| \($n[-2]).\($n[-1]) | \(.params // {} | to_entries | map("\(.key)=\(.value)") | join(", ")) "
        + "| \(r(.primaryMetric.score)) ± \(r(.primaryMetric.scoreError)) | \(.primaryMetric.scoreUnit) "
        + "| \(r(.secondaryMetrics["gc.alloc.rate.norm"].score)) "
        + "| \(if $vt then "\(r(.primaryMetric.score / $vt))x" else "" end) |" )
' "$out"/*.json >"$out/summary.md"
echo "== summary ($out/summary.md)"
cat "$out/summary.md"
