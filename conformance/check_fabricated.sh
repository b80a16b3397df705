#!/bin/bash
# SPDX-License-Identifier: Zlib
# conformance/check_fabricated.sh - discovery against a fabricated IAA sysfs tree
#
# Usage: check_fabricated.sh ZLIB_IAA_CLI BUILD_DIR PROGRAM
# As root, in a private mount namespace, builds a /sys/bus/dsa tree and /dev/iax
# nodes that the real libaccel-config reads (tmpfs over /sys/bus and /dev/iax;
# nothing leaks to the host), then checks what `zlib-iaa info` says of each queue and
# that a zlib program under libz-iaa still runs on the system zlib with the reason
# no_device. The attribute set was read off libaccel-config 3.5.3 (strace of its
# device and wq scans); that version does not read pasid_enabled from the tree, so
# the no-SVA verdict is covered by test/iaa/hw/test_discover.c instead. Exits 77
# (skipped) when not root or without unshare.
set -uo pipefail
if [ "${1:-}" != --inside ]; then
	cli=$(readlink -f "$1")
	build=$(readlink -f "$2")
	prog=$(readlink -f "$3")
fi
unset LD_LIBRARY_PATH LD_PRELOAD ZLIB_IAA_MODE ZLIB_IAA_STATS

if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
	echo "SKIP: needs root and unshare for a private mount namespace"
	exit 77
fi
if [ "${1:-}" != --inside ]; then
	exec unshare -m bash "$0" --inside "$cli" "$build" "$prog"
fi
shift
cli=$1 build=$2 prog=$3
pass=0 fail=0
check() { # name, command...
	local name=$1
	shift
	if "$@"; then echo "PASS $name"; pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}

mount --make-rprivate / || exit 77
mount -t tmpfs none /sys/bus || exit 77
# A mount namespace hides mounts, not new directories: remove /dev/iax afterwards
# if this test had to create it (a machine with IAA has it already).
made_dev_iax=0
if [ ! -d /dev/iax ]; then
	mkdir /dev/iax || exit 77
	made_dev_iax=1
fi
trap 'umount /dev/iax 2>/dev/null; [ $made_dev_iax = 0 ] || rmdir /dev/iax' EXIT
mount -t tmpfs none /dev/iax || exit 77

device() { # name state pasid node version
	local d=/sys/bus/dsa/devices/$1 f
	mkdir -p "$d" "$d/group${1#???}.0" "$d/engine${1#???}.0"
	for f in cmd_status gen_cap max_engines max_groups; do echo 0 > "$d/$f"; done
	echo "$2" > "$d/state"; echo "$3" > "$d/pasid_enabled"; echo "$4" > "$d/numa_node"
	echo "$5" > "$d/version"; echo 2147483648 > "$d/max_transfer_size"
	echo 8 > "$d/max_work_queues"; echo 128 > "$d/max_work_queues_size"
}
wq() { # device wq mode type state size threshold driver
	local w=/sys/bus/dsa/devices/$1/$2
	mkdir -p "$w"
	echo 0 > "$w/group_id"; echo "$6" > "$w/size"; echo 10 > "$w/priority"
	echo 1 > "$w/block_on_fault"; echo "$3" > "$w/mode"; echo "$5" > "$w/state"
	echo "${2#*.}" > "$w/cdev_minor"; echo "$4" > "$w/type"; echo app > "$w/name"
	echo "$8" > "$w/driver_name"; echo "$7" > "$w/threshold"; echo 0 > "$w/max_batch_size"
	echo 2097152 > "$w/max_transfer_size"; echo 0 > "$w/ats_disable"
}

device iax1 enabled 1 0 0x100
wq iax1 wq1.0 shared user enabled 64 64 user        # usable if the CPU has ENQCMD
wq iax1 wq1.1 dedicated kernel enabled 64 0 crypto  # iaa_crypto's queue
wq iax1 wq1.2 dedicated user disabled 32 0 user     # configured, not enabled
wq iax1 wq1.3 dedicated user enabled 32 0 user      # needs MOVDIR64B
device iax3 disabled 1 1 0x200
wq iax3 wq3.0 shared user enabled 128 128 user      # on a disabled device
device dsa0 enabled 1 0 0x100
wq dsa0 wq0.0 shared user enabled 16 16 user        # DSA: not ours
mkfifo /dev/iax/wq1.0        # opens, but cannot be mapped: never submitted to
mkfifo /dev/iax/wq1.3
mkfifo /dev/iax/wq3.0

out=$("$cli" info 2>&1)
echo "$out"
has() { grep -qF -- "$1" <<< "$out"; }
flags=$(grep -m1 '^flags' /proc/cpuinfo)
check "iax1 listed (IAA 1.0, node 0, SVA on)" has "iax1: IAA 1.0, enabled, NUMA node 0, SVA on"
check "iax3 listed (IAA 2.0, disabled, node 1)" has "iax3: IAA 2.0, disabled, NUMA node 1"
check "the DSA device is not listed" bash -c "! grep -q 'dsa0\|wq0.0' <<< '$out'"
check "wq1.1: kernel queue" has "not usable: kernel queue"
check "wq1.2: not enabled" has "not usable: queue not enabled"
check "wq3.0: device not enabled" has "not usable: device not enabled"
if grep -qw enqcmd <<< "$flags"; then
	check "wq1.0: mmap of the node fails" has "not usable: mmap failed"
else
	check "wq1.0: CPU without ENQCMD" has "shared queue needs ENQCMD"
fi
if grep -qw movdir64b <<< "$flags"; then
	check "wq1.3: mmap of the node fails" has "not usable: mmap failed"
else
	check "wq1.3: CPU without MOVDIR64B" has "dedicated queue needs MOVDIR64B"
fi
check "summary counts 5 IAA queues, none usable" has "summary: 0 of 5 IAA work queues usable"
check "nothing from libaccel-config on stderr" bash -c "! grep -q libaccfg <<< '$out'"

rm -f /tmp/ziaa-fab-stats.json
ZLIB_IAA_STATS=/tmp/ziaa-fab-stats.json LD_PRELOAD="$build/libz-iaa.so.1" "$prog" 2>/tmp/ziaa-fab-err
check "a zlib program still works, fallback no_device, silent" bash -c \
	"grep -q '\"no_device\":1' /tmp/ziaa-fab-stats.json && ! [ -s /tmp/ziaa-fab-err ]"
rm -f /tmp/ziaa-fab-stats.json /tmp/ziaa-fab-err
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
