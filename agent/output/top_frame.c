// SPDX-License-Identifier: GPL-2.0
/* `numaplace top`'s frame laid out as lines (top_frame.h). */
#define _GNU_SOURCE /* strcasestr */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/cpulist.h"
#include "output/top_frame.h"

#define NAME_W	15
#define UNIT_W	20
#define FIXED_W 63 /* the columns of a row without its two bars */

/* A line being written: text beyond the width is cut, never wrapped. */
struct line {
	char *buf;
	int len, width;
};

static void put(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= l->width)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, l->width - l->len + 1, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += n < l->width - l->len ? n : l->width - l->len;
}

const char *np_top_sort_name(enum np_top_sort sort)
{
	static const char *const names[] = { "remote", "mem", "cpu" };

	return sort < NP_TOP_SORT_COUNT ? names[sort] : "?";
}

static double row_sum(const double *v)
{
	double sum = 0;

	for (int n = 0; n < NP_BPF_MAX_NODES; n++)
		sum += v[n];
	return sum;
}

static double sort_value(const struct np_top_row *r, enum np_top_sort sort)
{
	switch (sort) {
	case NP_TOP_SORT_MEM:
		return row_sum(r->mem_mb);
	case NP_TOP_SORT_CPU:
		return row_sum(r->cpus);
	default:
		return isnan(r->remote_ratio) ? -1 : r->remote_ratio;
	}
}

static enum np_top_sort sort_key;

static int cmp_rows(const void *a, const void *b)
{
	const struct np_top_row *ra = a, *rb = b;
	double va = sort_value(ra, sort_key), vb = sort_value(rb, sort_key);

	if (va != vb)
		return va < vb ? 1 : -1;
	/* equals (every local process at 0%): the busiest first */
	va = row_sum(ra->cpus);
	vb = row_sum(rb->cpus);
	if (va != vb)
		return va < vb ? 1 : -1;
	return np_int_cmp(&ra->pid, &rb->pid);
}

void np_top_sort(struct np_top_row *rows, int nrows, enum np_top_sort sort)
{
	sort_key = sort; /* qsort has no context argument; top sorts from one thread */
	qsort(rows, nrows, sizeof(*rows), cmp_rows);
}

bool np_top_visible(const struct np_top_row *row, const char *filter)
{
	char pid[16];

	if (!filter || !*filter)
		return true;
	snprintf(pid, sizeof(pid), "%d", row->pid);
	return strcasestr(row->name, filter) || strcasestr(row->unit, filter) ||
	       strstr(pid, filter);
}

/* The widths of a row's parts for this frame and width. */
struct columns {
	int cell;  /* characters per node in a bar */
	int bar;   /* a bar's width */
	bool unit; /* the UNIT column */
	int why;   /* the WHY column's width, 0 none */
};

static struct columns columns(int nnodes, int width)
{
	struct columns c = { .cell = 1 };
	int unit_w, wider;

	if (nnodes < 1)
		nnodes = 1;
	/* at 80 columns a bar has 8 characters; more width makes the cells wider, up to 6 */
	c.bar = nnodes > 8 ? nnodes : 8;
	if ((8 - (nnodes - 1)) / nnodes >= 2)
		c.cell = (8 - (nnodes - 1)) / nnodes;
	c.unit = width >= FIXED_W + 2 * c.bar + UNIT_W + 1 + 21;
	unit_w = c.unit ? UNIT_W + 1 : 0;
	while (c.cell < 6) {
		wider = nnodes * (c.cell + 1) + nnodes - 1;
		if (wider < c.bar)
			wider = c.bar;
		if (FIXED_W + 2 * wider + unit_w + 21 > width)
			break;
		c.cell++;
		c.bar = wider;
	}
	c.why = width - (FIXED_W + 2 * c.bar + unit_w) - 1;
	if (c.why < 6)
		c.why = 0;
	return c;
}

/*
 * A bar of a row's values by node: each node's cell filled as its share of the row's total.
 * One character per node reads as a level (" .:-=+*#%@"), wider cells as '#' and '.'.
 */
