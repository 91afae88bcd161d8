/* memfs.c — an in-memory POSIX file system on libfuse3's low-level API (WinFuse's reference FS). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#define FUSE_USE_VERSION 34

#include <fuse_lowlevel.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define WF_MEM_BLOCK_SIZE 4096u
#define WF_MEM_TOTAL_BLOCKS 262144u /* 1 GiB of 4 KiB blocks */
#define WF_MEM_TOTAL_FILES 1048576u
#define WF_MEM_NAME_MAX 255u
#define WF_MEM_SYMLINK_MAX 4095u      /* PATH_MAX less the terminator */
#define WF_MEM_XATTR_NAME_MAX 255u
#define WF_MEM_XATTR_SIZE_MAX 65536u
#define WF_MEM_XATTR_LIST_MAX 65536u
#define WF_MEM_DIR_SIZE 4096          /* st_size reported for directories */
#define WF_MEM_FIRST_COOKIE 3u        /* READDIR offsets 1 and 2 are "." and ".." */
#define WF_MEM_CONTENT_MOD 251u       /* period of the pre-populated content (a prime) */

struct wf_mem_xattr {
	struct wf_mem_xattr *next;
	size_t name_len;
	size_t size;
	char *value;
	char name[];
};

struct wf_mem_dirent;

/* A directory slot: slots stay sorted by cookie; a removed entry leaves NULL until compaction. */
struct wf_mem_slot {
	uint64_t cookie;
	struct wf_mem_dirent *ent;
};

struct wf_mem_node {
	struct wf_mem_node *hnext; /* inode table chain */
	fuse_ino_t ino;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	dev_t rdev;
	uint64_t nlink;
	uint64_t nlookup; /* kernel references (LOOKUP and friends minus FORGET) */
	uint64_t nopen;   /* open file and directory handles */
	struct timespec atime, mtime, ctime;
	struct wf_mem_xattr *xattrs;
	/* regular files: bytes [0, dlen) are held, [dlen, size) read as zeros */
	unsigned char *data;
	size_t dlen, dcap;
	uint64_t size;
	/* directories */
	struct wf_mem_node *parent; /* NULL once removed */
	struct wf_mem_slot *slots;
	size_t nslots, slot_cap, nlive;
	uint64_t next_cookie;
	/* symbolic links */
	char *target;
};

struct wf_mem_dirent {
	struct wf_mem_dirent *hnext; /* name table chain */
	struct wf_mem_node *dir;
	struct wf_mem_node *node;
	uint64_t hash;
	uint64_t cookie;
	size_t name_len;
	char name[];
};

struct wf_mem_fs {
	pthread_mutex_t lock; /* one lock for all state: simple and obviously safe */
	struct wf_mem_node *root;
	struct wf_mem_node **inodes; /* ino -> node */
	size_t inode_buckets, inode_count;
	struct wf_mem_dirent **names; /* (dir ino, name) -> entry */
	size_t name_buckets, name_count;
	fuse_ino_t next_ino; /* never reused, so the generation can stay constant */
	uint64_t used_blocks;
	double timeout;
	unsigned read_delay_ms;
	unsigned long long read_delay_from;
	bool torn_down;
};

struct wf_mem_options {
	unsigned read_delay_ms;
	unsigned long long read_delay_from;
	unsigned files;
	char *file_size;
	double timeout;
};

/* ---- time and small helpers ---------------------------------------------------------------- */

static struct timespec wf_mem_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts;
}

static struct wf_mem_fs *wf_mem_fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static uint64_t wf_mem_blocks_for(size_t len)
{
	return ((uint64_t)len + WF_MEM_BLOCK_SIZE - 1) / WF_MEM_BLOCK_SIZE;
}

static bool wf_mem_is_dot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

static void wf_mem_touch_dir(struct wf_mem_node *dir)
{
	dir->mtime = dir->ctime = wf_mem_now();
}

/* ---- inode table --------------------------------------------------------------------------- */

static struct wf_mem_node *wf_mem_node_get(struct wf_mem_fs *fs, fuse_ino_t ino)
{
	struct wf_mem_node *n = fs->inodes[ino & (fs->inode_buckets - 1)];

	while (n && n->ino != ino)
		n = n->hnext;
	return n;
}

static void wf_mem_inode_grow(struct wf_mem_fs *fs)
{
	size_t nb = fs->inode_buckets * 2;
	struct wf_mem_node **t = calloc(nb, sizeof(*t));

	if (!t)
		return; /* longer chains, still correct */
	for (size_t i = 0; i < fs->inode_buckets; i++) {
		struct wf_mem_node *n = fs->inodes[i];

		while (n) {
			struct wf_mem_node *next = n->hnext;

			n->hnext = t[n->ino & (nb - 1)];
			t[n->ino & (nb - 1)] = n;
			n = next;
		}
	}
	free(fs->inodes);
	fs->inodes = t;
	fs->inode_buckets = nb;
}

static void wf_mem_inode_insert(struct wf_mem_fs *fs, struct wf_mem_node *node)
{
	struct wf_mem_node **b;

	if (fs->inode_count >= fs->inode_buckets)
		wf_mem_inode_grow(fs);
	b = &fs->inodes[node->ino & (fs->inode_buckets - 1)];
	node->hnext = *b;
	*b = node;
	fs->inode_count++;
}

static void wf_mem_inode_remove(struct wf_mem_fs *fs, struct wf_mem_node *node)
{
	struct wf_mem_node **p = &fs->inodes[node->ino & (fs->inode_buckets - 1)];

	while (*p != node)
		p = &(*p)->hnext;
	*p = node->hnext;
	fs->inode_count--;
}

/* ---- name table ---------------------------------------------------------------------------- */

static uint64_t wf_mem_name_hash(fuse_ino_t dir, const char *name, size_t len)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (int i = 0; i < 8; i++) {
		h ^= (uint64_t)(dir >> (8 * i)) & 0xff;
		h *= 1099511628211ull;
	}
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)name[i];
		h *= 1099511628211ull;
	}
	return h;
}

static struct wf_mem_dirent *wf_mem_dirent_find(struct wf_mem_fs *fs, struct wf_mem_node *dir,
						const char *name)
{
	size_t len = strlen(name);
	uint64_t h = wf_mem_name_hash(dir->ino, name, len);
	struct wf_mem_dirent *d = fs->names[h & (fs->name_buckets - 1)];

	while (d && !(d->hash == h && d->dir == dir && d->name_len == len &&
		      memcmp(d->name, name, len) == 0))
		d = d->hnext;
	return d;
}

static void wf_mem_names_grow(struct wf_mem_fs *fs)
{
	size_t nb = fs->name_buckets * 2;
	struct wf_mem_dirent **t = calloc(nb, sizeof(*t));

	if (!t)
		return;
	for (size_t i = 0; i < fs->name_buckets; i++) {
		struct wf_mem_dirent *d = fs->names[i];

		while (d) {
			struct wf_mem_dirent *next = d->hnext;

			d->hnext = t[d->hash & (nb - 1)];
			t[d->hash & (nb - 1)] = d;
			d = next;
		}
	}
	free(fs->names);
	fs->names = t;
	fs->name_buckets = nb;
}

