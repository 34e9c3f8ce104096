#define _GNU_SOURCE
#include "clinux.h"

#include <linux/openat2.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/epoll.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <pthread.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sched.h>
#include <unistd.h>

int ctr_openat2(int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve) {
    struct open_how how = {0};
    how.flags = (uint64_t)flags;
    how.mode = (uint64_t)mode;
    how.resolve = resolve;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

int ctr_set_child_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

int ctr_set_parent_death_signal(int signal) { return prctl(PR_SET_PDEATHSIG, signal, 0, 0, 0); }

int ctr_set_window_size(int fd, unsigned short rows, unsigned short columns) {
    struct winsize size = {0};
    size.ws_row = rows;
    size.ws_col = columns;
    return ioctl(fd, TIOCSWINSZ, &size);
}

dev_t ctr_makedev(unsigned int major, unsigned int minor) { return makedev(major, minor); }

int ctr_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

static int sigchld_pipe[2] = {-1, -1};

static void on_sigchld(int signal) {
    (void)signal;
    int saved = errno;
    char byte = 1;
    ssize_t ignored = write(sigchld_pipe[1], &byte, 1);
    (void)ignored;
    errno = saved;
}

int ctr_sigchld_fd(void) {
    if (pipe2(sigchld_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_sigchld;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    if (sigaction(SIGCHLD, &action, NULL) != 0) return -1;
    return sigchld_pipe[0];
}

void ctr_drain_pipe(int fd) {
    char buffer[64];
    while (read(fd, buffer, sizeof(buffer)) > 0) {
    }
}

int ctr_receive_fd(int socket) {
    char data[1];
    struct iovec iov = {.iov_base = data, .iov_len = sizeof(data)};
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof(control));
    struct msghdr message = {0};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof(control);
    if (recvmsg(socket, &message, MSG_CMSG_CLOEXEC) < 0) return -1;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) {
            int fd;
            memcpy(&fd, CMSG_DATA(header), sizeof(int));
            return fd;
        }
    }
    return -1;
}

int ctr_accept_cloexec(int fd) { return accept4(fd, NULL, NULL, SOCK_CLOEXEC); }

int ctr_spawn_close_from(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

int ctr_limit_malloc_arenas(int count) { return mallopt(M_ARENA_MAX, count); }

struct ctr_netns_pin {
    const char *path;
    int error;
};

static void *ctr_netns_pin_thread(void *argument) {
    struct ctr_netns_pin *pin = argument;
    if (unshare(CLONE_NEWNET) != 0) {
        pin->error = errno;
    } else if (mount("/proc/thread-self/ns/net", pin->path, "none", MS_BIND, NULL) != 0) {
        pin->error = errno;
    } else {
        pin->error = 0;
    }
    return NULL;
}

int ctr_pin_new_netns(const char *path) {
    struct ctr_netns_pin pin = { path, 0 };
    pthread_t thread;
    int error = pthread_create(&thread, NULL, ctr_netns_pin_thread, &pin);
    if (error != 0) return error;
    pthread_join(thread, NULL);
    return pin.error;
}

int ctr_enter_netns(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    int result = setns(fd, CLONE_NEWNET) == 0 ? 0 : errno;
    close(fd);
    return result;
}

int ctr_get_window_size(int fd, unsigned short *rows, unsigned short *columns) {
    struct winsize size = {0};
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return -1;
    *rows = size.ws_row;
    *columns = size.ws_col;
    return 0;
}

static int sigwinch_pipe[2] = {-1, -1};

static void on_sigwinch(int signal) {
    (void)signal;
    int saved = errno;
    char byte = 0;
    if (write(sigwinch_pipe[1], &byte, 1) < 0) { /* full: a resize is already pending */ }
    errno = saved;
}

int ctr_sigwinch_fd(void) {
    if (sigwinch_pipe[0] >= 0) return sigwinch_pipe[0];
    if (pipe2(sigwinch_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_sigwinch;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(SIGWINCH, &action, NULL) != 0) return -1;
    return sigwinch_pipe[0];
}

static int sigint_pipe[2] = {-1, -1};

static void on_sigint(int signal) {
    (void)signal;
    int saved = errno;
    char byte = 0;
    if (write(sigint_pipe[1], &byte, 1) < 0) { /* full: an interrupt is already pending */ }
    errno = saved;
}

int ctr_sigint_fd(void) {
    if (sigint_pipe[0] < 0 && pipe2(sigint_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(SIGINT, &action, NULL) != 0) return -1;
    return sigint_pipe[0];
}

int ctr_pidfd_open(int pid) {
#ifdef SYS_pidfd_open
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0) fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
#else
    errno = ENOSYS;
    return -1;
#endif
}

int ctr_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int ctr_epoll_add(int epoll, int fd) {
    struct epoll_event event = { .events = EPOLLIN, .data = { .fd = fd } };
    return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
}

int ctr_epoll_remove(int epoll, int fd) { return epoll_ctl(epoll, EPOLL_CTL_DEL, fd, NULL); }

int ctr_epoll_wait(int epoll, int *fds, int count, int timeout_ms) {
    struct epoll_event events[64];
    if (count > 64) count = 64;
    int ready = epoll_wait(epoll, events, count, timeout_ms);
    for (int i = 0; i < ready; i++) fds[i] = events[i].data.fd;
    return ready;
}

unsigned long ctr_malloc_free_bytes(void) { return (unsigned long)mallinfo2().fordblks; }

int ctr_malloc_trim(void) { return malloc_trim(0); }
