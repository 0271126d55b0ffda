#include <winscard.h>

/* The protocol control information for a protocol: SCARD_PCI_T0/T1 are macros Swift cannot import. */
static inline const SCARD_IO_REQUEST *cpcsc_pci(DWORD protocol) {
    return protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
}
