// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmap_splat: a test-only module that makes the kernel report a problem
 * for real when it loads, so the guest runner's tests prove that guest-run
 * catches each class of report (tests/runner/test_guest_run.sh).
 *
 *   insmod kbufmap_splat.ko what=warn        a WARNING with a stack trace
 *   insmod kbufmap_splat.ko what=softlockup  spin with preemption off (set
 *                                            kernel.watchdog_thresh low first)
 *   insmod kbufmap_splat.ko what=hung        sleep uninterruptibly (set
 *                                            kernel.hung_task_timeout_secs low)
 *   insmod kbufmap_splat.ko what=rcustall    spin inside an RCU read section
 *                                            (set rcupdate's rcu_cpu_stall_timeout)
 *
 * secs= says how long the last three last.
 */
#include <linux/module.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/string.h>

static char *what = "warn";
module_param(what, charp, 0444);
MODULE_PARM_DESC(what, "warn, softlockup, hung or rcustall");
static uint secs = 5;
module_param(secs, uint, 0444);
MODULE_PARM_DESC(secs, "how long a lockup, hang or stall lasts");

/*
 * Spin on the clock, not on mdelay(): under QEMU's TCG the delay loop's
 * calibration can be far off, and a short spin reports nothing.
 */
static void spin_for(uint s)
{
	u64 end = ktime_get_ns() + (u64)s * NSEC_PER_SEC;

	while (ktime_get_ns() < end)
		cpu_relax();
}

static struct rcu_head splat_rcu;
static void splat_rcu_done(struct rcu_head *head)
{
}

/*
 * A stall is only reported while a grace period waits. An idle guest of a
 * kernel with lazy RCU callbacks (7.x) may start none for ten seconds and
 * more, so queue a callback that asks for one now.
 */
static void start_grace_period(void)
{
#ifdef SPLAT_HAVE_CALL_RCU_HURRY
	call_rcu_hurry(&splat_rcu, splat_rcu_done);
#else
	call_rcu(&splat_rcu, splat_rcu_done);
#endif
}

static int __init splat_init(void)
{
	if (!strcmp(what, "warn")) {
		WARN(1, "kbufmap_splat: a deliberate warning\n");
	} else if (!strcmp(what, "softlockup")) {
		preempt_disable();
		spin_for(secs);
		preempt_enable();
	} else if (!strcmp(what, "hung")) {
		schedule_timeout_uninterruptible(secs * HZ);
	} else if (!strcmp(what, "rcustall")) {
		start_grace_period();
		rcu_read_lock();
		spin_for(secs);
		rcu_read_unlock();
	} else {
		pr_err("kbufmap_splat: what=%s: use warn, softlockup, hung or rcustall\n", what);
		return -EINVAL;
	}
	return 0;
}

static void __exit splat_exit(void)
{
	rcu_barrier();	/* splat_rcu_done() must not outlive the module */
}

module_init(splat_init);
module_exit(splat_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test-only: makes the kernel report a problem on load");
