// SPDX-License-Identifier: GPL-2.0
/*
 * The undo journal's loader and compaction. The input is a journal file, except for its first
 * byte, which says which records the compaction drops (bit i % 8 for the i-th record). The
 * invariant (issue #11, item 6): a journal that loads compacts to exactly the lines of the
 * records kept, byte for byte and in order, and loads back to those records; a journal that
 * does not load is refused by compaction too and left as it was.
 */
#include "fuzz.h" /* first: it sets _GNU_SOURCE */

#include <json-c/json.h>

#include "lib/journal.h"

struct pick {
	uint8_t mask;
	int seen;
};

static bool keep_record(const struct np_change *c, void *ctx)
{
	struct pick *p = ctx;

	(void)c;
	return !(p->mask >> (p->seen++ % 8) & 1);
}

/* The non-empty lines of text, each with its newline (the last one gets one if it lacks it). */
static int split_lines(const char *text, size_t len, const char **lines, size_t *lens, int max)
{
	int n = 0;

	for (const char *p = text, *end = text + len; p < end && n < max;) {
		const char *nl = memchr(p, '\n', end - p);
		size_t l = nl ? (size_t)(nl - p + 1) : (size_t)(end - p);

		if (!(l == 1 && *p == '\n')) {
			lines[n] = p;
			lens[n++] = l;
		}
		p += l;
	}
	return n;
}

/*
 * A line that loads is one JSON object and nothing else (JSON whitespace aside): a NUL or text
 * after the object is a malformed line, not a record (issue #11, item 6).
 */
static void check_whole_object(const char *line, size_t len, int i)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = json_tokener_parse_ex(tok, line, (int)len);
	size_t end = json_tokener_get_parse_end(tok);

	FUZZ_CHECK(o && json_object_is_type(o, json_type_object), "record %d is no object", i);
	for (size_t k = end; k < len; k++)
		FUZZ_CHECK(strchr(" \t\r\n", line[k]) && line[k],
			   "record %d loaded with byte 0x%02x after its object", i,
			   (unsigned char)line[k]);
	json_object_put(o);
	json_tokener_free(tok);
}

/* Every line of a journal that loaded is a whole record. */
static void check_loaded(const char *text, size_t len, int count)
{
	const char *lines[256];
	size_t lens[256];
	int nlines = split_lines(text, len, lines, lens, 256);

	/* the header line may come first: it is no record */
	FUZZ_CHECK(nlines == count || nlines == count + 1, "%d records from %d lines", count,
		   nlines);
	for (int i = 0; i < nlines; i++)
		check_whole_object(lines[i], lens[i], i);
}

/* Whether the original's first line is the header (the lines hold one more than the records). */
static bool starts_with_header(int nlines, int count)
{
	return nlines == count + 1;
}

/* line (len bytes, maybe with its newline) stands at text + *used, then a newline */
static void expect_line(const char *text, size_t len, size_t *used, const char *line,
			size_t line_len, int i)
{
	FUZZ_CHECK(*used + line_len <= len && !memcmp(text + *used, line, line_len),
		   "kept line %d is not its original line byte for byte", i);
	*used += line_len;
	if (!line_len || line[line_len - 1] != '\n') {
		FUZZ_CHECK(*used < len && text[*used] == '\n', "line %d lost its end", i);
		(*used)++;
	}
}

/* The same record: every field, the values by their text (each record has its own copy). */
static bool same_record(const struct np_change *a, const struct np_change *b)
{
	return a->kind == b->kind && a->id == b->id && a->tgid == b->tgid &&
	       a->start_time == b->start_time && !strcmp(a->path, b->path) &&
	       !strcmp(a->old_value, b->old_value) && !strcmp(a->new_value, b->new_value);
}

