#!/usr/bin/env bash
# The routing-overhead regression guard (issue 25): runs the read and write cycles of Replicaware configured from YAML
# with the README's defaults and of raw HikariCP (pool of 32, HikariCP's defaults), interleaved, and compares them with
# the committed benchmarks/results/routing-overhead-guard.json. Exits 1 naming each cycle that got slower or allocates
# more beyond the tolerances: allocation +8 B/op (load does not move it), throughput relative to raw HikariCP in the same
# run -10 % (load moves it: run on a quiet machine; a failure on a loaded one is worth a rerun before believing it).
# Not part of `mvn verify`. Build first, from the repository root:
#   mvn -B -o -q -pl benchmarks -am -DskipTests package
# Usage: benchmarks/regression-guard.sh [record]   (record: write a new baseline instead of comparing)
# Environment: THREADS (1,8), ROUNDS (2), WARMUPS (3), ITERATIONS (5), SECONDS_PER_ITERATION (2), TOLERANCE_BYTES (8), TOLERANCE_RATIO (0.10).
set -euo pipefail
cd "$(dirname "$0")/.."
jar=benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "no $jar: build it with mvn -B -o -q -pl benchmarks -am -DskipTests package" >&2; exit 2; }
mode=true
[ "${1:-}" = record ] && mode=record
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
exec java -Dguard="$mode" -Dthreads="${THREADS:-1,8}" -Drounds="${ROUNDS:-2}" -Dforks=1 \
  -Dwarmups="${WARMUPS:-3}" -Diterations="${ITERATIONS:-5}" -Dseconds="${SECONDS_PER_ITERATION:-2}" \
  -DtoleranceBytes="${TOLERANCE_BYTES:-8}" -DtoleranceRatio="${TOLERANCE_RATIO:-0.10}" \
  -Dinclude='(hikariDefaults|replicawareDefaults)(Read|Write)$' \
  -cp "$jar" dev.replicaware.benchmarks.RoutingOverhead
