#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "CFileSync.h"

int cfilesync_open_unnamed(const char *directory, unsigned int mode) {
    /* Linking it later goes through /proc/self/fd (linkat AT_EMPTY_PATH needs a capability). */
    if (access("/proc/self/fd", X_OK) != 0) {
        errno = EOPNOTSUPP;
        return -1;
    }
    return open(directory, O_TMPFILE | O_WRONLY | O_CLOEXEC, (mode_t)mode);
}

int cfilesync_link_unnamed(int fd, const char *path) {
    char source[64];
    snprintf(source, sizeof source, "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, source, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
}

int cfilesync_remove_abandoned(const char *path) {
    struct stat before;
    if (lstat(path, &before) != 0) return errno == ENOENT;
    if (!S_ISREG(before.st_mode)) return 0; /* never open a device, FIFO, link or directory */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT;
    int removed = 0;
    struct stat opened, named;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &opened) == 0 && S_ISREG(opened.st_mode)
        && lstat(path, &named) == 0 && opened.st_dev == named.st_dev && opened.st_ino == named.st_ino)
        removed = unlink(path) == 0 || errno == ENOENT;
    close(fd);
    return removed;
}

int cfilesync_lock_exclusive(int fd) {
    return flock(fd, LOCK_EX);
}
