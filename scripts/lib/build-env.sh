# Shared by scripts/test.sh and scripts/bench.sh (sourced, not run): installing packages as
# root or through sudo, and choosing NullAway's mode for the JDK at hand.

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

# Sets the array jspecify to the Maven flags of NullAway's JSpecify mode, first updating a
# Debian OpenJDK 17 too old to run it; empty (with a warning) on a JDK that cannot.
select_nullaway_mode() {
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
}