static void bar(struct line *l, const struct np_top_frame *f, const double *v,
		const struct columns *c)
{
	static const char levels[] = " .:-=+*#%@";
	double total = row_sum(v);
	int used = 0;

	for (int i = 0; i < f->nnodes; i++) {
		int id = f->nodes[i].id;
		double share = total > 0 && id >= 0 && id < NP_BPF_MAX_NODES ? v[id] / total : 0;

		if (c->cell == 1) {
			put(l, "%c", levels[(int)(share * 9 + 0.5)]);
			used++;
			continue;
		}
		if (i) {
			put(l, "|");
			used++;
		}
		for (int k = 0; k < c->cell; k++)
			put(l, "%c", k < (int)(share * c->cell + 0.5) ? '#' : '.');
		used += c->cell;
	}
	put(l, "%*s", c->bar - used, "");
}

/* "812", "12.3G": memory in at most 6 characters. */
static void mem_text(double mb, char *buf, size_t len)
{
	if (mb < 10000)
		snprintf(buf, len, "%.0f", mb);
	else
		snprintf(buf, len, "%.1fG", mb / 1024);
}

static void row_line(struct line *l, const struct np_top_frame *f, const struct np_top_row *r,
		     const struct columns *c)
{
	char mem[16], remote[8], target[8];

	mem_text(row_sum(r->mem_mb), mem, sizeof(mem));
	if (isnan(r->remote_ratio))
		snprintf(remote, sizeof(remote), "-");
	else
		snprintf(remote, sizeof(remote), "%.0f%%", r->remote_ratio * 100);
	if (r->target_node == NP_NO_NODE)
		snprintf(target, sizeof(target), "-");
	else
		snprintf(target, sizeof(target), "%d", r->target_node);
	put(l, "%7d %-*.*s ", r->pid, NAME_W, NAME_W, r->name);
	if (c->unit)
		put(l, "%-*.*s ", UNIT_W, UNIT_W, r->unit[0] ? r->unit : "-");
	put(l, "%4d %5.2f ", r->nthreads, row_sum(r->cpus));
	bar(l, f, r->cpus, c);
	put(l, " %6s ", mem);
	bar(l, f, r->mem_mb, c);
	put(l, " %6s %3s %-8.8s", remote, target, r->run[0] ? r->run : "-");
	/* a reason cut short says so */
	if (c->why && (int)strlen(r->why) > c->why)
		put(l, " %.*s...", c->why - 3, r->why);
	else if (c->why)
		put(l, " %s", r->why);
}

static void column_header(struct line *l, const struct columns *c)
{
	put(l, "%7s %-*s ", "PID", NAME_W, "NAME");
	if (c->unit)
		put(l, "%-*s ", UNIT_W, "UNIT");
	put(l, "%4s %5s %-*.*s %6s %-*.*s %6s %3s %-8s", "THR", "CPUS", c->bar, c->bar, "CPU/NODE",
	    "MEM MB", c->bar, c->bar, "MEM/NODE", "REMOTE", "TGT", "RUN");
	if (c->why)
		put(l, " WHY");
}

static void title(struct line *l, const struct np_top_frame *f, int shown, int total)
{
	time_t t = (time_t)f->time_s;
	struct tm tm;
	char when[16] = "";

	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	put(l, "numaplace top  %s  %s  every %.1f s  sort %s  %d of %d processes",
	    f->host ? f->host : "", when, f->interval_s, np_top_sort_name(f->sort), shown, total);
	if (f->filter && *f->filter)
		put(l, "  filter '%s'", f->filter);
}

static void node_line(struct line *l, const struct np_top_node *n)
{
	put(l, "node %d  cpu %.1f/%d busy  mem %llu/%llu MB free  autonuma %llu pg", n->id,
	    n->cpus_busy, n->ncpus, n->mem_free_mb, n->mem_total_mb, n->migrated_pages);
	if (n->devices[0])
		put(l, "  %s", n->devices);
}

static void keys_line(struct line *l)
{
	put(l, "q quit  s sort  / filter  d detail  p plan  P place  r restore  up/down select");
}

/* The lines of a frame, appended to out; NULL when memory ran out. */
struct layout {
	struct np_top_lines *out;
	int width;
	bool failed;
};

static struct line *next_line(struct layout *y, struct line *l)
{
	char **grown = realloc(y->out->lines, sizeof(char *) * (y->out->nlines + 1));

