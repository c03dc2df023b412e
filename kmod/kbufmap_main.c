// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmap: expose a kernel buffer to user space with mmap(), and prove it
 * right. The misc device /dev/kbufmap; each open file owns one buffer, which
 * user space configures with KBUFMAP_IOC_CONFIGURE (include/uapi/kbufmap.h).
 *
 * Locking: kbufmap_file.lock only guards the file's buffer pointer. It is
 * taken inside mmap_lock (mmap and get_unmapped_area run under it), so it is
 * never held across anything that may fault on user memory (copy_*_user):
 * such paths take a buffer reference, drop the lock, then copy.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/errno.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include "kbufmap_matrix.h"
#include "kbufmap.h"
#include "kbufmap_version.h"

/* PFNs copied to user space per copy_to_user() in KBUFMAP_IOC_GET_PFNS. */
#define KBUFMAP_PFN_CHUNK	(PAGE_SIZE / sizeof(u64))

/* --- the memory cap --------------------------------------------------------- */

/*
 * The bytes all buffers may hold together. 0 until set: then a quarter of
 * the RAM the kernel manages, decided at load. Root may change it at any
 * time (it applies to the next CONFIGURE); memparse() suffixes (K, M, G)
 * are accepted.
 */
static unsigned long long kbufmap_max_bytes_param;

static int kbufmap_max_bytes_set(const char *val, const struct kernel_param *kp)
{
	unsigned long long bytes;
	char *end;

	bytes = memparse(val, &end);
	if (end == val || (*end && *end != '\n') || !bytes)
		return -EINVAL;
	WRITE_ONCE(kbufmap_max_bytes_param, bytes);
	return 0;
}

static int kbufmap_max_bytes_get(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%llu\n", kbufmap_max_bytes());
}

static const struct kernel_param_ops kbufmap_max_bytes_ops = {
	.set = kbufmap_max_bytes_set,
	.get = kbufmap_max_bytes_get,
};

module_param_cb(max_bytes, &kbufmap_max_bytes_ops, NULL, 0644);
MODULE_PARM_DESC(max_bytes,
		 "Bytes all buffers may hold together; CONFIGURE fails with ENOMEM past it (default: a quarter of RAM; K/M/G suffixes)");

u64 kbufmap_max_bytes(void)
{
	return READ_ONCE(kbufmap_max_bytes_param);
}

/*
 * One user's share of the cap (the buffers of one effective uid together).
 * 0, the default, means half of max_bytes, whatever max_bytes is then.
 * Callers with CAP_SYS_ADMIN are bounded by max_bytes only.
 */
static unsigned long long kbufmap_user_max_bytes_param;

static int kbufmap_user_max_bytes_set(const char *val,
				      const struct kernel_param *kp)
{
	unsigned long long bytes;
	char *end;

	bytes = memparse(val, &end);
	if (end == val || (*end && *end != '\n'))
		return -EINVAL;
	WRITE_ONCE(kbufmap_user_max_bytes_param, bytes);
	return 0;
}

static int kbufmap_user_max_bytes_get(char *buffer,
				      const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%llu\n", kbufmap_user_max_bytes());
}

static const struct kernel_param_ops kbufmap_user_max_bytes_ops = {
	.set = kbufmap_user_max_bytes_set,
	.get = kbufmap_user_max_bytes_get,
};

module_param_cb(user_max_bytes, &kbufmap_user_max_bytes_ops, NULL, 0644);
MODULE_PARM_DESC(user_max_bytes,
		 "Bytes the buffers of one user may hold together, CAP_SYS_ADMIN exempt; CONFIGURE fails with ENOMEM past it (default, or 0: half of max_bytes; K/M/G suffixes)");

u64 kbufmap_user_max_bytes(void)
{
	u64 bytes = READ_ONCE(kbufmap_user_max_bytes_param);

	return bytes ? bytes : kbufmap_max_bytes() / 2;
}

static void __init kbufmap_max_bytes_init(void)
{
	if (!kbufmap_max_bytes_param)
		kbufmap_max_bytes_param = (u64)totalram_pages() << PAGE_SHIFT >> 2;
}

/* --- test-only fault injection ------------------------------------------- */