/* First slot whose cookie is greater than off. */
static size_t wf_mem_slot_after(const struct wf_mem_node *dir, uint64_t off)
{
	size_t lo = 0, hi = dir->nslots;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dir->slots[mid].cookie <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Adds name -> node to dir with a fresh cookie; the caller has checked that name is absent. */
static int wf_mem_dirent_add(struct wf_mem_fs *fs, struct wf_mem_node *dir, const char *name,
			     struct wf_mem_node *node)
{
	size_t len = strlen(name);
	struct wf_mem_dirent *d, **b;

	if (dir->nslots == dir->slot_cap) {
		size_t cap = dir->slot_cap ? dir->slot_cap * 2 : 8;
		struct wf_mem_slot *s = realloc(dir->slots, cap * sizeof(*s));

		if (!s)
			return ENOMEM;
		dir->slots = s;
		dir->slot_cap = cap;
	}
	d = malloc(sizeof(*d) + len + 1);
	if (!d)
		return ENOMEM;
	memcpy(d->name, name, len + 1);
	d->name_len = len;
	d->dir = dir;
	d->node = node;
	d->hash = wf_mem_name_hash(dir->ino, name, len);
	d->cookie = dir->next_cookie++;
	dir->slots[dir->nslots].cookie = d->cookie;
	dir->slots[dir->nslots].ent = d;
	dir->nslots++;
	dir->nlive++;
	if (fs->name_count >= fs->name_buckets)
		wf_mem_names_grow(fs);
	b = &fs->names[d->hash & (fs->name_buckets - 1)];
	d->hnext = *b;
	*b = d;
	fs->name_count++;
	return 0;
}

static void wf_mem_dirent_remove(struct wf_mem_fs *fs, struct wf_mem_dirent *d)
{
	struct wf_mem_node *dir = d->dir;
	struct wf_mem_dirent **p = &fs->names[d->hash & (fs->name_buckets - 1)];
	size_t i = wf_mem_slot_after(dir, d->cookie - 1);

	while (*p != d)
		p = &(*p)->hnext;
	*p = d->hnext;
	fs->name_count--;
	dir->slots[i].ent = NULL;
	dir->nlive--;
	/* Compact once tombstones dominate; cookies of live entries do not change. */
	if (dir->nlive == 0) {
		dir->nslots = 0;
	} else if (dir->nslots > 32 && dir->nlive < dir->nslots / 2) {
		size_t j = 0;

		for (i = 0; i < dir->nslots; i++)
			if (dir->slots[i].ent)
				dir->slots[j++] = dir->slots[i];
		dir->nslots = j;
	}
	free(d);
}

/* ---- nodes --------------------------------------------------------------------------------- */

static struct wf_mem_node *wf_mem_node_new(struct wf_mem_fs *fs, mode_t mode, uid_t uid, gid_t gid)
{
	struct wf_mem_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->ino = fs->next_ino++;
	n->mode = mode;
	n->uid = uid;
	n->gid = gid;
	n->nlink = S_ISDIR(mode) ? 2 : 1;
	n->atime = n->mtime = n->ctime = wf_mem_now();
	n->next_cookie = WF_MEM_FIRST_COOKIE;
	wf_mem_inode_insert(fs, n);
	return n;
}

static void wf_mem_set_dlen(struct wf_mem_fs *fs, struct wf_mem_node *n, size_t dlen)
{
	fs->used_blocks -= wf_mem_blocks_for(n->dlen);
	fs->used_blocks += wf_mem_blocks_for(dlen);
	n->dlen = dlen;
}

static void wf_mem_node_destroy(struct wf_mem_fs *fs, struct wf_mem_node *n)
{
	struct wf_mem_xattr *x = n->xattrs;

	while (x) {
		struct wf_mem_xattr *next = x->next;

		free(x->value);
		free(x);
		x = next;
	}
	wf_mem_set_dlen(fs, n, 0);
	free(n->data);
	free(n->slots);
	free(n->target);
	free(n);
}

/* Frees the node once no name, no kernel reference and no open handle keeps it. */
static void wf_mem_node_release(struct wf_mem_fs *fs, struct wf_mem_node *n)
{
	if (n == fs->root || n->nlink || n->nlookup || n->nopen)
		return;
	wf_mem_inode_remove(fs, n);
	wf_mem_node_destroy(fs, n);
}

static void wf_mem_forget_one(struct wf_mem_fs *fs, struct wf_mem_node *n, uint64_t count)
{
	if (count > n->nlookup) {
		if (n != fs->root)
			fprintf(stderr, "memfs: FORGET %" PRIu64 " on inode %" PRIu64
				" whose lookup count is %" PRIu64 "\n",
				count, (uint64_t)n->ino, n->nlookup);
		n->nlookup = 0;
	} else {
		n->nlookup -= count;
	}
	wf_mem_node_release(fs, n);
}

/* Makes [0, len) of a regular file's data addressable, zero-filling what it adds. */
static int wf_mem_reserve(struct wf_mem_fs *fs, struct wf_mem_node *n, size_t len)
{
	uint64_t add;

	if (len <= n->dlen)
		return 0;
	add = wf_mem_blocks_for(len) - wf_mem_blocks_for(n->dlen);
	if (fs->used_blocks + add > WF_MEM_TOTAL_BLOCKS)
		return ENOSPC;
	if (len > n->dcap) {
		size_t cap = n->dcap + n->dcap / 2;
		unsigned char *p;

		if (cap < len)
			cap = len;
		cap = (cap + WF_MEM_BLOCK_SIZE - 1) & ~(size_t)(WF_MEM_BLOCK_SIZE - 1);
		p = realloc(n->data, cap);
		if (!p)
			return ENOMEM;
		n->data = p;
		n->dcap = cap;
	}
	memset(n->data + n->dlen, 0, len - n->dlen);
	wf_mem_set_dlen(fs, n, len);
	return 0;
}

static void wf_mem_truncate(struct wf_mem_fs *fs, struct wf_mem_node *n, uint64_t size)
{
	if (size < n->dlen) {
		wf_mem_set_dlen(fs, n, (size_t)size);
		if (n->dlen == 0) {
			free(n->data);
			n->data = NULL;
			n->dcap = 0;
		} else if (n->dlen < n->dcap / 4) {
			size_t cap = (n->dlen + WF_MEM_BLOCK_SIZE - 1) & ~(size_t)(WF_MEM_BLOCK_SIZE - 1);
			unsigned char *p = realloc(n->data, cap);

			if (p) {
				n->data = p;
				n->dcap = cap;
			}
		}
	}
	n->size = size;
	n->mtime = n->ctime = wf_mem_now();
}

static void wf_mem_fill_stat(const struct wf_mem_node *n, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = n->ino;
	st->st_mode = n->mode;
	st->st_nlink = n->nlink;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_rdev = n->rdev;
	st->st_blksize = WF_MEM_BLOCK_SIZE;
	if (S_ISREG(n->mode)) {
		st->st_size = (off_t)n->size;
		st->st_blocks = (blkcnt_t)(wf_mem_blocks_for(n->dlen) * (WF_MEM_BLOCK_SIZE / 512));
	} else if (S_ISLNK(n->mode)) {
		st->st_size = (off_t)strlen(n->target);
	} else if (S_ISDIR(n->mode)) {
		st->st_size = WF_MEM_DIR_SIZE;
	}
	st->st_atim = n->atime;
	st->st_mtim = n->mtime;
	st->st_ctim = n->ctime;
}

static void wf_mem_fill_entry(const struct wf_mem_fs *fs, const struct wf_mem_node *n,
			      struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	e->ino = n->ino;
	e->generation = 1;
	e->attr_timeout = fs->timeout;
	e->entry_timeout = fs->timeout;
	wf_mem_fill_stat(n, &e->attr);
}

/* Replies with an entry whose lookup the caller already counted; undone if the kernel never got it. */
static void wf_mem_send_entry(fuse_req_t req, struct wf_mem_node *n,
			      const struct fuse_entry_param *e)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);

	if (fuse_reply_entry(req, e) != 0) {
		pthread_mutex_lock(&fs->lock);
		wf_mem_forget_one(fs, n, 1);
		pthread_mutex_unlock(&fs->lock);
	}
}