	l->buf = calloc(1, y->width + 1);
	l->len = 0;
	l->width = y->width;
	if (!grown || !l->buf) {
		free(l->buf);
		if (grown)
			y->out->lines = grown;
		y->failed = true;
		l->buf = NULL;
		return NULL;
	}
	y->out->lines = grown;
	y->out->lines[y->out->nlines++] = l->buf;
	return l;
}

/* The visible rows, and where the selected one is among them (-1: not there). */
static int visible_rows(const struct np_top_frame *f, const struct np_top_row **vis, int *sel)
{
	int n = 0;

	*sel = -1;
	for (int i = 0; i < f->nrows; i++) {
		if (!np_top_visible(&f->rows[i], f->filter))
			continue;
		if (f->rows[i].pid == f->selected)
			*sel = n;
		vis[n++] = &f->rows[i];
	}
	return n;
}

/* How many lines the rows and the detail pane get out of room (height 0: all they need). */
static void split(const struct np_top_frame *f, int height, int room, int nvis, int *rows,
		  int *detail)
{
	*detail = f->ndetail ? f->ndetail + 1 : 0;
	*rows = nvis;
	if (!height)
		return;
	if (room < 0)
		room = 0;
	if (*detail > room / 2)
		*detail = room / 2;
	*rows = room - *detail < nvis ? room - *detail : nvis;
}

static void body(struct layout *y, const struct np_top_frame *f, const struct np_top_row **vis,
		 int nvis, int sel, int nrows, int ndetail)
{
	struct columns c = columns(f->nnodes, y->width);
	int first = sel >= nrows ? sel - nrows + 1 : 0;
	struct line l;

	if (next_line(y, &l))
		column_header(&l, &c);
	for (int i = first; i < first + nrows && i < nvis; i++) {
		if (i == sel)
			y->out->selected_line = y->out->nlines;
		if (next_line(y, &l))
			row_line(&l, f, vis[i], &c);
	}
	for (int i = 0; i < ndetail; i++) {
		if (!next_line(y, &l))
			continue;
		if (i) {
			put(&l, "%s", f->detail[i - 1]);
			continue;
		}
		put(&l, "---- pid %d ", f->selected);
		while (l.len < l.width)
			put(&l, "-");
	}
}

int np_top_layout(const struct np_top_frame *f, int width, int height, struct np_top_lines *out)
{
	const struct np_top_row **vis = calloc(f->nrows + 1, sizeof(*vis));
	struct layout y = { .out = out, .width = width };
	int nvis, sel, fixed, nrows, ndetail;
	struct line l;

	memset(out, 0, sizeof(*out));
	out->selected_line = -1;
	if (!vis)
		return -ENOMEM;
	nvis = visible_rows(f, vis, &sel);
	/* title, nodes, column header; then the message and the keys when there are */
	fixed = 2 + f->nnodes + (f->message ? 1 : 0) + (f->keys ? 1 : 0);
	split(f, height, height - fixed, nvis, &nrows, &ndetail);
	if (next_line(&y, &l))
		title(&l, f, nvis, f->nrows);
	for (int i = 0; i < f->nnodes; i++)
		if (next_line(&y, &l))
			node_line(&l, &f->nodes[i]);
	body(&y, f, vis, nvis, sel, nrows, ndetail);
	/* the interactive view keeps its message and keys at the bottom */
	while (height && f->keys && out->nlines < height - 1 - (f->message ? 1 : 0))
		if (!next_line(&y, &l))
			break;
	if (f->message && next_line(&y, &l))
		put(&l, "%s", f->message);
	if (f->keys && next_line(&y, &l))
		keys_line(&l);
	free(vis);
	/* a height too small even for the headers: the first lines */
	while (height && out->nlines > height)
		free(out->lines[--out->nlines]);
	if (y.failed) {
		np_top_lines_free(out);
		return -ENOMEM;
	}
	return 0;
}

void np_top_lines_free(struct np_top_lines *lines)
{
	for (int i = 0; i < lines->nlines; i++)
		free(lines->lines[i]);
	free(lines->lines);
	memset(lines, 0, sizeof(*lines));
	lines->selected_line = -1;
}