#ifdef KBUFMAP_FAULT_INJECT
static const char *const kbufmap_inject_names[KBUFMAP_INJECT_NR] = {
	[KBUFMAP_INJECT_NONE] = "none",
	[KBUFMAP_INJECT_WRONG_PAGE] = "wrong_page",
	[KBUFMAP_INJECT_NO_BOUNDS] = "no_bounds",
	[KBUFMAP_INJECT_NO_DONTEXPAND] = "no_dontexpand",
	[KBUFMAP_INJECT_UNZEROED] = "unzeroed",
	[KBUFMAP_INJECT_PRIVATE_WRITETHROUGH] = "private_writethrough",
	[KBUFMAP_INJECT_IGNORE_REMAP_ERROR] = "ignore_remap_error",
	[KBUFMAP_INJECT_WRONG_NODE] = "wrong_node",
	[KBUFMAP_INJECT_ALLOW_EXEC] = "allow_exec",
	[KBUFMAP_INJECT_SET_MAYWRITE] = "set_maywrite",
	[KBUFMAP_INJECT_DONTCOPY] = "dontcopy",
	[KBUFMAP_INJECT_NO_REFAULT] = "no_refault",
	[KBUFMAP_INJECT_NO_FAULT_COUNT] = "no_fault_count",
	[KBUFMAP_INJECT_NO_HUGE] = "no_huge",
	[KBUFMAP_INJECT_FRESH_PAGE] = "fresh_page",
	[KBUFMAP_INJECT_WRONG_CACHE] = "wrong_cache",
};

static int kbufmap_inject = KBUFMAP_INJECT_NONE;

static int kbufmap_inject_set(const char *val, const struct kernel_param *kp)
{
	int mode;

	if (sysfs_streq(val, ""))
		mode = KBUFMAP_INJECT_NONE;
	else
		mode = sysfs_match_string(kbufmap_inject_names, val);
	if (mode < 0)
		return -EINVAL;
	WRITE_ONCE(kbufmap_inject, mode);
	return 0;
}

static int kbufmap_inject_get(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%s\n",
			  kbufmap_inject_names[READ_ONCE(kbufmap_inject)]);
}

static const struct kernel_param_ops kbufmap_inject_ops = {
	.set = kbufmap_inject_set,
	.get = kbufmap_inject_get,
};

module_param_cb(inject, &kbufmap_inject_ops, NULL, 0644);
MODULE_PARM_DESC(inject,
		 "TEST ONLY: one deliberate bug for new buffers: none, wrong_page, no_bounds, no_dontexpand, unzeroed, private_writethrough, ignore_remap_error, wrong_node, allow_exec, set_maywrite, dontcopy, no_refault, no_fault_count, no_huge, fresh_page, wrong_cache");

/* Read when a buffer is configured; the buffer keeps the mode it got. */
enum kbufmap_inject kbufmap_inject_mode(void)
{
	return READ_ONCE(kbufmap_inject);
}
#endif /* KBUFMAP_FAULT_INJECT */

/* --- open files ------------------------------------------------------------ */

/* The file's buffer with a reference for the caller, or NULL. */
static struct kbufmap_buffer *kbufmap_file_buffer(struct kbufmap_file *kf)
{
	struct kbufmap_buffer *buf;

	mutex_lock(&kf->lock);
	buf = kf->buf;
	if (buf)
		kbufmap_buffer_get(buf);
	mutex_unlock(&kf->lock);
	return buf;
}

static int kbufmap_open(struct inode *inode, struct file *file)
{
	struct kbufmap_file *kf;

	kf = kzalloc(sizeof(*kf), GFP_KERNEL);
	if (!kf)
		return -ENOMEM;
	mutex_init(&kf->lock);
	file->private_data = kf;
	return 0;
}

/*
 * Called once no VMA is left (each pins the file); the VMAs' own buffer
 * references are what lets CONFIGURE see that a buffer is still mapped.
 */
static int kbufmap_release(struct inode *inode, struct file *file)
{
	struct kbufmap_file *kf = file->private_data;

	if (kf->buf)
		kbufmap_buffer_put(kf->buf);
	mutex_destroy(&kf->lock);
	kfree(kf);
	return 0;
}

/* --- read, write, llseek: the file position runs over the buffer --------- */