/* Looks up a directory by ino; errno on failure. */
static int wf_mem_get_dir(struct wf_mem_fs *fs, fuse_ino_t ino, struct wf_mem_node **out)
{
	struct wf_mem_node *d = wf_mem_node_get(fs, ino);

	if (!d)
		return ESTALE;
	if (!S_ISDIR(d->mode))
		return ENOTDIR;
	*out = d;
	return 0;
}

/* Checks a name about to be created in dir. */
static int wf_mem_check_new_name(struct wf_mem_fs *fs, struct wf_mem_node *dir, const char *name)
{
	size_t len = strlen(name);

	if (dir->nlink == 0)
		return ENOENT;
	if (len == 0)
		return ENOENT;
	if (len > WF_MEM_NAME_MAX)
		return ENAMETOOLONG;
	if (strchr(name, '/'))
		return EINVAL;
	if (wf_mem_is_dot(name) || wf_mem_dirent_find(fs, dir, name))
		return EEXIST;
	return 0;
}

/* Creates a node named name in the directory parent for the caller of req. */
static int wf_mem_make(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		       dev_t rdev, const char *target, struct wf_mem_node **out)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct wf_mem_node *dir, *n;
	gid_t gid = ctx->gid;
	int err;

	err = wf_mem_get_dir(fs, parent, &dir);
	if (!err)
		err = wf_mem_check_new_name(fs, dir, name);
	if (err)
		return err;
	if (!S_ISLNK(mode))
		mode = (mode & S_IFMT) | (mode & 07777 & ~ctx->umask);
	/* A set-group-ID directory hands its group down, and its bit to subdirectories. */
	if (dir->mode & S_ISGID) {
		gid = dir->gid;
		if (S_ISDIR(mode))
			mode |= S_ISGID;
	}
	n = wf_mem_node_new(fs, mode, ctx->uid, gid);
	if (!n)
		return ENOMEM;
	n->rdev = rdev;
	if (target) {
		n->target = strdup(target);
		if (!n->target) {
			err = ENOMEM;
			goto fail;
		}
	}
	if (S_ISDIR(mode))
		n->parent = dir;
	err = wf_mem_dirent_add(fs, dir, name, n);
	if (err)
		goto fail;
	if (S_ISDIR(mode))
		dir->nlink++;
	wf_mem_touch_dir(dir);
	*out = n;
	return 0;
fail:
	n->nlink = 0;
	wf_mem_node_release(fs, n);
	return err;
}

/* Shared tail of mknod, mkdir and symlink. */
static void wf_mem_make_and_reply(fuse_req_t req, fuse_ino_t parent, const char *name,
				  mode_t mode, dev_t rdev, const char *target)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *n = NULL;
	struct fuse_entry_param e;
	int err;

	pthread_mutex_lock(&fs->lock);
	err = wf_mem_make(req, parent, name, mode, rdev, target, &n);
	if (!err) {
		n->nlookup++;
		wf_mem_fill_entry(fs, n, &e);
	}
	pthread_mutex_unlock(&fs->lock);
	if (err)
		fuse_reply_err(req, err);
	else
		wf_mem_send_entry(req, n, &e);
}

/* ---- operations ---------------------------------------------------------------------------- */

static void wf_mem_op_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	if (conn->capable & FUSE_CAP_READDIRPLUS)
		conn->want |= FUSE_CAP_READDIRPLUS;
	if (conn->capable & FUSE_CAP_PARALLEL_DIROPS)
		conn->want |= FUSE_CAP_PARALLEL_DIROPS;
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	/* Every write must reach memfs; suid/sgid clearing is left to the kernel. */
	conn->want &= ~(unsigned)(FUSE_CAP_WRITEBACK_CACHE | FUSE_CAP_HANDLE_KILLPRIV);
}

static void wf_mem_teardown(struct wf_mem_fs *fs)
{
	if (fs->torn_down)
		return;
	for (size_t i = 0; fs->names && i < fs->name_buckets; i++) {
		struct wf_mem_dirent *d = fs->names[i];

		while (d) {
			struct wf_mem_dirent *next = d->hnext;

			free(d);
			d = next;
		}
	}
	for (size_t i = 0; fs->inodes && i < fs->inode_buckets; i++) {
		struct wf_mem_node *n = fs->inodes[i];

		while (n) {
			struct wf_mem_node *next = n->hnext;

			wf_mem_node_destroy(fs, n);
			n = next;
		}
	}
	free(fs->names);
	free(fs->inodes);
	fs->names = NULL;
	fs->inodes = NULL;
	fs->root = NULL;
	fs->torn_down = true;
}

static void wf_mem_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *dir, *n = NULL;
	struct fuse_entry_param e;
	int err;

	pthread_mutex_lock(&fs->lock);
	err = wf_mem_get_dir(fs, parent, &dir);
	if (!err && strlen(name) > WF_MEM_NAME_MAX)
		err = ENAMETOOLONG;
	if (!err) {
		if (strcmp(name, ".") == 0) {
			n = dir;
		} else if (strcmp(name, "..") == 0) {
			n = dir == fs->root ? dir : dir->parent;
		} else {
			struct wf_mem_dirent *d = wf_mem_dirent_find(fs, dir, name);

			n = d ? d->node : NULL;
		}
		if (!n)
			err = ENOENT;
	}
	if (!err) {
		n->nlookup++;
		wf_mem_fill_entry(fs, n, &e);
	}
	pthread_mutex_unlock(&fs->lock);
	if (err)
		fuse_reply_err(req, err);
	else
		wf_mem_send_entry(req, n, &e);
}

static void wf_mem_op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *n;

	pthread_mutex_lock(&fs->lock);
	n = wf_mem_node_get(fs, ino);
	if (n)
		wf_mem_forget_one(fs, n, nlookup);
	else
		fprintf(stderr, "memfs: FORGET of unknown inode %" PRIu64 "\n", (uint64_t)ino);
	pthread_mutex_unlock(&fs->lock);
	fuse_reply_none(req);
}

static void wf_mem_op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);

	pthread_mutex_lock(&fs->lock);
	for (size_t i = 0; i < count; i++) {
		struct wf_mem_node *n = wf_mem_node_get(fs, forgets[i].ino);

		if (n)
			wf_mem_forget_one(fs, n, forgets[i].nlookup);
		else
			fprintf(stderr, "memfs: FORGET of unknown inode %" PRIu64 "\n",
				(uint64_t)forgets[i].ino);
	}
	pthread_mutex_unlock(&fs->lock);
	fuse_reply_none(req);
}

static void wf_mem_op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *n;
	struct stat st;

	(void)fi;
	pthread_mutex_lock(&fs->lock);
	n = wf_mem_node_get(fs, ino);
	if (n)
		wf_mem_fill_stat(n, &st);
	pthread_mutex_unlock(&fs->lock);
	if (!n)
		fuse_reply_err(req, ESTALE);
	else
		fuse_reply_attr(req, &st, fs->timeout);
}

