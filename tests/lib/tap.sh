# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# TAP 13 for shell tests, kselftest style: source it, call tap_ok/tap_is/
# tap_skip per case, end with tap_done. Exit status: 0 all passed (some may
# skip), 1 a case failed, 4 nothing ran (every case skipped, or none at all:
# a run in which nothing ran is not a pass). A final "N passed, N failed,
# N skipped" line lets a reader (and CI) count without a TAP parser.
#
#   . "$(dirname "$0")/../lib/tap.sh"
#   tap_is "exit status" "$rc" 0
#   tap_ok "output is JSON" python3 -m json.tool out.json
#   tap_skip "NUMA placement" "the guest has one node"
#   tap_done
#
# Every test script uses these, and defines no ok/expect/run of its own:
# tap_scratch for a scratch directory, tap_run to capture a command,
# tap_expect for its exit status and output, tap_not for a command that
# must fail, tap_pass/tap_fail for a verdict the script computed itself,
# tap_usage and tap_require for the guards at the top.

# In a guest, jq is gojq where it is installed (scripts/setup-host.sh
# installs it): under emulation Debian 12's jq 1.6 takes about 0.5 s to
# start (it compiles its builtins at every start), gojq 0.04 s, and a suite
# starts jq hundreds of times. gojq keeps object keys sorted and differs in
# corners (paths through `..`), so the host tests keep jq itself, and a
# command run through another program (sh -c, timeout) gets it too.
if [ "${KBUFMAP_IN_GUEST:-}" = 1 ] && command -v gojq >/dev/null 2>&1; then
	jq() { gojq "$@"; }
fi

TAP_N=0 TAP_PASS=0 TAP_FAIL=0 TAP_SKIP=0
echo "TAP version 13"

# tap_result STATUS DESC [DIAG...]: record one case (STATUS 0 = ok).
tap_result() {
	local st=$1 desc=$2 l
	shift 2
	TAP_N=$((TAP_N + 1))
	if [ "$st" -eq 0 ]; then
		TAP_PASS=$((TAP_PASS + 1))
		echo "ok $TAP_N - $desc"
	else
		TAP_FAIL=$((TAP_FAIL + 1))
		echo "not ok $TAP_N - $desc"
		# Every line of a diagnostic stays a TAP comment.
		for l in "$@"; do printf '%s\n' "$l" | sed 's/^/#   /'; done
	fi
}

# tap_ok DESC CMD [ARG...]: ok when CMD succeeds (its output is kept as
# diagnostics on failure).
tap_ok() {
	local desc=$1 out st
	shift
	out=$("$@" 2>&1)
	st=$?
	tap_result "$st" "$desc" "command: $*" "$(printf '%s' "$out" | head -c 600)"
}

# tap_not DESC CMD [ARG...]: ok when CMD fails (its output kept on success).
tap_not() {
	local desc=$1 out st
	shift
	out=$("$@" 2>&1)
	st=$?
	[ "$st" -ne 0 ]
	tap_result $? "$desc" "command: $* (should have failed)" "$(printf '%s' "$out" | head -c 600)"
}

# tap_is DESC GOT WANT: ok when the two strings are equal.
tap_is() {
	if [ "$2" = "$3" ]; then
		tap_result 0 "$1"
	else
		tap_result 1 "$1" "got:  $2" "want: $3"
	fi
}

# tap_is_v DESC GOT WANT: tap_is, with GOT shown in the description.
tap_is_v() { tap_is "$1 ($2)" "$2" "$3"; }

# tap_like DESC TEXT REGEX: ok when TEXT matches the extended REGEX.
tap_like() {
	if printf '%s' "$2" | grep -qE -- "$3"; then
		tap_result 0 "$1"
	else
		tap_result 1 "$1" "does not match /$3/:" "$(printf '%s' "$2" | head -c 600)"
	fi
}

# tap_pass DESC / tap_fail DESC [DIAG...]: a case the script decided itself.
tap_pass() { tap_result 0 "$1"; }
tap_fail() { tap_result 1 "$@"; }

