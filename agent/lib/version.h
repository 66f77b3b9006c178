/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The build's version, one home for it: `numaplace --version` and every JSON document's
 * "version" read it. The Makefile sets it from `git describe` (NP_VERSION) for version.c alone,
 * so that a new commit recompiles one file.
 */
#ifndef NP_VERSION_H
#define NP_VERSION_H

extern const char np_version[];

#endif
