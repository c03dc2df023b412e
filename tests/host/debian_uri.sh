#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# debian_uri (scripts/lib/debian-uri.sh), which setup-host.sh reuses for the
# backports source and the build roots' debootstrap: against APT directories
# of several shapes it prints the URI of the plain "bookworm" deb source
# exactly once, or nothing. A URI printed twice made debootstrap fail and the
# build roots go missing. TAP output (tests/lib/tap.sh).
# usage: debian_uri.sh PATH/TO/debian-uri.sh
set -u
. "$(dirname "$0")/../lib/tap.sh"
lib=${1:?usage: debian_uri.sh PATH/TO/debian-uri.sh}
# shellcheck source=../../scripts/lib/debian-uri.sh
. "$lib"
tap_scratch

# apt_dir NAME: a fresh APT directory; the case writes its files there.
apt_dir() { dir=$tmp/$1; mkdir -p "$dir/sources.list.d"; }
# Each case: debian_uri's whole output must be the URI, or nothing.

apt_dir deb822-second-stanza
cat >"$dir/sources.list.d/debian.sources" <<'SRC'
Types: deb
URIs: http://security.example/debian-security
Suites: bookworm-security
Components: main

# The main archive (a comment inside the file)
Types: deb
URIs: http://archive.example/debian
# Suites: bullseye
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://other.example/debian
Suites: bookworm
Components: contrib
SRC
tap_is "deb822, bookworm in the second of three stanzas: printed once: http://archive.example/debian" "$(debian_uri "$dir")" http://archive.example/debian

apt_dir deb822-src-first
printf '%s\n' 'Types: deb-src' 'URIs: http://src.example/debian' 'Suites: bookworm' '' \
	'Types: deb' 'URIs: http://bin.example/debian' 'Suites: bookworm' >"$dir/sources.list.d/debian.sources"
printf 'Components: main' >>"$dir/sources.list.d/debian.sources"	# no trailing newline
tap_is "deb822, a deb-src stanza first, the last without a trailing newline: http://bin.example/debian" "$(debian_uri "$dir")" http://bin.example/debian

apt_dir deb822-commented-out
cat >"$dir/sources.list.d/debian.sources" <<'SRC'
# Types: deb
# URIs: http://old.example/debian
# Suites: bookworm

Types: deb deb-src
URIs: http://new.example/debian
Suites: bookworm
SRC
tap_is "deb822, a commented-out stanza before the real one: http://new.example/debian" "$(debian_uri "$dir")" http://new.example/debian

apt_dir deb822-updates-only
printf '%s\n' 'Types: deb' 'URIs: http://archive.example/debian' 'Suites: bookworm-updates' \
	>"$dir/sources.list.d/debian.sources"
tap_is "deb822, bookworm-updates only: nothing" "$(debian_uri "$dir")" ""

apt_dir one-line
cat >"$dir/sources.list" <<'SRC'
# deb http://commented.example/debian bookworm main
deb-src http://src.example/debian bookworm main
deb http://updates.example/debian bookworm-updates main
deb http://archive.example/debian bookworm main contrib
deb http://later.example/debian bookworm main
SRC
tap_is "sources.list, deb-src and bookworm-updates lines first: printed once: http://archive.example/debian" "$(debian_uri "$dir")" http://archive.example/debian

apt_dir one-line-signed-by
cat >"$dir/sources.list" <<'SRC'
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://signed.example/debian bookworm main
SRC
tap_is "sources.list with [signed-by=...]: http://signed.example/debian" "$(debian_uri "$dir")" http://signed.example/debian

apt_dir one-line-spaced-options
cat >"$dir/sources.list" <<'SRC'
deb [ arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg ] http://spaced.example/debian bookworm main
SRC
tap_is "sources.list with [ spaced options ]: http://spaced.example/debian" "$(debian_uri "$dir")" http://spaced.example/debian

apt_dir one-line-updates-only
cat >"$dir/sources.list" <<'SRC'
deb http://archive.example/debian bookworm-updates main
deb-src http://archive.example/debian bookworm main
SRC
tap_is "sources.list, bookworm-updates and deb-src only: nothing" "$(debian_uri "$dir")" ""

apt_dir list-in-dir
echo 'deb http://listdir.example/debian bookworm main' >"$dir/sources.list.d/extra.list"
tap_is "a .list file in sources.list.d: http://listdir.example/debian" "$(debian_uri "$dir")" http://listdir.example/debian

apt_dir both
echo 'deb http://oneline.example/debian bookworm main' >"$dir/sources.list"
printf '%s\n' 'Types: deb' 'URIs: http://deb822.example/debian' 'Suites: bookworm' '' \
	>"$dir/sources.list.d/debian.sources"
tap_is "both forms present: the deb822 source, once: http://deb822.example/debian" "$(debian_uri "$dir")" http://deb822.example/debian

apt_dir empty
tap_is "no sources at all: nothing" "$(debian_uri "$dir")" ""

debian_uri "$tmp/nonexistent" >/dev/null
tap_is "a missing APT directory: exit 0" "$?" 0
tap_done