static void check_compacted(const char *path, const char *orig, size_t orig_len,
			    const struct np_change *before, int count, uint8_t mask, int dropped)
{
	const char *lines[256];
	size_t lens[256], len, used = 0;
	struct np_change *after;
	int nlines, n, bad = 0, kept = 0;
	char *text = fuzz_read_file(path, &len);
	bool header;

	nlines = split_lines(orig, orig_len, lines, lens, 256);
	header = starts_with_header(nlines, count);
	FUZZ_CHECK(nlines == count + header, "%d records from %d lines", count, nlines);
	FUZZ_CHECK(text, "the journal is gone after compaction");
	if (header) /* the header stays first */
		expect_line(text, len, &used, lines[0], lens[0], 0);
	for (int i = 0; i < count; i++) {
		if (mask >> (i % 8) & 1)
			continue;
		kept++;
		/* the record's line as it was, with a newline if it was the last without one */
		expect_line(text, len, &used, lines[i + header], lens[i + header], i + header);
	}
	/* a journal left without records keeps a header, so it stays recognisably ours */
	if (!kept && !header)
		expect_line(text, len, &used, NP_JOURNAL_HEADER, strlen(NP_JOURNAL_HEADER), -1);
	FUZZ_CHECK(used == len, "%zu bytes after the kept records", len - used);
	FUZZ_CHECK(dropped == count - kept, "dropped %d of %d, kept %d", dropped, count, kept);
	FUZZ_CHECK(np_journal_load(path, &after, &n, &bad) == 0,
		   "compacted journal does not load (line %d)", bad);
	FUZZ_CHECK(n == kept, "compacted journal loads %d records, %d were kept", n, kept);
	for (int i = 0, j = 0; i < count; i++) {
		if (mask >> (i % 8) & 1)
			continue;
		FUZZ_CHECK(same_record(&before[i], &after[j]),
			   "record %d loads differently after compaction", i);
		j++;
	}
	np_changes_free(after, n);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[128];
	struct np_change *changes;
	int count, bad = 0, dropped = -1, want = 0, err, load_err;
	struct pick pick;
	size_t len;
	char *text;

	if (size < 1)
		return 0;
	if (!path[0])
		snprintf(path, sizeof(path), "%s/journal", fuzz_scratch_dir());
	fuzz_write_file(path, data + 1, size - 1);
	pick = (struct pick){ .mask = data[0] };

	/* -EPERM: not a journal (nothing, or no record first); -EINVAL: a damaged later line */
	err = np_journal_load(path, &changes, &count, &bad);
	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -EPERM, "load: %d", err);
	FUZZ_CHECK(err != -EINVAL || bad > 1, "damaged without a later line");
	load_err = err;
	if (err == 0 && count > 256) { /* check_compacted's line table; libFuzzer keeps it short */
		np_changes_free(changes, count);
		return 0;
	}
	if (err == 0)
		check_loaded((const char *)data + 1, size - 1, count);
	err = np_journal_compact(path, keep_record, &pick, &dropped);
	if (load_err) {
		/* what does not load is not compacted: refused as load refused it, left as it was */
		text = fuzz_read_file(path, &len);
		/* (an empty file is no journal to load, and nothing to compact) */
		FUZZ_CHECK((err == load_err || (err == 0 && size == 1)) && dropped == 0,
			   "compact of what loads as %d: %d", load_err, err);
		FUZZ_CHECK(text && len == size - 1 && !memcmp(text, data + 1, len),
			   "a malformed journal was changed");
		free(text);
		return 0;
	}
	FUZZ_CHECK(err == 0, "compact of a journal that loads: %d", err);
	FUZZ_CHECK(pick.seen == count, "keep() saw %d of %d records", pick.seen, count);
	for (int i = 0; i < count; i++)
		want += pick.mask >> (i % 8) & 1;
	FUZZ_CHECK(dropped == want, "dropped %d records, keep() refused %d", dropped, want);
	if (dropped == 0) { /* nothing to drop: the file is not written at all */
		text = fuzz_read_file(path, &len);
		FUZZ_CHECK(text && len == size - 1 && !memcmp(text, data + 1, len),
			   "a journal that lost no record was changed");
		free(text);
	} else {
		check_compacted(path, (const char *)data + 1, size - 1, changes, count, pick.mask,
				dropped);
	}
	np_changes_free(changes, count);
	return 0;
}