static size_t kbufmap_copy_page(struct kbufmap_buffer *buf, loff_t pos,
				char __user *ubuf, size_t len, bool to_buffer)
{
	void *kaddr = kbufmap_buffer_kaddr(buf, pos >> PAGE_SHIFT) +
		      offset_in_page(pos);

	if (to_buffer)
		return copy_from_user(kaddr, ubuf, len);
	return copy_to_user(ubuf, kaddr, len);
}

/* Copy page by page through each page's kernel address. */
static ssize_t kbufmap_rw(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos, bool to_buffer)
{
	struct kbufmap_buffer *buf;
	loff_t pos = *ppos;
	size_t done = 0;
	u64 size;

	buf = kbufmap_file_buffer(file->private_data);
	if (!buf)
		return -ENXIO;
	size = (u64)buf->nr_pages << PAGE_SHIFT;
	if (pos < 0 || !count || pos >= size) {
		kbufmap_buffer_put(buf);
		if (pos < 0)
			return -EINVAL;
		if (count && to_buffer)
			return -ENOSPC;
		return 0;
	}
	count = min_t(u64, count, size - pos);
	while (done < count) {
		size_t len = min_t(size_t, PAGE_SIZE - offset_in_page(pos),
				   count - done);
		size_t left = kbufmap_copy_page(buf, pos, ubuf + done, len,
						to_buffer);

		done += len - left;
		pos += len - left;
		if (left)
			break;
		cond_resched();
	}
	kbufmap_buffer_put(buf);
	if (!done)
		return -EFAULT;
	*ppos = pos;
	return done;
}

static ssize_t kbufmap_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	return kbufmap_rw(file, ubuf, count, ppos, false);
}

static ssize_t kbufmap_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	return kbufmap_rw(file, (char __user *)ubuf, count, ppos, true);
}

static loff_t kbufmap_llseek(struct file *file, loff_t offset, int whence)
{
	struct kbufmap_buffer *buf = kbufmap_file_buffer(file->private_data);
	loff_t size = 0;

	if (buf) {
		size = (loff_t)buf->nr_pages << PAGE_SHIFT;
		kbufmap_buffer_put(buf);
	}
	return fixed_size_llseek(file, offset, whence, size);
}

/* --- ioctls ------------------------------------------------------------------ */

/* Other users' usage is for CAP_SYS_ADMIN only: the others see their own. */
static long kbufmap_ioc_version(void __user *uarg)
{
	struct kbufmap_version v = {
		.major = KBUFMAP_ABI_MAJOR,
		.minor = KBUFMAP_ABI_MINOR,
		.max_pages = KBUFMAP_MAX_PAGES,
		.max_bytes = kbufmap_max_bytes(),
	};

	if (ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN))
		v.bytes_in_use = kbufmap_bytes_in_use();
	else
		v.bytes_in_use = kbufmap_user_bytes_in_use();

	return copy_to_user(uarg, &v, sizeof(v)) ? -EFAULT : 0;
}

/* Online nodes without memory (CPU-only ones) have no pages to give. */
static bool kbufmap_node_valid(s32 node)
{
	if (node == KBUFMAP_NODE_ANY)
		return true;
	return node >= 0 && node < MAX_NUMNODES && node_state(node, N_MEMORY);
}

/*
 * The cache mode and flags of a valid combination: the matrix header, and
 * what this architecture can do on top of it.
 */
static int kbufmap_config_cache_check(const struct kbufmap_config *cfg)
{
	int err = kbufmap_cache_errno(cfg->backend, cfg->cache, cfg->flags,
				      NULL);

	return err ? err : kbufmap_memtype_check(cfg->cache, cfg->flags);
}

