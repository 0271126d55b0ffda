#ifndef TOKENFORGE_CLIBXML2_SHIM_H
#define TOKENFORGE_CLIBXML2_SHIM_H

// libxml2 (Debian: libxml2-dev; pkg-config: libxml-2.0): documents are read into a tree, with
// network access and entity substitution off.
// Debian builds libxml2 with ICU; its encoding header would then pull in the system's ICU headers,
// which clash with the copy Foundation carries. Nothing here uses the ICU converter fields (the
// last ones of xmlCharEncodingHandler, only reached through pointers), so they are left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/// Frees memory libxml2 returned (xmlFree is a function pointer variable, awkward from Swift).
static inline void tokenforge_xml_free(void *pointer) { xmlFree(pointer); }

#endif