static void wf_mem_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
			      struct fuse_file_info *fi)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *n;
	struct timespec now = wf_mem_now();
	struct stat st;
	int err = 0;

	(void)fi;
	pthread_mutex_lock(&fs->lock);
	n = wf_mem_node_get(fs, ino);
	if (!n) {
		err = ESTALE;
	} else if (to_set & FUSE_SET_ATTR_SIZE) {
		if (S_ISDIR(n->mode))
			err = EISDIR;
		else if (!S_ISREG(n->mode) || attr->st_size < 0)
			err = EINVAL;
	}
	if (err)
		goto out;
	/* Validated above: nothing below can fail, so the change is all or nothing. */
	if (to_set & FUSE_SET_ATTR_MODE)
		n->mode = (n->mode & S_IFMT) | (attr->st_mode & 07777);
	if (to_set & FUSE_SET_ATTR_UID)
		n->uid = attr->st_uid;
	if (to_set & FUSE_SET_ATTR_GID)
		n->gid = attr->st_gid;
	if (to_set & FUSE_SET_ATTR_KILL_SUID)
		n->mode &= ~(mode_t)S_ISUID;
	if ((to_set & FUSE_SET_ATTR_KILL_SGID) && (n->mode & S_IXGRP))
		n->mode &= ~(mode_t)S_ISGID;
	if (to_set & FUSE_SET_ATTR_SIZE)
		wf_mem_truncate(fs, n, (uint64_t)attr->st_size);
	if (to_set & FUSE_SET_ATTR_ATIME_NOW)
		n->atime = now;
	else if (to_set & FUSE_SET_ATTR_ATIME)
		n->atime = attr->st_atim;
	if (to_set & FUSE_SET_ATTR_MTIME_NOW)
		n->mtime = now;
	else if (to_set & FUSE_SET_ATTR_MTIME)
		n->mtime = attr->st_mtim;
	n->ctime = (to_set & FUSE_SET_ATTR_CTIME) ? attr->st_ctim : now;
	wf_mem_fill_stat(n, &st);
out:
	pthread_mutex_unlock(&fs->lock);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_attr(req, &st, fs->timeout);
}

static void wf_mem_op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *n;
	char *target = NULL;
	int err = 0;

	pthread_mutex_lock(&fs->lock);
	n = wf_mem_node_get(fs, ino);
	if (!n)
		err = ESTALE;
	else if (!S_ISLNK(n->mode))
		err = EINVAL;
	else if (!(target = strdup(n->target)))
		err = ENOMEM;
	pthread_mutex_unlock(&fs->lock);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_readlink(req, target);
	free(target);
}

static void wf_mem_op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
			    dev_t rdev)
{
	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		/* fall through */
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		rdev = 0;
		break;
	case S_IFCHR:
	case S_IFBLK:
		break;
	default:
		fuse_reply_err(req, EINVAL);
		return;
	}
	wf_mem_make_and_reply(req, parent, name, mode, rdev, NULL);
}

static void wf_mem_op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	wf_mem_make_and_reply(req, parent, name, S_IFDIR | (mode & 07777), 0, NULL);
}

static void wf_mem_op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	size_t len = strlen(link);

	if (len == 0)
		fuse_reply_err(req, ENOENT);
	else if (len > WF_MEM_SYMLINK_MAX)
		fuse_reply_err(req, ENAMETOOLONG);
	else
		wf_mem_make_and_reply(req, parent, name, S_IFLNK | 0777, 0, link);
}

static void wf_mem_op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *dir, *n;
	struct wf_mem_dirent *d = NULL;
	int err;

	pthread_mutex_lock(&fs->lock);
	err = wf_mem_get_dir(fs, parent, &dir);
	if (!err && !(d = wf_mem_dirent_find(fs, dir, name)))
		err = wf_mem_is_dot(name) ? EISDIR : ENOENT;
	if (!err && S_ISDIR(d->node->mode))
		err = EISDIR;
	if (!err) {
		n = d->node;
		wf_mem_dirent_remove(fs, d);
		n->nlink--;
		n->ctime = wf_mem_now();
		wf_mem_touch_dir(dir);
		wf_mem_node_release(fs, n);
	}
	pthread_mutex_unlock(&fs->lock);
	fuse_reply_err(req, err);
}

/* Unlinks a directory entry's node that is known to be an empty directory. */
static void wf_mem_drop_dir(struct wf_mem_node *parent, struct wf_mem_node *n)
{
	n->nlink = 0;
	n->parent = NULL;
	n->ctime = wf_mem_now();
	parent->nlink--;
}

static void wf_mem_op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *dir, *n;
	struct wf_mem_dirent *d = NULL;
	int err;

	pthread_mutex_lock(&fs->lock);
	err = wf_mem_get_dir(fs, parent, &dir);
	if (!err && strcmp(name, ".") == 0)
		err = EINVAL;
	else if (!err && strcmp(name, "..") == 0)
		err = ENOTEMPTY;
	else if (!err && !(d = wf_mem_dirent_find(fs, dir, name)))
		err = ENOENT;
	else if (!err && !S_ISDIR(d->node->mode))
		err = ENOTDIR;
	else if (!err && d->node->nlive)
		err = ENOTEMPTY;
	if (!err) {
		n = d->node;
		wf_mem_dirent_remove(fs, d);
		wf_mem_drop_dir(dir, n);
		wf_mem_touch_dir(dir);
		wf_mem_node_release(fs, n);
	}
	pthread_mutex_unlock(&fs->lock);
	fuse_reply_err(req, err);
}

/* True when dir is a or lies below a. */
static bool wf_mem_is_within(const struct wf_mem_node *dir, const struct wf_mem_node *a)
{
	for (; dir; dir = dir->parent)
		if (dir == a)
			return true;
	return false;
}

static int wf_mem_exchange(struct wf_mem_node *sdir, struct wf_mem_dirent *src,
			   struct wf_mem_node *ddir, struct wf_mem_dirent *dst)
{
	struct wf_mem_node *s = src->node, *d = dst->node;
	struct timespec now = wf_mem_now();

	if (s == d)
		return 0;
	if ((S_ISDIR(s->mode) && wf_mem_is_within(ddir, s)) ||
	    (S_ISDIR(d->mode) && wf_mem_is_within(sdir, d)))
		return EINVAL;
	src->node = d;
	dst->node = s;
	if (sdir != ddir) {
		if (S_ISDIR(s->mode)) {
			s->parent = ddir;
			sdir->nlink--;
			ddir->nlink++;
		}
		if (S_ISDIR(d->mode)) {
			d->parent = sdir;
			ddir->nlink--;
			sdir->nlink++;
		}
	}
	s->ctime = d->ctime = now;
	wf_mem_touch_dir(sdir);
	wf_mem_touch_dir(ddir);
	return 0;
}

static int wf_mem_move(struct wf_mem_fs *fs, struct wf_mem_node *sdir, struct wf_mem_dirent *src,
		       struct wf_mem_node *ddir, struct wf_mem_dirent *dst, const char *newname,
		       unsigned flags)
{
	struct wf_mem_node *s = src->node, *d = dst ? dst->node : NULL;
	int err;

	if (dst && (flags & RENAME_NOREPLACE))
		return EEXIST;
	if (s == d)
		return 0; /* both names already refer to the same file */
	if (S_ISDIR(s->mode) && wf_mem_is_within(ddir, s))
		return EINVAL;
	if (d) {
		if (S_ISDIR(s->mode) && !S_ISDIR(d->mode))
			return ENOTDIR;
		if (!S_ISDIR(s->mode) && S_ISDIR(d->mode))
			return EISDIR;
		if (S_ISDIR(d->mode) && d->nlive)
			return ENOTEMPTY;
		/* The replaced name keeps its slot and cookie; only the node changes. */
		dst->node = s;
		wf_mem_dirent_remove(fs, src);
		if (S_ISDIR(d->mode))
			wf_mem_drop_dir(ddir, d);
		else
			d->nlink--;
		d->ctime = wf_mem_now();
	} else {
		if (ddir->nlink == 0)
			return ENOENT;
		err = wf_mem_dirent_add(fs, ddir, newname, s);
		if (err)
			return err;
		wf_mem_dirent_remove(fs, src);
	}
	if (S_ISDIR(s->mode) && sdir != ddir) {
		s->parent = ddir;
		sdir->nlink--;
		ddir->nlink++;
	}
	s->ctime = wf_mem_now();
	wf_mem_touch_dir(sdir);
	wf_mem_touch_dir(ddir);
	if (d)
		wf_mem_node_release(fs, d);
	return 0;
}