/* The matrix header decides which combinations are valid, not this file. */
static int kbufmap_config_check(const struct kbufmap_config *cfg)
{
	int err;

	if (cfg->pad || memchr_inv(cfg->reserved, 0, sizeof(cfg->reserved)) ||
	    cfg->flags & ~KBUFMAP_CONFIG_FLAGS_ALL ||
	    cfg->cache >= KBUFMAP_CACHE_COUNT)
		return -EINVAL;
	if (!cfg->nr_pages)
		return -EINVAL;
	if (cfg->nr_pages > KBUFMAP_MAX_PAGES)
		return -E2BIG;
	if (cfg->backend == KBUFMAP_BACKEND_KMALLOC &&
	    cfg->nr_pages > KBUFMAP_KMALLOC_MAX_PAGES)
		return -E2BIG;
	if (!kbufmap_node_valid(cfg->node))
		return -EINVAL;
	err = kbufmap_combo_errno(cfg->backend, cfg->strategy, cfg->node, NULL);
	if (err)
		return err;
	err = kbufmap_dma_config_check(cfg);
	return err ? err : kbufmap_config_cache_check(cfg);
}

static bool kbufmap_buffer_mapped(const struct kbufmap_buffer *buf)
{
	return buf && atomic_read(&buf->live_vmas) > 0;
}

/*
 * Allocate first (outside the lock: it can take long), then swap, then drop
 * the old buffer's file reference: a failed allocation changes nothing.
 */
static long kbufmap_ioc_configure(struct kbufmap_file *kf, void __user *uarg)
{
	struct kbufmap_buffer *buf, *old;
	struct kbufmap_config cfg;
	long err;

	if (copy_from_user(&cfg, uarg, sizeof(cfg)))
		return -EFAULT;
	err = kbufmap_config_check(&cfg);
	if (err)
		return err;

	mutex_lock(&kf->lock);
	err = kbufmap_buffer_mapped(kf->buf) ? -EBUSY : 0;
	mutex_unlock(&kf->lock);
	if (err)
		return err;

	buf = kbufmap_buffer_alloc(&cfg);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	mutex_lock(&kf->lock);
	old = kf->buf;
	if (kbufmap_buffer_mapped(old)) {	/* mapped meanwhile */
		mutex_unlock(&kf->lock);
		kbufmap_buffer_put(buf);
		return -EBUSY;
	}
	kf->buf = buf;
	mutex_unlock(&kf->lock);

	if (old)
		kbufmap_buffer_put(old);
	return 0;
}

