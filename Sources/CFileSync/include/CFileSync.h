#ifndef CFILESYNC_H
#define CFILESYNC_H

/* syncfs(2) is a GNU extension Swift's Glibc module does not export. */
int cfilesync_syncfs(int fd);

/* renameat2(2) with RENAME_NOREPLACE: fails with EEXIST rather than replace what is at `to`
   (rename(2) silently replaces an empty directory). */
int cfilesync_rename_noreplace(const char *from, const char *to);

#endif