static void wf_mem_op_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
			     fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *sdir = NULL, *ddir = NULL;
	struct wf_mem_dirent *src = NULL, *dst;
	int err = 0;

	pthread_mutex_lock(&fs->lock);
	if ((flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE)) ||
	    ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE)))
		err = EINVAL;
	if (!err)
		err = wf_mem_get_dir(fs, parent, &sdir);
	if (!err)
		err = wf_mem_get_dir(fs, newparent, &ddir);
	if (!err && (wf_mem_is_dot(name) || wf_mem_is_dot(newname)))
		err = EINVAL;
	if (!err && newname[0] == '\0')
		err = ENOENT;
	if (!err && strlen(newname) > WF_MEM_NAME_MAX)
		err = ENAMETOOLONG;
	if (!err && strchr(newname, '/'))
		err = EINVAL;
	if (!err && !(src = wf_mem_dirent_find(fs, sdir, name)))
		err = ENOENT;
	if (!err) {
		dst = wf_mem_dirent_find(fs, ddir, newname);
		if (flags & RENAME_EXCHANGE)
			err = dst ? wf_mem_exchange(sdir, src, ddir, dst) : ENOENT;
		else
			err = wf_mem_move(fs, sdir, src, ddir, dst, newname, flags);
	}
	pthread_mutex_unlock(&fs->lock);
	fuse_reply_err(req, err);
}

static void wf_mem_op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
			   const char *newname)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *n, *dir;
	struct fuse_entry_param e;
	int err = 0;

	pthread_mutex_lock(&fs->lock);
	n = wf_mem_node_get(fs, ino);
	if (!n)
		err = ESTALE;
	else if (S_ISDIR(n->mode))
		err = EPERM;
	else if (n->nlink == 0)
		err = ENOENT;
	if (!err)
		err = wf_mem_get_dir(fs, newparent, &dir);
	if (!err)
		err = wf_mem_check_new_name(fs, dir, newname);
	if (!err)
		err = wf_mem_dirent_add(fs, dir, newname, n);
	if (!err) {
		n->nlink++;
		n->ctime = wf_mem_now();
		wf_mem_touch_dir(dir);
		n->nlookup++;
		wf_mem_fill_entry(fs, n, &e);
	}
	pthread_mutex_unlock(&fs->lock);
	if (err)
		fuse_reply_err(req, err);
	else
		wf_mem_send_entry(req, n, &e);
}

/* Takes an open handle on n for fi, truncating on O_TRUNC. */
static void wf_mem_open_node(struct wf_mem_fs *fs, struct wf_mem_node *n, struct fuse_file_info *fi)
{
	if ((fi->flags & O_TRUNC) && S_ISREG(n->mode))
		wf_mem_truncate(fs, n, 0);
	n->nopen++;
	fi->fh = n->ino;
}

static void wf_mem_close_node(struct wf_mem_fs *fs, fuse_ino_t ino)
{
	struct wf_mem_node *n = wf_mem_node_get(fs, ino);

	if (n && n->nopen) {
		n->nopen--;
		wf_mem_node_release(fs, n);
	} else {
		fprintf(stderr, "memfs: RELEASE of inode %" PRIu64 " without an open handle\n",
			(uint64_t)ino);
	}
}

static void wf_mem_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *n;
	int err = 0;

	pthread_mutex_lock(&fs->lock);
	n = wf_mem_node_get(fs, ino);
	if (!n)
		err = ESTALE;
	else if (S_ISDIR(n->mode))
		err = EISDIR;
	else
		wf_mem_open_node(fs, n, fi);
	pthread_mutex_unlock(&fs->lock);
	if (err) {
		fuse_reply_err(req, err);
	} else if (fuse_reply_open(req, fi) != 0) {
		pthread_mutex_lock(&fs->lock);
		wf_mem_close_node(fs, ino);
		pthread_mutex_unlock(&fs->lock);
	}
}

static void wf_mem_op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
			     struct fuse_file_info *fi)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *dir, *n = NULL;
	struct wf_mem_dirent *d = NULL;
	struct fuse_entry_param e;
	int err;

	pthread_mutex_lock(&fs->lock);
	err = wf_mem_get_dir(fs, parent, &dir);
	if (!err && !wf_mem_is_dot(name))
		d = wf_mem_dirent_find(fs, dir, name);
	if (!err && d) {
		/* The name appeared since the kernel's lookup: O_EXCL decides. */
		n = d->node;
		if (fi->flags & O_EXCL)
			err = EEXIST;
		else if (S_ISDIR(n->mode))
			err = EISDIR;
		else if (!S_ISREG(n->mode))
			err = EEXIST;
	} else if (!err) {
		err = wf_mem_make(req, parent, name, S_IFREG | (mode & 07777), 0, NULL, &n);
	}
	if (!err) {
		wf_mem_open_node(fs, n, fi);
		n->nlookup++;
		wf_mem_fill_entry(fs, n, &e);
	}
	pthread_mutex_unlock(&fs->lock);
	if (err) {
		fuse_reply_err(req, err);
	} else if (fuse_reply_create(req, &e, fi) != 0) {
		pthread_mutex_lock(&fs->lock);
		n->nopen--;
		wf_mem_forget_one(fs, n, 1);
		pthread_mutex_unlock(&fs->lock);
	}
}

/* Sleeps ms milliseconds in short steps; false if the request was interrupted meanwhile. */
static bool wf_mem_delay(fuse_req_t req, unsigned ms)
{
	while (ms > 0) {
		unsigned step = ms < 10 ? ms : 10;
		struct timespec ts = { 0, (long)step * 1000000L };

		nanosleep(&ts, NULL);
		ms -= step;
		if (fuse_req_interrupted(req))
			return false;
	}
	return true;
}

static void wf_mem_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			   struct fuse_file_info *fi)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *n;
	unsigned char *buf = NULL;
	size_t len = 0;
	int err = 0;

	(void)fi;
	if (fs->read_delay_ms && (unsigned long long)off >= fs->read_delay_from &&
	    !wf_mem_delay(req, fs->read_delay_ms)) {
		fuse_reply_err(req, EINTR);
		return;
	}
	pthread_mutex_lock(&fs->lock);
	n = wf_mem_node_get(fs, ino);
	if (!n)
		err = ESTALE;
	else if (S_ISDIR(n->mode))
		err = EISDIR;
	else if (!S_ISREG(n->mode) || off < 0)
		err = EINVAL;
	if (!err && (uint64_t)off < n->size) {
		uint64_t avail = n->size - (uint64_t)off;

		len = avail < size ? (size_t)avail : size;
		buf = malloc(len);
		if (!buf) {
			err = ENOMEM;
		} else {
			size_t held = 0;

			if ((uint64_t)off < n->dlen) {
				held = n->dlen - (size_t)off;
				if (held > len)
					held = len;
				memcpy(buf, n->data + off, held);
			}
			memset(buf + held, 0, len - held);
		}
	}
	if (!err)
		n->atime = wf_mem_now();
	pthread_mutex_unlock(&fs->lock);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_buf(req, (const char *)buf, len);
	free(buf);
}

static void wf_mem_op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
			    off_t off, struct fuse_file_info *fi)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *n;
	uint64_t start, end = 0;
	int err = 0;

	pthread_mutex_lock(&fs->lock);
	n = wf_mem_node_get(fs, ino);
	if (!n)
		err = ESTALE;
	else if (S_ISDIR(n->mode))
		err = EISDIR;
	else if (!S_ISREG(n->mode) || off < 0)
		err = EINVAL;
	if (!err && size > 0) {
		/* As on Linux, O_APPEND wins over the offset given. */
		start = (fi->flags & O_APPEND) ? n->size : (uint64_t)off;
		end = start + size;
		if (end < start || end > (uint64_t)INT64_MAX || end > SIZE_MAX)
			err = EFBIG;
		if (!err)
			err = wf_mem_reserve(fs, n, (size_t)end);
		if (!err) {
			memcpy(n->data + start, buf, size);
			if (end > n->size)
				n->size = end;
			n->mtime = n->ctime = wf_mem_now();
		}
	}
	pthread_mutex_unlock(&fs->lock);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_write(req, size);
}

