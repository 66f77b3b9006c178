// SPDX-License-Identifier: GPL-2.0
/*
 * run explains itself: at the start one line per [match] section (its rules, its target, its
 * thresholds); for every managed process where it stands (placed, or why not), said once per
 * change with np_run_skip_news's twin; and after --once a summary, counted by reason. The
 * same states go to the status file (run_status.c).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "policy/thresholds.h"
#include "run/run.h"

/* What fits after the log's "numaplace: " within 100 columns. */
#define LOG_WIDTH  89
#define LOG_INDENT "    "

int np_run_wrap(const char *text, size_t width, const char *indent, char *out, size_t outlen)
{
	size_t used = 0, ind = strlen(indent);
	int lines = 0;

	if (!outlen)
		return 0;
	out[0] = '\0';
	while (*text && used + 1 < outlen) {
		size_t room = width > ind && lines ? width - ind : width, n = strlen(text), cut;

		if (n > room) {
			for (cut = room; cut > 0 && text[cut] != ' '; cut--)
				;
			n = cut ? cut : room; /* no space: cut inside the word */
		}
		used += snprintf(out + used, outlen - used, "%s%.*s\n", lines ? indent : "", (int)n,
				 text);
		if (used >= outlen)
			used = outlen - 1;
		lines++;
		text += n;
		while (*text == ' ')
			text++;
	}
	return lines;
}

static void log_wrapped(int level, const char *text)
{
	char out[2048], *line, *save = NULL;

	np_run_wrap(text, LOG_WIDTH, LOG_INDENT, out, sizeof(out));
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		np_log(level, "%s", line);
}

/* ", KEY VALUE" for each rule that is set */
static void rules_text(const struct np_match *m, char *buf, size_t len)
{
	const struct {
		const char *key, *value;
	} rules[] = { { "process", m->process },     { "comm", m->comm },
		      { "cmdline", m->cmdline },     { "cgroup", m->cgroup },
		      { "container", m->container }, { "unit", m->unit } };
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]) && used < len; i++)
		if (rules[i].value[0])
			used += snprintf(buf + used, len - used, "%s%s %s", used ? ", " : "",
					 rules[i].key, rules[i].value);
	if (m->accelerator && used < len)
		used += snprintf(buf + used, len - used, "%saccelerator", used ? ", " : "");
	if (!used)
		snprintf(buf, len, "none (every process)");
}

void np_run_say_sections(const struct np_config *cfg)
{
	for (int i = 0; i < cfg->nmatches; i++) {
		const struct np_match *m = &cfg->matches[i];
		char rules[1024], target[128], text[1600];

		rules_text(m, rules, sizeof(rules));
		if (m->device[0])
			snprintf(target, sizeof(target), "device %s's node", m->device);
		else if (m->node >= 0)
			snprintf(target, sizeof(target), "node %d", m->node);
		else
			snprintf(target, sizeof(target), "the model's (accelerator, else memory)");
		snprintf(
			text, sizeof(text),
			"[match %s] rules: %s; target: %s; thresholds: min_rss_mb %ld, min_cpu %g, "
			"remote_threshold %.2f for %d interval%s, min_move_interval %g s",
			m->name, rules, target, m->min_rss_mb, m->min_cpu, m->remote_threshold,
			m->sustain, m->sustain == 1 ? "" : "s", m->min_move_interval_s);
		log_wrapped(NP_LOG_INFO, text);
	}
}

bool np_run_state_news(struct np_skip_note *last, int state)
{
	bool news = last->state != state + 1;

	last->state = state + 1;
	return news;
}

