// SPDX-License-Identifier: GPL-2.0
/*
 * `numaplace top`'s interactive view: ncurses draws the lines output/top_frame.c lays out,
 * reads keys between the sampler's polls, follows resizes (KEY_RESIZE) and needs nothing but
 * a terminal of 80x24 or more: no mouse, no colour, plain ASCII, so it works over SSH.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/top.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/np_common.h"

#define MIN_W 80
#define MIN_H 24

enum { TOP_KEY_NONE, TOP_KEY_QUIT, TOP_KEY_DONE };

/* Until it grows: what is wrong, in what room there is. */
static void too_small(int w, int h)
{
	erase();
	mvprintw(0, 0, "%.*s", w, "numaplace top needs a terminal of at least 80x24;");
	if (h > 1)
		mvprintw(1, 0, "%.*s", w, "this one is smaller. Make it bigger, or q to quit.");
	if (h > 2)
		mvprintw(2, 0, "(%dx%d)", w, h);
	refresh();
}

static void draw(struct np_top *t)
{
	struct np_top_frame f;
	struct np_top_lines l;
	int w, h;

	getmaxyx(stdscr, h, w);
	if (w < MIN_W || h < MIN_H) {
		too_small(w, h);
		return;
	}
	np_top_frame(t, &f, true);
	if (np_top_layout(&f, w, h, &l))
		return;
	erase();
	for (int i = 0; i < l.nlines; i++) {
		if (i == l.selected_line)
			attron(A_REVERSE);
		mvaddnstr(i, 0, l.lines[i], w);
		if (i == l.selected_line)
			attroff(A_REVERSE);
	}
	refresh();
	np_top_lines_free(&l);
}

/* The visible rows' pids in display order, to move the selection by. */
static void move_selection(struct np_top *t, int by)
{
	int at = -1, last = -1;
	pid_t *vis = calloc(t->nrows + 1, sizeof(*vis));

	if (!vis)
		return;
	for (int i = 0; i < t->nrows; i++)
		if (np_top_visible(&t->rows[i], t->filter)) {
			if (t->rows[i].pid == t->selected)
				at = last + 1;
			vis[++last] = t->rows[i].pid;
		}
	if (last >= 0) {
		at = at < 0 ? 0 : at + by;
		t->selected = vis[at < 0 ? 0 : at > last ? last : at];
	}
	free(vis);
}

/* A line of text typed on the message line; Esc leaves buf as it was. */
static void read_text(struct np_top *t, const char *prompt, char *buf, size_t len)
{
	char text[64];
	size_t n = 0;
	int ch;

	snprintf(text, sizeof(text), "%s", buf);
	n = strlen(text);
	for (;;) {
		snprintf(t->message, sizeof(t->message), "%s%s_", prompt, text);
		draw(t);
		np_sampler_poll(t->sampler, 0);
		ch = getch();
		if (ch == '\n' || ch == KEY_ENTER || ch == 27)
			break;
		if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n)
			text[--n] = '\0';
		else if (ch >= 32 && ch < 127 && n + 1 < sizeof(text) && n + 1 < len)
			text[n++] = (char)ch, text[n] = '\0';
	}
	if (ch != 27)
		snprintf(buf, len, "%s", text);
	t->message[0] = '\0';
}

/* y or n, asked on the message line. */
static bool confirm(struct np_top *t, const char *question)
{
	int ch;

	snprintf(t->message, sizeof(t->message), "%s (y/n)", question);
	draw(t);
	do {
		np_sampler_poll(t->sampler, 0);
		ch = getch();
	} while (ch == ERR || ch == KEY_RESIZE);
	t->message[0] = '\0';
	return ch == 'y' || ch == 'Y';
}

/* text cut into lines in place; returns how many (at most max). */
static int split_lines(char *text, char **lines, int max)
{
	int n = 0;

	for (char *p = text; p && *p && n < max; n++) {
		lines[n] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = '\0';
	}
	return n;
}

static void pager_draw(const char *title, char **lines, int n, int first, const char *bottom)
{
	int w, h;

	getmaxyx(stdscr, h, w);
	erase();
	attron(A_REVERSE);
	mvaddnstr(0, 0, title, w);
	attroff(A_REVERSE);
	for (int i = 0; i + 1 < h - 1 && first + i < n; i++)
		mvaddnstr(i + 1, 0, lines[first + i], w);
	mvaddnstr(h - 1, 0, bottom, w);
	refresh();
}

/*
 * A command's words on the whole screen, scrolled with the arrows, j/k or space. With a
 * question: true on y. Without: any other key closes it.
 */
