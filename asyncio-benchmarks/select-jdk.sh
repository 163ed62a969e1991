# Sourced by the benchmark scripts: exports JAVA_HOME (BENCH_JAVA_HOME if set, else JDK 25 where this project's machines
# keep it, else the JAVA_HOME already set) and sets $java to its launcher, or stops the script saying what to set.
default_jdk=/usr/lib/jvm/temurin-25-jdk-amd64
if [[ -n "${BENCH_JAVA_HOME:-}" ]]; then
  export JAVA_HOME="$BENCH_JAVA_HOME"
elif [[ -x "$default_jdk/bin/java" ]]; then
  export JAVA_HOME="$default_jdk"
fi
java="${JAVA_HOME:?set BENCH_JAVA_HOME or JAVA_HOME to a JDK 21+}/bin/java"
[[ -x "$java" ]] || { echo "no java at $java: set BENCH_JAVA_HOME to a JDK 21+" >&2; exit 1; }
