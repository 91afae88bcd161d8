/* mount.h — `winfuse mount`: a WinFuse volume as a Linux kernel FUSE mount (docs/mount.md). */
#ifndef WINFUSE_TOOLS_MOUNT_H
#define WINFUSE_TOOLS_MOUNT_H

/* argv[0] is "mount"; returns the exit status: 0, 1 when the file system went away, 2
   when nothing could be mounted, 3 when the file system crashed. */
int wf_mount_main(int argc, char **argv);

#endif
