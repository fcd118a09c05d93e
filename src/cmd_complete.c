/* cmd_complete.c — Tab completion from the command table: each command's
 * entry says what its words are (sub-commands, kinds from the core, app
 * names, event names, files), and the readline console and the 'complete'
 * command both ask here. */
#include "cmd_verbs.h"

#include <stdlib.h>
#include <string.h>

static const struct completion *completion_for(const char *name, int argn, const char *word1)
{
	const struct command *cmd = find_command(name);
	for (const struct completion *k = cmd ? cmd->complete : NULL; k && k->argn; k++) {
		bool at = k->argn > 0 ? argn == k->argn : argn >= -k->argn;
		if (at && (!k->after || (word1 && strcmp(k->after, word1) == 0)))
			return k;
	}
	return NULL;
}

/* Offer word if it starts with what is typed. */
static int offer(const char *word, const char *typed, void (*emit)(const char *, void *), void *arg)
{
	if (!*word || strncmp(word, typed, strlen(typed)) != 0)
		return 0;
	emit(word, arg);
	return 1;
}

static int offer_kind(struct vmfo *m, const struct completion *k, const char *typed,
		      void (*emit)(const char *, void *), void *arg)
{
	int n = 0;
	if (!k || k->kind == WORD_COMMAND) {
		for (const struct command *cmd = commands; cmd->name; cmd++)
			n += offer(cmd->name, typed, emit, arg);
	} else if (k->kind == WORD_LIST) {
		for (const char *const *w = k->words ? k->words : k->words_of(); *w; w++)
			n += offer(*w, typed, emit, arg);
	} else if (k->kind == WORD_EVENT) {
		for (size_t i = 0; event_name_at(i); i++)
			n += offer(event_name_at(i), typed, emit, arg);
	} else if (k->kind == WORD_APP) {
		struct vmfo_snapshot *s = malloc(sizeof *s);
		if (!s)
			return 0;
		vmfo_snapshot(m, s); /* apps come and go: the ones there are now */
		for (int i = 0; i < MAX_APPS; i++)
			if (s->app[i].state != A_FREE)
				n += offer(s->app[i].name, typed, emit, arg);
		free(s);
	}
	return n;
}

int cmd_complete(struct vmfo *m, const char *line, void (*emit)(const char *, void *), void *arg)
{
	char buf[1024], *words[2] = { NULL }, *last = NULL;
	int argn = 0;
	strlcpy0(buf, line, sizeof buf);
	size_t len = strlen(buf);
	bool fresh = len == 0 || buf[len - 1] == ' ' || buf[len - 1] == '\t';
	/* The command, its first word (what some completions go after), and
	 * the word being typed, however many come between. */
	for (char *tok = strtok(buf, " \t"); tok; tok = strtok(NULL, " \t")) {
		if (argn < 2)
			words[argn] = tok;
		last = tok;
		argn++;
	}
	const char *typed = fresh || argn == 0 ? "" : last;
	if (!fresh && argn > 0)
		argn--;
	if (argn == 0)
		return offer_kind(m, NULL, typed, emit, arg);
	const struct completion *k = completion_for(words[0], argn, argn > 1 ? words[1] : NULL);
	if (k && k->kind == WORD_FILE)
		return -1;
	return k ? offer_kind(m, k, typed, emit, arg) : 0;
}

static void print_word(const char *word, void *c)
{
	fprintf(((struct cmd_ctx *)c)->out, "%s\n", word);
}

/* 'complete LINE': what Tab offers there, one word a line; the rest of the
 * line is taken as it is (cmd_exec passes it whole, trailing blank too). */
int cmd_complete_line(struct cmd_ctx *c, int argc, char **argv)
{
	if (cmd_complete(c->m, argc > 1 ? argv[1] : "", print_word, c) < 0)
		fprintf(c->out, "(file names)\n");
	return 0;
}