static void wf_mem_op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	fuse_reply_err(req, 0);
}

static void wf_mem_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);

	(void)fi;
	pthread_mutex_lock(&fs->lock);
	wf_mem_close_node(fs, ino);
	pthread_mutex_unlock(&fs->lock);
	fuse_reply_err(req, 0);
}

static void wf_mem_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	(void)ino;
	(void)datasync;
	(void)fi;
	fuse_reply_err(req, 0); /* nothing is more durable than memory here */
}

static void wf_mem_op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *n;
	int err;

	pthread_mutex_lock(&fs->lock);
	err = wf_mem_get_dir(fs, ino, &n);
	if (!err) {
		n->nopen++;
		fi->fh = ino;
	}
	pthread_mutex_unlock(&fs->lock);
	if (err) {
		fuse_reply_err(req, err);
	} else if (fuse_reply_open(req, fi) != 0) {
		pthread_mutex_lock(&fs->lock);
		wf_mem_close_node(fs, ino);
		pthread_mutex_unlock(&fs->lock);
	}
}

/* Appends one entry to a READDIR(PLUS) buffer; false when it does not fit. */
static bool wf_mem_add_dirent(fuse_req_t req, struct wf_mem_fs *fs, char *buf, size_t size,
			      size_t *pos, const char *name, const struct wf_mem_node *n,
			      uint64_t next, bool plus, bool counted)
{
	size_t need;

	if (plus) {
		struct fuse_entry_param e;

		wf_mem_fill_entry(fs, n, &e);
		if (!counted)
			e.ino = 0; /* "." and "..": the kernel takes no reference for these */
		need = fuse_add_direntry_plus(req, buf + *pos, size - *pos, name, &e, (off_t)next);
	} else {
		struct stat st;

		memset(&st, 0, sizeof(st));
		st.st_ino = n->ino;
		st.st_mode = n->mode;
		need = fuse_add_direntry(req, buf + *pos, size - *pos, name, &st, (off_t)next);
	}
	if (need > size - *pos)
		return false;
	*pos += need;
	return true;
}

static void wf_mem_readdir_common(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, bool plus)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *dir, **refs = NULL;
	size_t pos = 0, nrefs = 0, refs_cap = 0;
	uint64_t start = off < 0 ? 0 : (uint64_t)off;
	char *buf = malloc(size ? size : 1);
	int err;

	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_lock(&fs->lock);
	err = wf_mem_get_dir(fs, ino, &dir);
	if (err || dir->nlink == 0)
		goto unlock; /* a removed directory lists as empty */
	if (start < 1 && !wf_mem_add_dirent(req, fs, buf, size, &pos, ".", dir, 1, plus, false))
		goto done;
	if (start < 2 && !wf_mem_add_dirent(req, fs, buf, size, &pos, "..",
					    dir == fs->root ? dir : dir->parent, 2, plus, false))
		goto done;
	for (size_t i = wf_mem_slot_after(dir, start < 2 ? 2 : start); i < dir->nslots; i++) {
		struct wf_mem_dirent *d = dir->slots[i].ent;

		if (!d)
			continue;
		if (plus && nrefs == refs_cap) {
			size_t cap = refs_cap ? refs_cap * 2 : 32;
			struct wf_mem_node **r = realloc(refs, cap * sizeof(*r));

			if (!r) {
				if (pos == 0)
					err = ENOMEM;
				break;
			}
			refs = r;
			refs_cap = cap;
		}
		if (!wf_mem_add_dirent(req, fs, buf, size, &pos, d->name, d->node, d->cookie, plus, true))
			break;
		if (plus) {
			d->node->nlookup++;
			refs[nrefs++] = d->node;
		}
	}
done:
	dir->atime = wf_mem_now();
unlock:
	pthread_mutex_unlock(&fs->lock);
	if (err) {
		fuse_reply_err(req, err);
	} else if (fuse_reply_buf(req, buf, pos) != 0 && nrefs) {
		pthread_mutex_lock(&fs->lock);
		for (size_t i = 0; i < nrefs; i++)
			wf_mem_forget_one(fs, refs[i], 1);
		pthread_mutex_unlock(&fs->lock);
	}
	free(refs);
	free(buf);
}

static void wf_mem_op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			      struct fuse_file_info *fi)
{
	(void)fi;
	wf_mem_readdir_common(req, ino, size, off, false);
}

static void wf_mem_op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
				  struct fuse_file_info *fi)
{
	(void)fi;
	wf_mem_readdir_common(req, ino, size, off, true);
}

static void wf_mem_op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	wf_mem_op_release(req, ino, fi);
}

static void wf_mem_op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync,
			       struct fuse_file_info *fi)
{
	wf_mem_op_fsync(req, ino, datasync, fi);
}

static void wf_mem_op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct statvfs sv;
	uint64_t files;

	(void)ino;
	memset(&sv, 0, sizeof(sv));
	pthread_mutex_lock(&fs->lock);
	sv.f_bsize = WF_MEM_BLOCK_SIZE;
	sv.f_frsize = WF_MEM_BLOCK_SIZE;
	sv.f_blocks = WF_MEM_TOTAL_BLOCKS;
	sv.f_bfree = WF_MEM_TOTAL_BLOCKS - fs->used_blocks;
	sv.f_bavail = sv.f_bfree;
	files = fs->inode_count > WF_MEM_TOTAL_FILES ? fs->inode_count : WF_MEM_TOTAL_FILES;
	sv.f_files = files;
	sv.f_ffree = files - fs->inode_count;
	sv.f_favail = sv.f_ffree;
	sv.f_namemax = WF_MEM_NAME_MAX;
	pthread_mutex_unlock(&fs->lock);
	fuse_reply_statfs(req, &sv);
}

static struct wf_mem_xattr **wf_mem_xattr_find(struct wf_mem_node *n, const char *name)
{
	struct wf_mem_xattr **p = &n->xattrs;

	while (*p && strcmp((*p)->name, name) != 0)
		p = &(*p)->next;
	return p;
}

static size_t wf_mem_xattr_list_size(const struct wf_mem_node *n)
{
	size_t total = 0;

	for (const struct wf_mem_xattr *x = n->xattrs; x; x = x->next)
		total += x->name_len + 1;
	return total;
}

static void wf_mem_op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
			       size_t size, int flags)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	size_t name_len = strlen(name);
	struct wf_mem_xattr **p, *x = NULL;
	struct wf_mem_node *n;
	char *copy = NULL;
	int err = 0;

	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		err = EINVAL;
	else if (name_len == 0 || name_len > WF_MEM_XATTR_NAME_MAX)
		err = ERANGE;
	else if (size > WF_MEM_XATTR_SIZE_MAX)
		err = E2BIG;
	else if (!(copy = malloc(size ? size : 1)))
		err = ENOMEM;
	if (err) {
		fuse_reply_err(req, err);
		return;
	}
	memcpy(copy, value, size);
	pthread_mutex_lock(&fs->lock);
	n = wf_mem_node_get(fs, ino);
	if (!n) {
		err = ESTALE;
		goto out;
	}
	p = wf_mem_xattr_find(n, name);
	if (*p && (flags & XATTR_CREATE)) {
		err = EEXIST;
	} else if (!*p && (flags & XATTR_REPLACE)) {
		err = ENODATA;
	} else if (*p) {
		free((*p)->value);
		(*p)->value = copy;
		(*p)->size = size;
		copy = NULL;
	} else if (wf_mem_xattr_list_size(n) + name_len + 1 > WF_MEM_XATTR_LIST_MAX) {
		err = ENOSPC;
	} else if (!(x = malloc(sizeof(*x) + name_len + 1))) {
		err = ENOMEM;
	} else {
		memcpy(x->name, name, name_len + 1);
		x->name_len = name_len;
		x->value = copy;
		x->size = size;
		x->next = NULL;
		*p = x; /* appended: listing keeps creation order */
		copy = NULL;
	}
	if (!err)
		n->ctime = wf_mem_now();