static long kbufmap_ioc_get_info(struct kbufmap_file *kf, void __user *uarg)
{
	struct kbufmap_buffer *buf = kbufmap_file_buffer(kf);
	struct kbufmap_info info = {};

	if (buf) {
		info.nr_pages = buf->nr_pages;
		info.backend = buf->backend;
		info.strategy = buf->strategy;
		info.node = buf->node;
		info.flags = KBUFMAP_INFO_CONFIGURED;
#ifdef KBUFMAP_HUGE_PMDS
		/* A fact of this kernel: the huge strategy can map PMDs. */
		info.flags |= KBUFMAP_INFO_HUGE_PMD;
#endif
		if (buf->nr_chunks == 1)
			info.flags |= KBUFMAP_INFO_CONTIGUOUS;
		if (kbufmap_backend_is_dma(buf->backend) &&
		    kbufmap_dma_buffer_coherent(buf))
			info.flags |= KBUFMAP_INFO_DMA_COHERENT;
		info.nr_chunks = buf->nr_chunks;
		info.live_vmas = atomic_read(&buf->live_vmas);
		info.cache = buf->cache;
		info.config_flags = buf->config_flags;
		kbufmap_buffer_put(buf);
	}
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static int kbufmap_pfns_check(const struct kbufmap_pfns *req,
			      const struct kbufmap_buffer *buf)
{
	if (memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return -EINVAL;
	if (!req->count || req->count > KBUFMAP_PFN_BATCH_MAX)
		return -EINVAL;
	if (req->first >= buf->nr_pages ||
	    req->count > buf->nr_pages - req->first)
		return -EINVAL;
	return 0;
}

/* Copy out through one page of bounce buffer, whatever the count. */
static int kbufmap_pfns_copy(const struct kbufmap_pfns *req,
			     const struct kbufmap_buffer *buf)
{
	u64 __user *upfns = u64_to_user_ptr(req->pfns);
	u64 done = 0;
	u64 *chunk;
	int err = 0;

	chunk = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!chunk)
		return -ENOMEM;
	while (done < req->count) {
		unsigned long n = min_t(u64, req->count - done,
					KBUFMAP_PFN_CHUNK);
		unsigned long i;

		for (i = 0; i < n; i++)
			chunk[i] = kbufmap_buffer_pfn(buf, req->first + done + i);
		if (copy_to_user(upfns + done, chunk, n * sizeof(*chunk))) {
			err = -EFAULT;
			break;
		}
		done += n;
	}
	kfree(chunk);
	return err;
}

/* Physical addresses: CAP_SYS_ADMIN only, checked before anything else. */
static long kbufmap_ioc_get_pfns(struct kbufmap_file *kf, void __user *uarg)
{
	struct kbufmap_buffer *buf;
	struct kbufmap_pfns req;
	long err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	buf = kbufmap_file_buffer(kf);
	if (!buf)
		return -ENXIO;
	err = kbufmap_pfns_check(&req, buf);
	if (!err)
		err = kbufmap_pfns_copy(&req, buf);
	kbufmap_buffer_put(buf);
	return err;
}

static long kbufmap_ioc_get_counters(struct kbufmap_file *kf,
				     void __user *uarg)
{
	struct kbufmap_buffer *buf;
	struct kbufmap_stats st;
	u32 scope;

	if (copy_from_user(&st, uarg, sizeof(st)))
		return -EFAULT;
	if (st.pad || memchr_inv(st.reserved, 0, sizeof(st.reserved)) ||
	    memchr_inv(st.counters.reserved, 0, sizeof(st.counters.reserved)))
		return -EINVAL;
	scope = st.scope;
	memset(&st, 0, sizeof(st));
	st.scope = scope;

	switch (scope) {
	case KBUFMAP_SCOPE_BUFFER:
		buf = kbufmap_file_buffer(kf);
		if (!buf)
			return -ENXIO;
		kbufmap_stats_fill_buffer(buf, &st);
		kbufmap_buffer_put(buf);
		break;
	case KBUFMAP_SCOPE_MODULE:	/* every user's activity */
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		kbufmap_stats_fill_module(&st);
		break;
	default:
		return -EINVAL;
	}
	return copy_to_user(uarg, &st, sizeof(st)) ? -EFAULT : 0;
}

/*
 * A read-only file of the same device holding this file's buffer: how a
 * buffer gets a read-only file, now that CONFIGURE (an allocation) needs a
 * file opened for writing. The caller's file already grants reading.
 */
static long kbufmap_ioc_reopen_rdonly(struct file *file)
{
	struct kbufmap_buffer *buf = kbufmap_file_buffer(file->private_data);
	struct kbufmap_file *kf;
	struct file *ro;
	int fd;

	if (!buf)
		return -ENXIO;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		goto put;
	ro = dentry_open(&file->f_path, O_RDONLY, current_cred());
	if (IS_ERR(ro)) {
		put_unused_fd(fd);
		fd = PTR_ERR(ro);
		goto put;
	}
	kf = ro->private_data;
	kf->buf = buf;		/* the reference taken above */
	fd_install(fd, ro);
	return fd;
put:
	kbufmap_buffer_put(buf);
	return fd;
}

/*
 * Hand a range of a dma-noncoherent buffer over. Taking it for the CPU is
 * what a reader needs before reading what the device wrote, so a read-only
 * file may; giving it to the device, which may then write into it, needs a
 * file opened for writing (-EBADF).
 */
static long kbufmap_ioc_dma_sync(struct file *file, void __user *uarg)
{
	struct kbufmap_buffer *buf;
	struct kbufmap_dma_sync req;
	long err;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	err = kbufmap_dma_sync_check(&req);
	if (err)
		return err;
	if (req.op == KBUFMAP_DMA_SYNC_FOR_DEVICE &&
	    !(file->f_mode & FMODE_WRITE))
		return -EBADF;
	buf = kbufmap_file_buffer(file->private_data);
	if (!buf)
		return -ENXIO;
	err = kbufmap_dma_sync(buf, &req);
	kbufmap_buffer_put(buf);
	return err;
}

static long kbufmap_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct kbufmap_file *kf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case KBUFMAP_IOC_VERSION:
		return kbufmap_ioc_version(uarg);
	case KBUFMAP_IOC_CONFIGURE:
		/* An allocation: not for a file opened read-only. */
		if (!(file->f_mode & FMODE_WRITE))
			return -EBADF;
		return kbufmap_ioc_configure(kf, uarg);
	case KBUFMAP_IOC_REOPEN_RDONLY:
		return kbufmap_ioc_reopen_rdonly(file);
	case KBUFMAP_IOC_GET_INFO:
		return kbufmap_ioc_get_info(kf, uarg);
	case KBUFMAP_IOC_GET_PFNS:
		return kbufmap_ioc_get_pfns(kf, uarg);
	case KBUFMAP_IOC_GET_COUNTERS:
		return kbufmap_ioc_get_counters(kf, uarg);
	case KBUFMAP_IOC_PGATTR:
		return kbufmap_ioc_pgattr(uarg);
	case KBUFMAP_IOC_DMA_SYNC:
		return kbufmap_ioc_dma_sync(file, uarg);
	default:
		return -ENOTTY;
	}
}

