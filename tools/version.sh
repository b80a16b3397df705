#!/bin/sh
# SPDX-License-Identifier: Zlib
# tools/version.sh - print the project version, read from its one home in include/zlib_iaa.h
sed -n 's/^#define ZLIB_IAA_VERSION "\(.*\)"$/\1/p' "$(dirname "$0")/../include/zlib_iaa.h"
