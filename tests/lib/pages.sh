# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034	# the variables are for the scripts that source it
# The page size and the PMD size of this machine, for the tests that must
# not assume x86-64's 4 KiB pages and 2 MiB PMDs (arm64 with 16 KiB pages
# maps 32 MiB with one PMD): source it, then use $page_size (bytes of one
# page), $pmd_size (bytes one PMD maps) and $pmd_pages (pages in one PMD).
# The twin of tests/lib/pages.h.
#
#   . "$(dirname "$0")/../lib/pages.sh"

page_size=$(getconf PAGESIZE)
# The kernel's hpage_pmd_size, else what the page size implies: a page
# table is one page of 8-byte entries.
pmd_size=$(cat /sys/kernel/mm/transparent_hugepage/hpage_pmd_size 2>/dev/null)
case $pmd_size in
''|*[!0-9]*) pmd_size=$((page_size * (page_size / 8))) ;;
esac
pmd_pages=$((pmd_size / page_size))