out:
	pthread_mutex_unlock(&fs->lock);
	free(copy);
	fuse_reply_err(req, err);
}

static void wf_mem_op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *n;
	struct wf_mem_xattr *x = NULL;
	char *copy = NULL;
	size_t len = 0;
	int err = 0;

	pthread_mutex_lock(&fs->lock);
	n = wf_mem_node_get(fs, ino);
	if (!n)
		err = ESTALE;
	else if (!(x = *wf_mem_xattr_find(n, name)))
		err = ENODATA;
	else if (size != 0 && size < x->size)
		err = ERANGE;
	else if (size != 0 && !(copy = malloc(x->size ? x->size : 1)))
		err = ENOMEM;
	if (!err) {
		len = x->size;
		if (copy)
			memcpy(copy, x->value, len);
	}
	pthread_mutex_unlock(&fs->lock);
	if (err)
		fuse_reply_err(req, err);
	else if (size == 0)
		fuse_reply_xattr(req, len);
	else
		fuse_reply_buf(req, copy, len);
	free(copy);
}

static void wf_mem_op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *n;
	char *list = NULL;
	size_t total = 0;
	int err = 0;

	pthread_mutex_lock(&fs->lock);
	n = wf_mem_node_get(fs, ino);
	if (!n)
		err = ESTALE;
	else
		total = wf_mem_xattr_list_size(n);
	if (!err && size != 0 && size < total)
		err = ERANGE;
	else if (!err && size != 0 && !(list = malloc(total ? total : 1)))
		err = ENOMEM;
	if (!err && list) {
		size_t pos = 0;

		for (struct wf_mem_xattr *x = n->xattrs; x; x = x->next) {
			memcpy(list + pos, x->name, x->name_len + 1);
			pos += x->name_len + 1;
		}
	}
	pthread_mutex_unlock(&fs->lock);
	if (err)
		fuse_reply_err(req, err);
	else if (size == 0)
		fuse_reply_xattr(req, total);
	else
		fuse_reply_buf(req, list, total);
	free(list);
}

static void wf_mem_op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *n;
	struct wf_mem_xattr **p, *x;
	int err = 0;

	pthread_mutex_lock(&fs->lock);
	n = wf_mem_node_get(fs, ino);
	if (!n) {
		err = ESTALE;
	} else {
		p = wf_mem_xattr_find(n, name);
		x = *p;
		if (!x) {
			err = ENODATA;
		} else {
			*p = x->next;
			free(x->value);
			free(x);
			n->ctime = wf_mem_now();
		}
	}
	pthread_mutex_unlock(&fs->lock);
	fuse_reply_err(req, err);
}

/* True when the caller of req is in group gid (primary or supplementary). */
static bool wf_mem_in_group(fuse_req_t req, gid_t gid)
{
	gid_t groups[64];
	int count;

	if (fuse_req_ctx(req)->gid == gid)
		return true;
	count = fuse_req_getgroups(req, 64, groups);
	for (int i = 0; i < count && i < 64; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

static void wf_mem_op_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct wf_mem_node *n;
	mode_t mode = 0;
	uid_t uid = 0;
	gid_t gid = 0;
	int err = 0;

	pthread_mutex_lock(&fs->lock);
	n = wf_mem_node_get(fs, ino);
	if (n) {
		mode = n->mode;
		uid = n->uid;
		gid = n->gid;
	}
	pthread_mutex_unlock(&fs->lock);
	if (!n) {
		err = ESTALE;
	} else if (ctx->uid == 0) {
		/* root may read and write anything, and execute what anyone may */
		if ((mask & X_OK) && !S_ISDIR(mode) && !(mode & 0111))
			err = EACCES;
	} else if (mask != F_OK) {
		unsigned bits;

		if (ctx->uid == uid)
			bits = (mode >> 6) & 7;
		else if (wf_mem_in_group(req, gid))
			bits = (mode >> 3) & 7;
		else
			bits = mode & 7;
		if ((unsigned)mask & (R_OK | W_OK | X_OK) & ~bits)
			err = EACCES;
	}
	fuse_reply_err(req, err);
}

static void wf_mem_op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset,
				off_t length, struct fuse_file_info *fi)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *n;
	uint64_t end;
	int err = 0;

	(void)fi;
	if (mode != 0) {
		fuse_reply_err(req, EOPNOTSUPP);
		return;
	}
	if (offset < 0 || length <= 0) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	end = (uint64_t)offset + (uint64_t)length;
	pthread_mutex_lock(&fs->lock);
	n = wf_mem_node_get(fs, ino);
	if (!n)
		err = ESTALE;
	else if (S_ISDIR(n->mode))
		err = EISDIR;
	else if (!S_ISREG(n->mode))
		err = ENODEV;
	else if (end > (uint64_t)INT64_MAX || end > SIZE_MAX)
		err = EFBIG;
	if (!err)
		err = wf_mem_reserve(fs, n, (size_t)end);
	if (!err) {
		n->ctime = wf_mem_now();
		if (end > n->size) {
			n->size = end;
			n->mtime = n->ctime;
		}
	}
	pthread_mutex_unlock(&fs->lock);
	fuse_reply_err(req, err);
}

/* SEEK_DATA / SEEK_HOLE: held bytes are data, the zero tail up to the size is one hole. */
static void wf_mem_op_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
			    struct fuse_file_info *fi)
{
	struct wf_mem_fs *fs = wf_mem_fs_of(req);
	struct wf_mem_node *n;
	uint64_t pos = 0;
	int err = 0;

	(void)fi;
	pthread_mutex_lock(&fs->lock);
	n = wf_mem_node_get(fs, ino);
	if (!n)
		err = ESTALE;
	else if (off < 0 || (whence != SEEK_DATA && whence != SEEK_HOLE))
		err = EINVAL;
	else if ((uint64_t)off >= n->size)
		err = ENXIO;
	else if (whence == SEEK_DATA && (uint64_t)off >= n->dlen)
		err = ENXIO; /* only the trailing hole remains */
	else if (whence == SEEK_DATA)
		pos = (uint64_t)off;
	else
		pos = (uint64_t)off < n->dlen ? n->dlen : (uint64_t)off;
	pthread_mutex_unlock(&fs->lock);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_lseek(req, (off_t)pos);
}

static const struct fuse_lowlevel_ops wf_mem_ops = {
	.init = wf_mem_op_init,
	/* No destroy: at DESTROY another worker may still be handling the FORGETs sent just
	   before it (they have no reply). main tears down once the loop has returned, that
	   is once every worker has joined. */
	.lookup = wf_mem_op_lookup,
	.forget = wf_mem_op_forget,
	.forget_multi = wf_mem_op_forget_multi,
	.getattr = wf_mem_op_getattr,
	.setattr = wf_mem_op_setattr,
	.readlink = wf_mem_op_readlink,
	.mknod = wf_mem_op_mknod,
	.mkdir = wf_mem_op_mkdir,
	.unlink = wf_mem_op_unlink,
	.rmdir = wf_mem_op_rmdir,
	.symlink = wf_mem_op_symlink,
	.rename = wf_mem_op_rename,
	.link = wf_mem_op_link,
	.open = wf_mem_op_open,
	.read = wf_mem_op_read,
	.write = wf_mem_op_write,
	.flush = wf_mem_op_flush,
	.release = wf_mem_op_release,
	.fsync = wf_mem_op_fsync,
	.opendir = wf_mem_op_opendir,
	.readdir = wf_mem_op_readdir,
	.readdirplus = wf_mem_op_readdirplus,
	.releasedir = wf_mem_op_releasedir,
	.fsyncdir = wf_mem_op_fsyncdir,
	.statfs = wf_mem_op_statfs,
	.setxattr = wf_mem_op_setxattr,
	.getxattr = wf_mem_op_getxattr,
	.listxattr = wf_mem_op_listxattr,
	.removexattr = wf_mem_op_removexattr,
	.access = wf_mem_op_access,
	.create = wf_mem_op_create,
	.fallocate = wf_mem_op_fallocate,
	.lseek = wf_mem_op_lseek,
};