static bool pager(struct np_top *t, const char *title, char *text, const char *question)
{
	char *lines[1000], bottom[160];
	int n = split_lines(text, lines, 1000), first = 0, ch, h, w;

	snprintf(bottom, sizeof(bottom), "%s", question ? question : "any key: back to the view");
	for (;;) {
		getmaxyx(stdscr, h, w);
		(void)w;
		pager_draw(title, lines, n, first, bottom);
		do {
			np_sampler_poll(t->sampler, 0);
			ch = getch();
		} while (ch == ERR);
		if (ch == KEY_DOWN || ch == 'j' || ch == ' ' || ch == KEY_NPAGE)
			first += ch == ' ' || ch == KEY_NPAGE ? h - 2 : 1;
		else if (ch == KEY_UP || ch == 'k' || ch == KEY_PPAGE)
			first -= ch == KEY_PPAGE ? h - 2 : 1;
		else if (ch != KEY_RESIZE)
			break;
		first = first > n - 1 ? n - 1 : first < 0 ? 0 : first;
	}
	return question && (ch == 'y' || ch == 'Y');
}

/* numaplace with these arguments, its words in the pager; the exit code (-1: did not run). */
static int run_shown(struct np_top *t, const char *title, char *const argv[], char **output)
{
	int rc;

	snprintf(t->message, sizeof(t->message), "running: %s ...", title);
	draw(t);
	rc = np_top_run(argv, output);
	t->message[0] = '\0';
	if (rc < 0)
		snprintf(t->message, sizeof(t->message), "%s: could not run numaplace", title);
	return rc;
}

/* p: the plan; P: the plan, then place after a y. Both are `numaplace place` itself. */
static void plan_and_place(struct np_top *t, bool place)
{
	char pid[16], title[96], *out = NULL;
	char *dry[] = { "numaplace", "place", "--pid", pid, "--dry-run", NULL };
	char *act[] = { "numaplace", "place", "--pid", pid, NULL };
	int rc;

	if (!t->selected)
		return;
	snprintf(pid, sizeof(pid), "%d", t->selected);
	snprintf(title, sizeof(title), "numaplace place --pid %s --dry-run", pid);
	rc = run_shown(t, title, dry, &out);
	if (rc < 0 || !out)
		goto out;
	if (!place || rc) {
		pager(t, title, out, NULL);
		goto out;
	}
	snprintf(title, sizeof(title), "place pid %s as planned? (y/n, arrows scroll)", pid);
	if (!pager(t, "the plan of numaplace place --pid", out, title))
		goto out;
	free(out);
	snprintf(title, sizeof(title), "numaplace place --pid %s", pid);
	if (run_shown(t, title, act, &out) >= 0 && out)
		pager(t, title, out, NULL);
out:
	free(out);
}

/* r: `numaplace restore` after a y: it undoes every change of the journal, not one process. */
static void restore(struct np_top *t)
{
	char *argv[] = { "numaplace", "restore", NULL }, *out = NULL;

	if (!confirm(t, "restore every change numaplace's journal holds (all processes)?"))
		return;
	if (run_shown(t, "numaplace restore", argv, &out) >= 0 && out)
		pager(t, "numaplace restore", out, NULL);
	free(out);
}

static int key(struct np_top *t, int ch)
{
	switch (ch) {
	case 'q':
	case 'Q':
		return TOP_KEY_QUIT;
	case 's':
	case 'S':
		t->sort = (t->sort + (ch == 's' ? 1 : NP_TOP_SORT_COUNT - 1)) % NP_TOP_SORT_COUNT;
		break;
	case '/':
		read_text(t,
			  "filter (pid, name or unit; Enter to apply, Esc to cancel): ", t->filter,
			  sizeof(t->filter));
		break;
	case '\n':
	case KEY_ENTER:
	case 'd':
		t->detail = !t->detail;
		break;
	case KEY_UP:
	case 'k':
	case KEY_DOWN:
	case 'j':
		move_selection(t, ch == KEY_UP || ch == 'k' ? -1 : 1);
		break;
	case 'p':
	case 'P':
		plan_and_place(t, ch == 'P');
		break;
	case 'r':
		restore(t);
		break;
	case ERR:
		return TOP_KEY_NONE;
	}
	return TOP_KEY_DONE;
}

/* Keys until the interval is over: false on q or a signal. */
static bool wait_interval(struct np_top *t)
{
	double end = np_top_deadline(t);

	while (!*t->stop && np_now_s() < end) {
		int k;

		np_sampler_poll(t->sampler, 0);
		k = key(t, getch()); /* waits up to 100 ms (timeout()) */
		if (k == TOP_KEY_QUIT)
			return false;
		if (k == TOP_KEY_DONE)
			draw(t);
	}
	t->next_s += t->interval;
	return !*t->stop;
}

int np_top_tui(struct np_top *t)
{
	int rc = NP_EXIT_OK, err;

	if (!initscr())
		return NP_EXIT_RUNTIME;
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout(100);
	snprintf(t->message, sizeof(t->message), "collecting the first %.1f s ...", t->interval);
	draw(t);
	while (wait_interval(t)) {
		err = np_top_interval_read(t);
		if (err) {
			rc = NP_EXIT_RUNTIME;
			break;
		}
		t->message[0] = '\0';
		draw(t);
	}
	endwin();
	if (rc)
		np_err("top: reading the interval failed");
	return rc;
}
