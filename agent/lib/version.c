// SPDX-License-Identifier: GPL-2.0
/* The build's version (version.h); a build outside git or the Makefile gets the fallback. */
#include "lib/version.h"

#ifndef NP_VERSION
#define NP_VERSION "0.1.0"
#endif

const char np_version[] = NP_VERSION;
