#ifndef CTR_CLINUX_H
#define CTR_CLINUX_H

// System calls Swift cannot reach directly: variadic wrappers (prctl, ioctl, syscall) and calls
// glibc does not wrap (openat2).

#include <spawn.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/types.h>
#include <sys/xattr.h>

#define CTR_RESOLVE_NO_XDEV 0x01
#define CTR_RESOLVE_NO_MAGICLINKS 0x02
#define CTR_RESOLVE_NO_SYMLINKS 0x04
#define CTR_RESOLVE_BENEATH 0x08
#define CTR_RESOLVE_IN_ROOT 0x10

/// openat2(2): opens `path` relative to `dirfd` with `resolve` flags (RESOLVE_IN_ROOT confines
/// every step of the lookup, symlinks and `..` included, to `dirfd`). Returns -1 and sets errno.
int ctr_openat2(int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve);

/// prctl(PR_SET_CHILD_SUBREAPER, 1).
int ctr_set_child_subreaper(void);

/// prctl(PR_SET_PDEATHSIG, signal).
int ctr_set_parent_death_signal(int signal);

/// ioctl(fd, TIOCSWINSZ) with the given size.
int ctr_set_window_size(int fd, unsigned short rows, unsigned short columns);

/// pipe2(fds, O_CLOEXEC).
int ctr_pipe_cloexec(int fds[2]);

/// Installs a SIGCHLD handler (whichever thread receives the signal) that writes a byte to a
/// pipe, and returns the pipe's read end (close-on-exec, non-blocking) for poll.
int ctr_sigchld_fd(void);

/// Drains that pipe after poll reported it readable.
void ctr_drain_pipe(int fd);

/// Receives one file descriptor sent with SCM_RIGHTS on a connected Unix socket; -1 on failure.
int ctr_receive_fd(int socket);

/// accept4(fd, NULL, NULL, SOCK_CLOEXEC).
int ctr_accept_cloexec(int fd);

/// posix_spawn_file_actions_addclosefrom_np: close every descriptor from `from` up in the child.
int ctr_spawn_close_from(posix_spawn_file_actions_t *actions, int from);

/// makedev(3).
dev_t ctr_makedev(unsigned int major, unsigned int minor);

/// mallopt(M_ARENA_MAX, count): at most `count` malloc arenas.
int ctr_limit_malloc_arenas(int count);

/// Creates a network namespace and pins it by bind-mounting it on `path` (an existing file):
/// a short-lived thread unshares its network namespace and mounts /proc/thread-self/ns/net, so
/// neither the process nor its other threads change namespace. Returns 0 or an errno value.
int ctr_pin_new_netns(const char *path);

/// Moves the calling thread into the network namespace pinned at `path` (setns). Only for a
/// thread that ends afterwards: the process's other threads stay where they are. 0 or an errno value.
int ctr_enter_netns(const char *path);

/// The terminal size of `fd` (TIOCGWINSZ); 0 on success.
int ctr_get_window_size(int fd, unsigned short *rows, unsigned short *columns);

/// A pipe that receives a byte on every SIGWINCH (a handler is installed); its read end, or -1.
int ctr_sigwinch_fd(void);

/// A pipe that receives a byte on every SIGINT; (re)installs the handler each call (a command may
/// have changed it) and returns the same read end, or -1.
int ctr_sigint_fd(void);

/// A pidfd for `pid` (close-on-exec), or -1 with errno set (ENOSYS before Linux 5.3).
int ctr_pidfd_open(int pid);

/// An epoll set (close-on-exec), or -1.
int ctr_epoll_create(void);

/// Adds `fd` to `epoll` for readability; 0 or -1 with errno set.
int ctr_epoll_add(int epoll, int fd);

/// Removes `fd` from `epoll`.
int ctr_epoll_remove(int epoll, int fd);

/// Waits for readable descriptors of `epoll` and stores up to `count` of them in `fds`; how many,
/// or -1 with errno set.
int ctr_epoll_wait(int epoll, int *fds, int count, int timeout_ms);

/// Bytes malloc holds free in all its arenas (mallinfo2's fordblks).
unsigned long ctr_malloc_free_bytes(void);

/// Returns free memory at the top of and inside malloc's arenas to the system (malloc_trim(0)).
int ctr_malloc_trim(void);

#endif
