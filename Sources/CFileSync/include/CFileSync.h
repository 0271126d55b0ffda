#ifndef CFILESYNC_H
#define CFILESYNC_H

/* syncfs(2) is a GNU extension Swift's Glibc module does not export. */
int cfilesync_syncfs(int fd);

/* renameat2(2) with RENAME_NOREPLACE: fails with EEXIST rather than replace what is at `to`
   (rename(2) silently replaces an empty directory). */
int cfilesync_rename_noreplace(const char *from, const char *to);

/* A new file in `directory` without a name (open O_TMPFILE), so that a process killed while
   writing it leaves nothing behind; -1 with errno EOPNOTSUPP, EISDIR or EINVAL where the file
   system or the kernel has no unnamed files, or /proc is not mounted. */
int cfilesync_open_unnamed(const char *directory, unsigned int mode);

/* Gives the unnamed file open as `fd` the name `path`; fails with EEXIST rather than replace
   what is there. */
int cfilesync_link_unnamed(int fd, const char *path);

/* flock(2) LOCK_EX, which Swift cannot call (the name is also a struct's). */
int cfilesync_lock_exclusive(int fd);

/* Removes the regular file at `path` if no process holds a flock(2) on it (its writer holds
   one until the file has its final name, so a free lock means the writer was killed); 1 when
   nothing is left at `path`, 0 when a writer still holds it or it cannot be removed. */
int cfilesync_remove_abandoned(const char *path);

#endif
