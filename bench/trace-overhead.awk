# SPDX-License-Identifier: GPL-2.0
# bench/trace-overhead.awk: one row of trace-overhead.sh's table from the
# per-round ratios "fentry kprobe bpftrace" (each traced / untraced), with
# -v k=KERNEL -v u=UNTRACED_NS. Each figure is the median over the rounds,
# the three ratios with their range (min-max) beside them; the ratios to
# bpftrace and of the added costs ((traced - untraced) / (bpftrace's)) are
# of those medians.
function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function cell(a, n,    m) { m = median(a, n); return sprintf("%.2f (%.2f-%.2f)", m, a[1], a[n]) }
# The added costs' ratio; none when bpftrace added nothing measurable.
function added(x, y) { return y > 1 ? sprintf("%.2f", (x - 1) / (y - 1)) : "n/a" }
{ f[NR] = $1; p[NR] = $2; b[NR] = $3 }
END {
	cf = cell(f, NR); cp = cell(p, NR); cb = cell(b, NR)
	mf = median(f, NR); mp = median(p, NR); mb = median(b, NR)
	printf "| %s | %.0f | %s | %s | %s | %.2f | %.2f | %s | %s |\n", k, u, cf, cp, cb,
		mf / mb, mp / mb, added(mf, mb), added(mp, mb)
}