/* --- the device ------------------------------------------------------------ */

static const struct file_operations kbufmap_fops = {
	.owner = THIS_MODULE,
	.open = kbufmap_open,
	.release = kbufmap_release,
	.read = kbufmap_read,
	.write = kbufmap_write,
	.llseek = kbufmap_llseek,
	.unlocked_ioctl = kbufmap_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = kbufmap_mmap,
	.get_unmapped_area = kbufmap_get_unmapped_area,
};

static struct miscdevice kbufmap_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KBUFMAP_DEVICE_NAME,
	.fops = &kbufmap_fops,
	.mode = 0600,
};

/* The ABI rules of include/uapi/kbufmap.h, checked where they matter. */
static void __init kbufmap_abi_checks(void)
{
	BUILD_BUG_ON(sizeof(struct kbufmap_version) % 8);
	BUILD_BUG_ON(sizeof(struct kbufmap_config) % 8);
	BUILD_BUG_ON(sizeof(struct kbufmap_info) % 8);
	BUILD_BUG_ON(sizeof(struct kbufmap_pfns) % 8);
	BUILD_BUG_ON(sizeof(struct kbufmap_counters) % 8);
	BUILD_BUG_ON(sizeof(struct kbufmap_stats) % 8);
	BUILD_BUG_ON(sizeof(struct kbufmap_pgattr) % 8);
	BUILD_BUG_ON(sizeof(struct kbufmap_pgattr_run) != 40);
	BUILD_BUG_ON(sizeof(struct kbufmap_dma_sync) % 8);
	BUILD_BUG_ON(KBUFMAP_BACKEND_COUNT > KBUFMAP_STATS_MAX_BACKENDS);
	BUILD_BUG_ON(KBUFMAP_KMALLOC_MAX_PAGES * PAGE_SIZE > KMALLOC_MAX_SIZE);
	BUILD_BUG_ON(KBUFMAP_PFN_CHUNK == 0);
}

static int __init kbufmap_init(void)
{
	int err;

	kbufmap_abi_checks();
	kbufmap_max_bytes_init();
	kbufmap_pgattr_init();
	kbufmap_stats_init();
	err = misc_register(&kbufmap_misc);
	if (err) {
		kbufmap_dma_exit();	/* a dma_device= given at load */
		kbufmap_stats_exit();
		return err;
	}
	kbufmap_dma_init(kbufmap_misc.this_device);
#ifdef KBUFMAP_FAULT_INJECT
	pr_notice("fault injection build, inject=%s\n",
		  kbufmap_inject_names[kbufmap_inject_mode()]);
#endif
	return 0;
}

/* Open files pin the module (.owner) and mappings pin their files. */
static void __exit kbufmap_exit(void)
{
	misc_deregister(&kbufmap_misc);
	kbufmap_dma_exit();
	kbufmap_stats_exit();
	if (kbufmap_stats_live_buffers())
		pr_err("%llu buffers still allocated at unload\n",
		       kbufmap_stats_live_buffers());
}

module_init(kbufmap_init);
module_exit(kbufmap_exit);

MODULE_AUTHOR("The kbufmap authors");
MODULE_DESCRIPTION("Expose a kernel buffer to user space with mmap, and prove it right");
MODULE_LICENSE("GPL");
MODULE_VERSION(KBUFMAP_VERSION_STRING);
