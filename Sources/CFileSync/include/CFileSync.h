#ifndef CFILESYNC_H
#define CFILESYNC_H

/* syncfs(2) is a GNU extension Swift's Glibc module does not export. */
int cfilesync_syncfs(int fd);

#endif