static enum np_status_state state_of(const struct np_run *r, const struct np_managed *mp,
				     const struct np_fleet_decision *d)
{
	const struct np_fleet_entry *e = np_fleet_find(&r->fleet, mp->pid, mp->start_time);

	if (mp->plan_err)
		return mp->plan_err == -EXDEV || mp->plan_err == -EPERM ? NP_STATE_REFUSED
									: NP_STATE_FAILED;
	if (mp->declined)
		return NP_STATE_DECLINED;
	if (d->action != NP_FLEET_NONE || (e && (e->placed || e->interleaved)))
		return NP_STATE_PLACED;
	if (!e || d->node == NP_NO_NODE)
		return NP_STATE_NO_TARGET;
	if (isnan(d->remote_ratio))
		/* its first interval only found it: not measured yet */
		return mp->note.state ? NP_STATE_IDLE : NP_STATE_NEW;
	if (np_remote_above(d->remote_ratio, mp->policy->remote_threshold))
		return NP_STATE_WAITING;
	return NP_STATE_WATCHING;
}

void np_run_note(struct np_run *r, struct np_managed *mp, const struct np_fleet_decision *d)
{
	enum np_status_state state = state_of(r, mp, d);
	char text[512];
	bool news = np_run_state_news(&mp->note, state);

	mp->state = state;
	if (!mp->plan_err) /* else why holds the plan's refusal */
		snprintf(mp->why, sizeof(mp->why), "%.*s", (int)sizeof(mp->why) - 1, d->reason);
	/* placements, refusals and declines have their own lines (run_act.c) */
	if (!news || state == NP_STATE_NEW || state == NP_STATE_PLACED ||
	    state == NP_STATE_DECLINED || state == NP_STATE_REFUSED || state == NP_STATE_FAILED)
		return;
	snprintf(text, sizeof(text), "pid %d (%s) [match %s] not placed (%s): %s", mp->pid,
		 mp->comm, mp->match, np_status_state_name(state), mp->why);
	log_wrapped(NP_LOG_INFO, text);
}

/* The words of the summary for each state but placed. */
static const char *const skip_words[NP_STATE_COUNT] = {
	[NP_STATE_NEW] = "not measured yet",
	[NP_STATE_IDLE] = "no CPU time or memory measured",
	[NP_STATE_WATCHING] = "remote ratio at or below remote_threshold",
	[NP_STATE_WAITING] = "waiting (sustain or min_move_interval)",
	[NP_STATE_NO_TARGET] = "no target node",
	[NP_STATE_DECLINED] = "declined (most memory would stay off the node)",
	[NP_STATE_REFUSED] = "refused by its cgroup cpuset",
	[NP_STATE_FAILED] = "placement failed",
};

void np_run_summary(const struct np_run *r)
{
	int by_state[NP_STATE_COUNT] = { 0 }, rss = 0, cpu = 0, placed, skipped;
	char text[1024];
	size_t used;

	for (int i = 0; i < r->nmanaged; i++)
		by_state[r->managed[i].state]++;
	for (int i = 0; i < r->nignored; i++) {
		const struct np_seen_proc *p = &r->ignored[i];

		if (!p->matched || !p->skip.below)
			continue;
		if (p->skip.below & NP_BELOW_RSS)
			rss++;
		else
			cpu++;
	}
	placed = by_state[NP_STATE_PLACED];
	skipped = r->nmanaged - placed + rss + cpu;
	used = snprintf(text, sizeof(text), "summary: %d matched, %d %s, %d skipped",
			r->nmanaged + rss + cpu, placed, r->dry_run ? "would be placed" : "placed",
			skipped);
	if (rss)
		used += snprintf(text + used, sizeof(text) - used, "; %d below min_rss_mb", rss);
	if (cpu)
		used += snprintf(text + used, sizeof(text) - used, "; %d below min_cpu", cpu);
	for (int s = 0; s < NP_STATE_COUNT && used < sizeof(text); s++)
		if (s != NP_STATE_PLACED && by_state[s])
			used += snprintf(text + used, sizeof(text) - used, "; %d %s", by_state[s],
					 skip_words[s]);
	log_wrapped(NP_LOG_INFO, text);
}
