#!/usr/bin/env bash
# Runs every test of cachekit: unit tests (Surefire, *Tests) and integration tests
# against real memcached and redis-server processes (Failsafe, *IntegrationTests).
#
# On a fresh Debian or Ubuntu machine it first installs the memcached and redis-server
# packages when they are missing, and sasl2-bin and libsasl2-modules (saslpasswd2 and the
# PLAIN mechanism, for the memcached SASL tests) and openssl (test certificates for the TLS
# tests) and redis-tools (redis-cli, which joins the Redis Cluster of the cluster tests;
# the Sentinel tests run redis-server --sentinel and need no other package), and updates a
# Debian OpenJDK 17 older
# than 17.0.19 (as root, or through sudo): NullAway checks the JSpecify annotations in full (its JSpecify
# mode) only on 17.0.19+, 21.0.8+ or 22+. The tests start their own servers on free
# loopback ports; nothing needs to be running.
#
# Extra arguments go to Maven, e.g. scripts/test.sh -pl cachekit-core
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		echo "error: not root; run as root: $*" >&2
		exit 1
	fi
}

apt_updated=false
apt_install() {
	if [ "$apt_updated" = false ]; then
		as_root apt-get update -qq
		apt_updated=true
	fi
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# The running JDK's version, e.g. 17.0.15 or 21.0.8 or 25.
java_version() {
	"${JAVA_HOME:+$JAVA_HOME/bin/}java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.version = //p'
}

# Whether NullAway's JSpecify mode runs on this JDK: 17.0.19+, 21.0.8+ or 22+.
jspecify_capable() {
	local version=$1 major minor patch rest
	IFS=. read -r major minor patch rest <<<"${version%%[-+]*}"
	patch=${patch:-0}
	if [ "$major" -ge 22 ]; then return 0; fi
	if [ "$major" -eq 21 ] && [ "$patch" -ge 8 ]; then return 0; fi
	if [ "$major" -eq 17 ] && [ "$patch" -ge 19 ]; then return 0; fi
	return 1
}

if [ -z "${JAVA_HOME:-}" ] && ! jspecify_capable "$(java_version)" && command -v apt-get >/dev/null 2>&1 \
	&& dpkg -s openjdk-17-jdk-headless >/dev/null 2>&1; then
	echo "Updating OpenJDK 17 ($(java_version)) for NullAway's JSpecify mode"
	apt_install --only-upgrade openjdk-17-jdk-headless openjdk-17-jre-headless \
		$(dpkg -s openjdk-17-jdk >/dev/null 2>&1 && echo openjdk-17-jdk openjdk-17-jre)
fi
jspecify=()
if jspecify_capable "$(java_version)"; then
	jspecify=(-Dnullaway.jspecify=true)
else
	echo "warning: JDK $(java_version) cannot run NullAway's JSpecify mode; nullness is checked in its standard mode" >&2
fi

missing=()
for binary in memcached redis-server; do
	if ! command -v "$binary" >/dev/null 2>&1 && [ ! -x "/usr/bin/$binary" ]; then
		missing+=("$binary")
	fi
done
# redis-cli (Debian package redis-tools) creates the Redis Cluster of the cluster tests.
if ! command -v redis-cli >/dev/null 2>&1 && [ ! -x /usr/bin/redis-cli ]; then
	missing+=(redis-tools)
fi
# openssl makes the certificates of the TLS tests (memcached -Z, redis-server --tls-port).
if ! command -v openssl >/dev/null 2>&1 && [ ! -x /usr/bin/openssl ]; then
	missing+=(openssl)
fi
# saslpasswd2 creates the SASL database of the memcached SASL tests (memcached -S), whose
# PLAIN mechanism is in libsasl2-modules (only recommended by memcached).
if ! command -v saslpasswd2 >/dev/null 2>&1 && [ ! -x /usr/sbin/saslpasswd2 ]; then
	missing+=(sasl2-bin)
fi
# dpkg -s succeeds for a removed package whose configuration files remain: ask for its
# status instead.
if command -v dpkg-query >/dev/null 2>&1 \
		&& ! dpkg-query -W -f='${Status}' libsasl2-modules 2>/dev/null | grep -q 'install ok installed'; then
	missing+=(libsasl2-modules)
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "Installing missing server packages: ${missing[*]}"
	apt_install "${missing[@]}"
fi

./mvnw -B -ntp verify "${jspecify[@]}" "$@"

# A skipped test hides missing work: every test must run.
skipped=0
for summary in */target/failsafe-reports/failsafe-summary.xml; do
	[ -f "$summary" ] || continue
	count=$(sed -n 's:.*<skipped>\([0-9]*\)</skipped>.*:\1:p' "$summary")
	skipped=$((skipped + ${count:-0}))
done
for report in */target/surefire-reports/TEST-*.xml; do
	[ -f "$report" ] || continue
	count=$(sed -n 's:.*<testsuite [^>]*skipped="\([0-9]*\)".*:\1:p' "$report" | head -n 1)
	skipped=$((skipped + ${count:-0}))
done
if [ "$skipped" -ne 0 ]; then
	echo "error: $skipped test(s) were skipped; every test must run" >&2
	exit 1
fi
