# SPDX-License-Identifier: GPL-2.0
# bench/trace-overhead.awk: one row of trace-overhead.sh's table from the
# per-round ratios "fentry kprobe bpftrace empty" (each traced / untraced;
# "-" where the mode could not run or bpftrace hung; empty: fentry with programs that
# return at once), with -v k=KERNEL -v u=UNTRACED_NS.
#
# The three ratios: the median over the rounds, their range (min-max)
# beside it. The added cost of ours against bpftrace's, (ours - 1) /
# (bpftrace - 1), is taken round by round (the two ran minutes apart at
# most, in one boot), then its median with a distribution-free 95 %
# confidence interval: the order statistics x(j) and x(n+1-j), j the
# largest with P(Binomial(n, 1/2) <= j - 1) <= 0.025. A round in which
# bpftrace added nothing measurable has no such ratio and is left out.
function sort_num(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
}
function median(a, n) {
	sort_num(a, n)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function cell(a, n,    m) {
	if (!n)
		return "n/a"
	m = median(a, n)
	return sprintf("%.2f (%.2f-%.2f)", m, a[1], a[n])
}
# The index j of the lower bound (0 when n is too small for 95 %).
function ci_index(n,    j, p, c) {
	p = 0.5 ^ n; c = p; j = 0
	while (c <= 0.025) { j++; p = p * (n - j + 1) / j; c += p }
	return j
}
function ci_cell(a, n,    m, j) {
	if (!n)
		return "n/a"
	m = median(a, n); j = ci_index(n)
	if (!j)
		return sprintf("%.2f (too few rounds for a CI, %d)", m, n)
	return sprintf("%.2f [%.2f, %.2f] (%d rounds)", m, a[j], a[n + 1 - j], n)
}
{
	if ($1 != "-") f[++nf] = $1
	if ($2 != "-") p[++np] = $2
	if ($3 != "-") b[++nb] = $3
	if ($3 != "-" && $3 > 1) {
		if ($1 != "-") af[++naf] = ($1 - 1) / ($3 - 1)
		if ($2 != "-") ap[++nap] = ($2 - 1) / ($3 - 1)
		if (NF >= 4 && $4 != "-") ae[++nae] = ($4 - 1) / ($3 - 1)
	}
}
END {
	printf "| %s | %.0f | %s | %s | %s | %s | %s | %s |\n", k, u, cell(f, nf), cell(p, np), cell(b, nb),
		ci_cell(af, naf), ci_cell(ap, nap), ci_cell(ae, nae)
}
