#include "process_control.h"
#include <sys/prctl.h>
#include <sys/vfs.h>
#include <linux/magic.h>

int haven_set_not_dumpable(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

int haven_is_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }

int haven_is_memory_backed(const char *path) {
  struct statfs info;
  if (statfs(path, &info) != 0) return -1;
  return (info.f_type == TMPFS_MAGIC || info.f_type == RAMFS_MAGIC) ? 1 : 0;
}
