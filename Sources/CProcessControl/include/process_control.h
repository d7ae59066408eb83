#ifndef HAVEN_PROCESS_CONTROL_H
#define HAVEN_PROCESS_CONTROL_H

/// System calls Swift cannot reach directly. prctl(2) is variadic: these wrap the two uses Haven
/// makes of it.

/// Marks the process non-dumpable: no core dump, and another process of the same user can
/// neither ptrace it nor read /proc/PID/mem or /proc/PID/environ. Returns 0 on success.
int haven_set_not_dumpable(void);

/// 1 if the process is dumpable, 0 if not, -1 on error.
int haven_is_dumpable(void);

/// 1 if `path` is on a filesystem kept in memory (tmpfs or ramfs), 0 if not, -1 if it cannot
/// be checked. statfs(2)'s struct is not visible to Swift through Glibc, hence this wrapper.
int haven_is_memory_backed(const char *path);

#endif
