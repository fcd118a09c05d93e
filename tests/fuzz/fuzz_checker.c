/* fuzz_checker.c — libFuzzer harness for the trace checker and the unit
 * set parser: any trace, however doctored, gets a verdict per claim.
 * Input: lines of "event key=value key=value ...". */
#include <stdlib.h>
#include <string.h>

#include "checker.h"
#include "units.h"

#define MAX_EVENTS 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event ev[MAX_EVENTS];
	size_t n = 0;
	char *text = malloc(size + 1), *save = NULL;
	memcpy(text, data, size);
	text[size] = '\0';
	for (char *line = strtok_r(text, "\n", &save); line && n < MAX_EVENTS;
	     line = strtok_r(NULL, "\n", &save)) {
		struct event *e = &ev[n];
		char *ws = NULL, *word = strtok_r(line, " ", &ws);
		if (!word)
			continue;
		memset(e, 0, sizeof *e);
		e->seq = ++n;
		strlcpy0(e->name, word, sizeof e->name);
		e->claims = event_claims(e->name);
		while ((word = strtok_r(NULL, " ", &ws)) && e->nfields < EV_MAX_FIELDS) {
			char *eq = strchr(word, '=');
			if (!eq)
				continue;
			*eq = '\0';
			strlcpy0(e->field[e->nfields].key, word, EV_KEY_MAX);
			strlcpy0(e->field[e->nfields].val, eq + 1, EV_VAL_MAX);
			struct units u;
			units_parse(eq + 1, &u); /* the unit parser sees every value */
			e->nfields++;
		}
	}
	for (int c = 1; c <= 9; c++) {
		char why[256], line[512];
		enum verdict v = check_claim(ev, n, c, why, sizeof why);
		check_format(c, v, why, line, sizeof line);
	}
	free(text);
	return 0;
}
