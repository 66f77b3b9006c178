/* SPDX-License-Identifier: GPL-2.0 */
/* `numaplace topo` output: the operator's table and the stable JSON document. */
#ifndef NP_TOPO_OUTPUT_H
#define NP_TOPO_OUTPUT_H

#include <stdio.h>
#include <json-c/json.h>

#include "topo/measure.h"
#include "topo/topo.h"

/* Version of the JSON layout; bumped only on incompatible changes. */
#define NP_TOPO_SCHEMA 2

struct json_object *np_topo_to_json(const struct np_topo *topo);
void np_topo_print_text(const struct np_topo *topo, FILE *out);

/* The measured matrix (topo_measure.c): two tables, and the "measure" object (all null when
 * !m->valid: never measured). */
void np_measure_print_text(const struct np_measure *m, FILE *out);
struct json_object *np_measure_to_json(const struct np_measure *m);

#endif