# tap_run [-2] CMD [ARG...]: run CMD for the cases that follow to look at:
# its stdout in $out and $tmp/out, its stderr in $err and $tmp/err, its
# exit status in $rc (after tap_scratch). -2: both streams in $out, in the
# order written (2>&1), and $err empty.
tap_run() {
	if [ "$1" = -2 ]; then
		shift
		"$@" >"$tmp/out" 2>&1
		rc=$?
		: >"$tmp/err"
	else
		"$@" >"$tmp/out" 2>"$tmp/err"
		rc=$?
	fi
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# tap_expect DESC STATUS REGEX [-2] CMD [ARG...]: tap_run [-2] CMD; ok when
# it exits with STATUS and, unless REGEX is "", its stdout or stderr matches
# REGEX (grep -E).
tap_expect() {
	local desc=$1 want=$2 pat=$3
	shift 3
	tap_run "$@"
	if [ "$rc" -ne "$want" ]; then
		tap_fail "$desc" "command: $*" "exit status $rc, want $want" \
			"stdout's end: $(tail -c 600 "$tmp/out")" \
			"stderr: $(head -c 400 "$tmp/err")"
	elif [ -n "$pat" ] && ! grep -qE -- "$pat" "$tmp/out" "$tmp/err"; then
		tap_fail "$desc" "command: $*" "output does not match /$pat/" \
			"stdout: $(head -c 400 "$tmp/out")" "stderr: $(head -c 400 "$tmp/err")"
	else
		tap_pass "$desc"
	fi
}

# tap_scratch [CLEANUP]: a scratch directory in $tmp, removed when the
# script exits, after running the shell command CLEANUP (a test's own undo:
# kill a helper, restore a mode).
tap_scratch() {
	tmp=$(mktemp -d) || { echo "Bail out! no scratch directory"; exit 1; }
	# shellcheck disable=SC2064	# CLEANUP is expanded now, $tmp at exit
	trap "${1:+$1; }"'rm -rf "$tmp"' EXIT
}

# tap_usage ARGC WANT USAGE: exit 2 with "usage: SCRIPT USAGE" unless the
# script got WANT arguments (ARGC: its "$#").
tap_usage() {
	[ "$1" -eq "$2" ] && return 0
	echo "usage: $0 $3" >&2
	exit 2
}

# tap_require WHAT NEED...: unless every NEED holds here, skip WHAT (the
# whole script) with the first one missing as the reason, and end. A NEED
# is "root", "module" (kbufmap is loaded) or a command to be installed.
tap_require() {
	local what=$1 need why
	shift
	for need; do
		case $need in
		root)	[ "$(id -u)" = 0 ] && continue
			why="needs root" ;;
		module)	grep -q '^kbufmap ' /proc/modules && continue
			why="the kbufmap module is not loaded" ;;
		*)	command -v "$need" >/dev/null && continue
			why="$need is not installed" ;;
		esac
		tap_skip "$what" "$why"
		tap_done
	done
}

# kernel_at_least X.Y: the running kernel's series is X.Y or later.
kernel_at_least() {
	[ "$(printf '%s\n' "$1" "$(uname -r | cut -d. -f1-2)" | sort -V | head -n1)" = "$1" ]
}

# tap_skip DESC REASON: a case that cannot run here, and why.
tap_skip() {
	TAP_N=$((TAP_N + 1))
	TAP_SKIP=$((TAP_SKIP + 1))
	echo "ok $TAP_N - $1 # SKIP $2"
}

# tap_diag TEXT...: a comment, every line of it.
tap_diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

# tap_as_nobody [--groups GID[,GID...]] CMD [ARG...]: CMD as an unprivileged
# user would run it: uid and gid 65534, no supplementary groups (or just
# GIDs), no capabilities, in a cgroup of its own beside the test's
# ($KBUFMAP_CGROUP/nobody, which guest-run names; without it, where the
# caller is). Returns CMD's status, 125 when the cgroup cannot be entered.
tap_as_nobody() {
	local groups=--clear-groups cg=${KBUFMAP_CGROUP:-}
	if [ "${1:-}" = --groups ]; then
		groups=--groups=$2
		shift 2
	fi
	(
		if [ -n "$cg" ]; then
			# "0": the writer itself, this subshell, before it execs.
			mkdir -p "$cg/nobody" && echo 0 >"$cg/nobody/cgroup.procs" || {
				echo "tap_as_nobody: cannot enter the cgroup $cg/nobody" >&2
				exit 125
			}
		fi
		exec setpriv --reuid=65534 --regid=65534 "$groups" \
			--inh-caps=-all --bounding-set=-all -- "$@"
	)
}

# tap_done: the plan, the counts, and the exit status.
tap_done() {
	echo "1..$TAP_N"
	echo "$TAP_PASS passed, $TAP_FAIL failed, $TAP_SKIP skipped"
	[ "$TAP_FAIL" -eq 0 ] || exit 1
	[ "$TAP_PASS" -gt 0 ] || { echo "# nothing ran"; exit 4; }
	exit 0
}
