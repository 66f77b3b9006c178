// SPDX-License-Identifier: GPL-2.0
/* Shared mapped files printed (shared_output.h). */
#include "lib/text_escape.h"
#include "output/json_text.h"
#include "output/shared_output.h"
#include "output/text_wrap.h"

static struct json_object *sharer_json(const struct np_shared_sharer *s)
{
	struct json_object *o = json_object_new_object();
	char comm[sizeof(s->comm) + 1];

	snprintf(comm, sizeof(comm), "%.*s", (int)sizeof(s->comm), s->comm);
	json_object_object_add(o, "pid", json_object_new_int(s->pid));
	json_object_object_add(o, "comm", np_json_text(comm));
	json_object_object_add(o, "node", s->node >= 0 ? json_object_new_int(s->node) : NULL);
	return o;
}

struct json_object *np_shared_files_json(const struct np_shared_files *sf)
{
	struct json_object *files = json_object_new_array();

	for (int i = 0; sf && i < sf->nfiles; i++) {
		const struct np_shared_file *f = &sf->files[i];
		struct json_object *o = json_object_new_object(),
				   *sharers = json_object_new_array();

		for (int s = 0; s < f->nsharers; s++)
			json_object_array_add(sharers, sharer_json(&f->sharers[s]));
		json_object_object_add(o, "path", np_json_text(f->path));
		json_object_object_add(o, "pages", json_object_new_uint64(f->pages));
		json_object_object_add(o, "sharers", sharers);
		json_object_object_add(o, "sharers_cut", json_object_new_boolean(f->sharers_cut));
		json_object_object_add(o, "conflict", json_object_new_boolean(f->conflict));
		json_object_array_add(files, o);
	}
	return files;
}

void np_shared_files_print(const struct np_shared_files *sf, pid_t pid, const char *comm, int node,
			   const char *prefix, FILE *out)
{
	char line[1024], shown[sizeof(line) * 4];
	int indent = np_text_cols(prefix) < 8 ? np_text_cols(prefix) + 2 : np_text_cols(prefix);

	for (int i = 0; sf && i < sf->nfiles; i++) {
		np_shared_file_text(&sf->files[i], pid, comm, node, line, sizeof(line));
		/* names and paths others chose: no raw control byte reaches the terminal */
		np_text_escape(line, shown, sizeof(shown));
		/* wrapped under the prefix, or under its first words when the prefix is short */
		np_text_wrap(out, prefix, indent, shown);
	}
}
