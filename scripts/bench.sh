#!/usr/bin/env bash
# Measures cachekit against its peers and writes the report, docs/performance.md.
#
# Builds the benchmark module, runs every benchmark of the report in one JMH run
# (LocalCacheableBenchmark, MemcachedPeerBenchmark, RedisPeerBenchmark, ScaleBenchmark,
# OutageBenchmark; JSON and log in cachekit-benchmarks/target/bench/), measures L1's retained
# heap (L1Retention) and the L2 hit ratios with cachekit and each peer interleaved in one JVM,
# and the fewest keys against the most (PairedRatios), and writes the report from all three.
# Each trial starts and stops its own memcached or redis-server on a free loopback port:
# nothing needs to be running, but both must be installed; on Debian or Ubuntu they are
# installed when missing (as root, or through sudo).
#
# Profiles: the default takes about 12 minutes on 2 cores (three warmup iterations of 1 s and
# eight measured ones of 400 ms per trial; ScaleBenchmark with 10^3 to 10^6 keys; L1Retention
# with a 64 MiB budget; PairedRatios with 20 rounds); --quick (anywhere in the arguments) is
# for checking that everything runs, not for figures, in about 3 minutes after the build
# (five iterations of 200 ms, the book512 value only, ScaleBenchmark with 10^3 and 10^5 keys
# only, a 4 MiB budget, 8 paired rounds). Further
# arguments go to JMH, e.g. scripts/bench.sh --quick -prof gc; -f, -wi, -w, -i and -r given
# there replace the profile's. Arguments that would change what the report compares are
# refused: -bm, -tu, -t, -tg (each benchmark's mode, unit and threads are part of its
# contract) and -p value=... or -p keys=... (the report expects the profile's values and key
# counts).
# BENCH_NOTE, when set, is printed at the top of the report (e.g. that the machine was busy).
#
# Exits with a failure when a benchmark failed: JMH itself exits with 0 when a trial threw,
# so the report generator checks that every expected result is there, and the report
# lists the missing ones with JMH's reason.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib/build-env.sh
. scripts/lib/build-env.sh

started=$(date +%s)
command_line="scripts/bench.sh${*:+ $*}"
profile=full
jmh_arguments=()
previous=
for arg in "$@"; do
	case "$arg" in
	--quick)
		profile=quick
		previous=$arg
		continue
		;;
	-bm | -tu | -t | -tg)
		echo "error: $arg changes what the report compares (each benchmark's mode, unit and threads are fixed); remove it" >&2
		exit 2
		;;
	-pvalue=* | -pkeys=* | value=* | keys=*)
		if [ "$previous" = "-p" ] || [ "${arg#-p}" != "$arg" ]; then
			echo "error: -p ${arg#-p} is set by the profile (the report expects its values and key counts); remove it" >&2
			exit 2
		fi
		;;
	esac
	jmh_arguments+=("$arg")
	previous=$arg
done
set -- ${jmh_arguments[@]+"${jmh_arguments[@]}"}

case "$profile" in
# JMH's error is a 99.9% interval from Student's t over the measured iterations: with 3 it is
# about 18 standard deviations of one iteration wide, with 8 about 1.5, so the same time is
# spent on more, shorter iterations. Three warm-up seconds: with two, the first measured
# iterations of an L1 hit through a Spring proxy were still a fifth slower than the last. Each trial also forks a JVM and starts its servers (2-3 s), and ScaleBenchmark fills its keys first
# (a million keys took about 30 s per backend on 2 busy cores).
quick)
	jmh_options=(-f 1 -wi 1 -w 300ms -i 5 -r 200ms -p value=book512)
	values=book512
	scale_keys=1000,100000
	retention_mib=4
	paired_rounds=8
	;;
*)
	jmh_options=(-f 1 -wi 3 -w 1s -i 8 -r 400ms)
	values=book512,catalog10k
	scale_keys=1000,10000,100000,1000000
	retention_mib=64
	paired_rounds=20
	;;
esac

