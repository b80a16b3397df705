#!/bin/bash
# SPDX-License-Identifier: Zlib
# conformance/fetch_zlib_source.sh - zlib's own example.c and minigzip.c, from Debian
#
# Usage: fetch_zlib_source.sh OUTDIR
# Puts OUTDIR/example.c and OUTDIR/minigzip.c in place, taken at test time from
# Debian's zlib source package with `apt-get source` (the version of the installed
# zlib1g if the archive still has it, else the archive's current one). Does nothing
# when both files are already there.
#
# A fresh Debian 12 machine lists binary packages only. When apt knows no zlib
# source package and we are root, this writes a private deb-src file,
# /etc/apt/sources.list.d/zlib-iaa-src.sources, copying URIs, Suites, Components and
# Signed-By from the main entry of debian.sources (or /etc/apt/sources.list), or
# bookworm main on deb.debian.org if neither can be read, then refreshes that one
# source list. dpkg-dev (which `apt-get source` needs to unpack) is installed if
# missing. Exits 77, meson's code for "skipped", with the reason when none of this
# is possible: not root, no network, no apt.
set -euo pipefail

usage() {
	echo "usage: $0 OUTDIR" >&2
	exit 2
}
[ $# = 1 ] || usage
out=$1
files="example.c minigzip.c"
src_file=/etc/apt/sources.list.d/zlib-iaa-src.sources
debian_sources=/etc/apt/sources.list.d/debian.sources

if [ -f "$out/example.c" ] && [ -f "$out/minigzip.c" ]; then
	echo "zlib test sources already in $out"
	exit 0
fi

skip() { # reason...
	echo "SKIP: cannot fetch zlib's example.c and minigzip.c: $*"
	exit 77
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v apt-get >/dev/null || ! command -v apt-cache >/dev/null; then
	skip "no apt-get on this machine"
fi
root=no
[ "$(id -u)" = 0 ] && root=yes

# True when apt's cache knows a source package called zlib. apt-cache showsrc exits
# 0 even when it finds nothing, so look at what it prints.
have_source_index() {
	apt-cache showsrc zlib 2>/dev/null | grep -qx 'Package: zlib'
}

# main_entry: print "URIs|Suites|Components|Signed-By" of the system's main Debian
# binary entry, empty fields where unknown. deb822 stanzas are separated by blank
# lines and may hold comment lines; the main one is the first "deb" stanza whose
# Suites name the release itself (not only -updates or -security).
main_entry() {
	local codename=$1
	if [ -r "$debian_sources" ]; then
		awk -v rel="$codename" '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && uris != "" && found == "") {
					n = split(suites, s, " ")
					for (i = 1; i <= n; i++)
						if (s[i] == rel) found = uris "|" suites "|" comps "|" signed
					if (first == "") first = uris "|" suites "|" comps "|" signed
				}
				types = uris = suites = comps = signed = ""
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			{
				key = tolower($1); val = $0
				sub(/^[^:]*:[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
				if (key == "types:") types = val
				else if (key == "uris:") uris = val
				else if (key == "suites:") suites = val
				else if (key == "components:") comps = val
				else if (key == "signed-by:") signed = val
			}
			END { flush(); print (found != "" ? found : first) }
		' "$debian_sources"
		return
	fi
	# One-line format: deb [options] URI SUITE COMPONENT...
	if [ -r /etc/apt/sources.list ]; then
		awk -v rel="$codename" '
			$1 != "deb" { next }
			{
				signed = ""; i = 2
				if ($2 ~ /^\[/) {
					while (i <= NF) {
						if ($i ~ /^\[?signed-by=/) { signed = $i; sub(/^\[?signed-by=/, "", signed); sub(/\]$/, "", signed) }
						if ($i ~ /\]$/) { i++; break }
						i++
					}
				}
				uri = $i; suite = $(i + 1); comps = ""
				for (j = i + 2; j <= NF; j++) comps = comps (comps == "" ? "" : " ") $j
				line = uri "|" suite "|" comps "|" signed
				if (first == "") first = line
				if (suite == rel && found == "") found = line
			}
			END { print (found != "" ? found : first) }
		' /etc/apt/sources.list
	fi
}

write_src_entry() {
	local codename uris suites comps signed
	# shellcheck disable=SC1091 # the running system's file
	codename=$( (. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}") || true)
	[ -n "$codename" ] || codename=bookworm
	IFS='|' read -r uris suites comps signed <<< "$(main_entry "$codename")" || true
	if [ -z "${uris:-}" ] || [ -z "${suites:-}" ]; then
		echo "no readable Debian entry in $debian_sources or /etc/apt/sources.list; using $codename main on deb.debian.org"
		uris=http://deb.debian.org/debian suites=$codename comps=main
		signed=/usr/share/keyrings/debian-archive-keyring.gpg
	fi
	[ -n "${comps:-}" ] || comps=main
	{
		echo "# Written by libz-iaa conformance/fetch_zlib_source.sh: zlib's source for its test programs."
		echo "Types: deb-src"
		echo "URIs: $uris"
		echo "Suites: $suites"
		echo "Components: $comps"
		[ -z "${signed:-}" ] || echo "Signed-By: $signed"
	} > "$work/entry"
	install -m 0644 "$work/entry" "$src_file"
	echo "wrote $src_file:"
	sed 's/^/  /' "$src_file"
}

# Refresh the lists of our one sources file only (quick, and leaves the other lists
# as they are); if apt refuses that, refresh everything.
update_lists() { # sources file or "all"
	if [ "$1" != all ] && apt-get update -qq -o Dir::Etc::sourcelist="$1" \
		-o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0 >"$work/update.log" 2>&1; then
		return 0
	fi
	apt-get update -qq >"$work/update.log" 2>&1
}

if ! have_source_index; then
	[ "$root" = yes ] || skip "apt knows no zlib source package (no deb-src entry, or its lists are not downloaded) and we are not root to add one"
	if grep -rqsE '^[[:space:]]*Types:.*deb-src' /etc/apt/sources.list.d/ ||
		grep -qsE '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list; then
		echo "a deb-src entry exists but apt has no zlib source package: refreshing the lists"
		update_lists all || true
	fi
	if ! have_source_index; then
		write_src_entry
		update_lists "$src_file" || { tail -5 "$work/update.log"; skip "apt-get update failed (no network?)"; }
	fi
	have_source_index || { tail -5 "$work/update.log"; skip "apt still knows no zlib source package after adding $src_file"; }
fi

if ! command -v dpkg-source >/dev/null; then
	[ "$root" = yes ] || skip "dpkg-dev is not installed (apt-get source needs it) and we are not root to install it"
	echo "installing dpkg-dev for apt-get source"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dpkg-dev \
		>"$work/install.log" 2>&1 || { tail -5 "$work/install.log"; skip "cannot install dpkg-dev"; }
fi

# The source of the zlib we test against, if the archive still has that version.
version=$(dpkg-query -W -f='${source:Version}' zlib1g 2>/dev/null || true)
mkdir "$work/src"
fetched=no
if [ -n "$version" ] && (cd "$work/src" && apt-get source -qq "zlib=$version") >"$work/source.log" 2>&1; then
	fetched=yes
else
	rm -rf "$work/src" && mkdir "$work/src"
	if (cd "$work/src" && apt-get source -qq zlib) >>"$work/source.log" 2>&1; then
		fetched=yes
	fi
fi
if [ "$fetched" = no ]; then
	tail -5 "$work/source.log"
	skip "apt-get source zlib failed (no network?)"
fi

mkdir -p "$out"
for f in $files; do
	set -- "$work"/src/zlib-*/test/"$f"
	[ -f "$1" ] || skip "the zlib source package has no test/$f"
	# Copy under a temporary name and rename, so a half-copied file never looks done.
	cp "$1" "$out/.$f.tmp"
	mv "$out/.$f.tmp" "$out/$f"
done
src_dir=$(cd "$work"/src/zlib-*/ && basename "$PWD")
echo "fetched example.c and minigzip.c from Debian's $src_dir into $out"