/* ---- setup --------------------------------------------------------------------------------- */

static int wf_mem_fs_init(struct wf_mem_fs *fs, const struct wf_mem_options *mo)
{
	memset(fs, 0, sizeof(*fs));
	pthread_mutex_init(&fs->lock, NULL);
	fs->inode_buckets = 64;
	fs->name_buckets = 64;
	fs->inodes = calloc(fs->inode_buckets, sizeof(*fs->inodes));
	fs->names = calloc(fs->name_buckets, sizeof(*fs->names));
	fs->next_ino = FUSE_ROOT_ID;
	fs->timeout = mo->timeout;
	fs->read_delay_ms = mo->read_delay_ms;
	fs->read_delay_from = mo->read_delay_from;
	if (!fs->inodes || !fs->names)
		return ENOMEM;
	fs->root = wf_mem_node_new(fs, S_IFDIR | 0755, getuid(), getgid());
	if (!fs->root)
		return ENOMEM;
	return 0;
}

/* Byte j of pre-populated file k is (k + j) mod 251, so any misplaced block shows. */
static int wf_mem_populate(struct wf_mem_fs *fs, unsigned files, uint64_t file_size)
{
	char name[32];

	if (file_size > (uint64_t)WF_MEM_TOTAL_BLOCKS * WF_MEM_BLOCK_SIZE ||
	    (uint64_t)files * wf_mem_blocks_for((size_t)file_size) > WF_MEM_TOTAL_BLOCKS)
		return ENOSPC;
	for (unsigned k = 0; k < files; k++) {
		struct wf_mem_node *n = wf_mem_node_new(fs, S_IFREG | 0644, getuid(), getgid());
		int err;

		if (!n)
			return ENOMEM;
		snprintf(name, sizeof(name), "file%04u", k);
		err = wf_mem_dirent_add(fs, fs->root, name, n);
		if (!err)
			err = wf_mem_reserve(fs, n, (size_t)file_size);
		if (err)
			return err; /* teardown frees the node */
		for (size_t j = 0; j < (size_t)file_size; j++)
			n->data[j] = (unsigned char)((k + j) % WF_MEM_CONTENT_MOD);
		n->size = file_size;
	}
	return 0;
}

/* Parses a byte count with an optional K, M or G (binary) suffix. */
static int wf_mem_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

#define WF_MEM_OPT(t, p) { t, offsetof(struct wf_mem_options, p), 1 }
static const struct fuse_opt wf_mem_opt_spec[] = {
	WF_MEM_OPT("read_delay_ms=%u", read_delay_ms),
	WF_MEM_OPT("read_delay_from=%llu", read_delay_from),
	WF_MEM_OPT("files=%u", files),
	WF_MEM_OPT("file_size=%s", file_size),
	WF_MEM_OPT("timeout=%lf", timeout),
	FUSE_OPT_END
};

static void wf_mem_usage(const char *prog)
{
	printf("usage: %s [options] MOUNTPOINT\n\n"
	       "An in-memory file system (1 GiB, POSIX semantics), WinFuse's reference file system.\n"
	       "MOUNTPOINT may be /dev/fd/N for an already open FUSE channel.\n\n"
	       "memfs options:\n"
	       "    -o timeout=SECONDS     entry and attribute cache timeout (default 1.0)\n"
	       "    -o files=N             pre-populate the root with files file0000, file0001, ...\n"
	       "    -o file_size=BYTES     size of each pre-populated file (suffix K, M, G; default 0);\n"
	       "                           byte j of file k is (k + j) mod 251\n"
	       "    -o read_delay_ms=N     wait N ms before answering each READ (test knob; an\n"
	       "                           interrupted READ then fails with EINTR)\n"
	       "    -o read_delay_from=BYTES  only READs from this offset on wait (default 0)\n"
	       "memfs mounts with default_permissions: the kernel checks access rights.\n\n",
	       prog);
	fuse_cmdline_help();
	fuse_lowlevel_help();
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct wf_mem_options mo = { .timeout = 1.0 };
	struct fuse_cmdline_opts opts;
	struct fuse_loop_config config;
	struct fuse_session *se = NULL;
	struct wf_mem_fs fs;
	uint64_t file_size = 0;
	bool fs_ready = false;
	int ret = 1, err;

	memset(&opts, 0, sizeof(opts));
	if (fuse_opt_parse(&args, &mo, wf_mem_opt_spec, NULL) != 0)
		goto out;
	if (fuse_parse_cmdline(&args, &opts) != 0)
		goto out;
	if (opts.show_help) {
		wf_mem_usage(argv[0]);
		ret = 0;
		goto out;
	}
	if (opts.show_version) {
		printf("memfs, libfuse %s\n", fuse_pkgversion());
		fuse_lowlevel_version();
		ret = 0;
		goto out;
	}
	if (!opts.mountpoint) {
		fprintf(stderr, "usage: %s [options] MOUNTPOINT (see --help)\n", argv[0]);
		goto out;
	}
	if (mo.file_size && wf_mem_parse_size(mo.file_size, &file_size) != 0) {
		fprintf(stderr, "memfs: bad file_size '%s'\n", mo.file_size);
		goto out;
	}
	if (mo.timeout < 0) {
		fprintf(stderr, "memfs: timeout must not be negative\n");
		goto out;
	}
	err = wf_mem_fs_init(&fs, &mo);
	fs_ready = true;
	if (!err)
		err = wf_mem_populate(&fs, mo.files, file_size);
	if (err) {
		fprintf(stderr, "memfs: cannot set up the file system: %s\n", strerror(err));
		goto out;
	}
	if (fuse_opt_add_arg(&args, "-odefault_permissions") != 0)
		goto out;
	se = fuse_session_new(&args, &wf_mem_ops, sizeof(wf_mem_ops), &fs);
	if (!se)
		goto out;
	if (fuse_set_signal_handlers(se) != 0)
		goto out_session;
	if (fuse_session_mount(se, opts.mountpoint) != 0)
		goto out_handlers;
	fuse_daemonize(opts.foreground);
	if (opts.singlethread) {
		ret = fuse_session_loop(se);
	} else if (!opts.clone_fd && opts.max_idle_threads == UINT_MAX) {
		/* nothing asked for: libfuse's defaults, without its warning about the unset value */
		ret = fuse_session_loop_mt(se, NULL);
	} else {
		config.clone_fd = opts.clone_fd;
		config.max_idle_threads = opts.max_idle_threads;
		ret = fuse_session_loop_mt(se, &config);
	}
	ret = ret ? 1 : 0;
	fuse_session_unmount(se);
out_handlers:
	fuse_remove_signal_handlers(se);
out_session:
	fuse_session_destroy(se);
out:
	if (fs_ready) {
		wf_mem_teardown(&fs);
		pthread_mutex_destroy(&fs.lock);
	}
	free(opts.mountpoint);
	free(mo.file_size);
	fuse_opt_free_args(&args);
	return ret;
}