# An option given on the command line replaces the profile's (JMH refuses one given twice).
for arg in "$@"; do
	case "$arg" in
	-f | -wi | -w | -i | -r)
		kept=()
		for ((n = 0; n < ${#jmh_options[@]}; n++)); do
			if [ "${jmh_options[n]}" = "$arg" ]; then
				n=$((n + 1))
			else
				kept+=("${jmh_options[n]}")
			fi
		done
		jmh_options=("${kept[@]}")
		;;
	esac
done

select_nullaway_mode

missing=()
for binary in memcached redis-server; do
	if ! command -v "$binary" >/dev/null 2>&1 && [ ! -x "/usr/bin/$binary" ]; then
		missing+=("$binary")
	fi
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "Installing missing server packages: ${missing[*]}"
	apt_install "${missing[@]}"
fi

echo "Building the benchmark module"
./mvnw -B -ntp -q -pl cachekit-benchmarks -am package -DskipTests "${jspecify[@]}"

jar=cachekit-benchmarks/target/benchmarks.jar
out=cachekit-benchmarks/target/bench
mkdir -p "$out"
rm -f "$out/jmh.json" "$out/jmh.log" "$out/l1-retention.json" "$out/paired.json"
benchmarks='^io\.cachekit\.benchmarks\.(LocalCacheableBenchmark|MemcachedPeerBenchmark|RedisPeerBenchmark|ScaleBenchmark|OutageBenchmark)\.'

echo "Running the benchmarks (profile $profile: ${jmh_options[*]}, ScaleBenchmark keys $scale_keys)"
status=0
# The CPU time the hypervisor gave other guests while JMH ran (steal, from /proc/stat):
# what makes error bars wide on a shared virtual machine, so the report states it.
cpu_times() { awk '/^cpu /{ print $2+$3+$4+$5+$6+$7+$8+$9, $9 }' /proc/stat 2>/dev/null || true; }
cpu_before=$(cpu_times)
java -jar "$jar" "$benchmarks" "${jmh_options[@]}" -p keys="$scale_keys" -rf json -rff "$out/jmh.json" "$@" 2>&1 \
	| tee "$out/jmh.log" || status=1
cpu_steal=$(awk -v before="$cpu_before" -v after="$(cpu_times)" 'BEGIN {
	if (split(before, b, " ") == 2 && split(after, a, " ") == 2 && a[1] > b[1]) printf "%.1f", 100 * (a[2] - b[2]) / (a[1] - b[1])
}')

# JOL reads the fields of JDK classes (String, List, BigDecimal, Instant...): opening their
# packages spares it a failed reflective access per field, which made the run minutes long.
opens=()
for package in java.lang java.util java.math java.time java.util.concurrent java.util.concurrent.atomic \
	java.util.concurrent.locks; do
	opens+=(--add-opens "java.base/$package=ALL-UNNAMED")
done
echo "Measuring L1's retained heap"
java "${opens[@]}" -Djdk.attach.allowAttachSelf=true -cp "$jar" io.cachekit.benchmarks.L1Retention "$retention_mib" \
	"$out/l1-retention.json" || status=1

echo "Measuring the L2 hit ratios with cachekit and each peer interleaved ($paired_rounds rounds)"
fewest_keys=${scale_keys%%,*}
most_keys=${scale_keys##*,}
java -cp "$jar" io.cachekit.benchmarks.PairedRatios "$paired_rounds" "$values" "$fewest_keys,$most_keys" "$out/paired.json" \
	|| status=1

echo "Writing docs/performance.md"
java -cp "$jar" io.cachekit.benchmarks.report.PerformanceReport --jmh "$out/jmh.json" --log "$out/jmh.log" \
	--retention "$out/l1-retention.json" --paired "$out/paired.json" --values "$values" --scale-keys "$scale_keys" --out docs/performance.md --command "$command_line" \
	--profile "$profile (JMH ${jmh_options[*]}; ScaleBenchmark keys $scale_keys; L1Retention budget $retention_mib MiB; PairedRatios $paired_rounds rounds)" \
	${cpu_steal:+--cpu-steal "$cpu_steal"} ${BENCH_NOTE:+--note "$BENCH_NOTE"} || status=1

elapsed=$(($(date +%s) - started))
printf 'Elapsed: %dm%02ds\n' $((elapsed / 60)) $((elapsed % 60))
if [ "$status" -ne 0 ]; then
	echo "error: some benchmarks failed or are missing; see docs/performance.md and $out/jmh.log" >&2
fi
exit "$status"
