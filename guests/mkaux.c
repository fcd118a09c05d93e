/* mkaux.c — packs app programs into the auxiliary image (claim 2): a
 * directory (struct vmfo_aux_dir) followed by each program, 4 KiB aligned.
 * Each program starts with what it needs (struct vmfo_prog_needs); mkaux
 * checks it and copies it into the program's directory entry, where the OS
 * reads it (claim 5).
 * usage: mkaux OUT NAME=FILE... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/abi.h"

#define ALIGN 4096

_Static_assert(sizeof(struct vmfo_prog_needs) == VMFO_PROG_OFF_ENTRY - VMFO_PROG_OFF_NEEDS,
	       "a program's needs fill the bytes before its entry point");

/* The needs at the start of a program, if they make sense; else NULL and why. */
static const char *needs_of(const unsigned char *prog, size_t size, struct vmfo_prog_needs *n)
{
	if (size < VMFO_PROG_OFF_ENTRY + 1)
		return "too short to hold its needs and code";
	memcpy(n, prog + VMFO_PROG_OFF_NEEDS, sizeof *n);
	if (n->magic != VMFO_NEEDS_MAGIC)
		return "does not start with its needs (VMFO_NEEDS in app.h)";
	if (n->fixed_bytes < VMFO_APP_OFF_DATA || n->item_bytes == 0 || n->item_min == 0 ||
	    n->item_default < n->item_min)
		return "declares needs that make no sense";
	if (n->item[0] == '\0' || memchr(n->item, '\0', sizeof n->item) == NULL)
		return "names its item with no name, or an unterminated one";
	for (const char *c = n->item; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
			return "names its item with other than a-z and '_'";
	if (strcmp(n->item, "prog") == 0) /* app start NAME prog=P ITEM=N */
		return "calls its item 'prog', the option naming the program";
	return NULL;
}

int main(int argc, char **argv)
{
	static struct vmfo_aux_dir dir;
	static unsigned char prog[VMFO_AUX_MAX_PROGS][VMFO_APP_CODE_MAX];
	size_t size[VMFO_AUX_MAX_PROGS];
	uint64_t offset = (sizeof dir + ALIGN - 1) / ALIGN * ALIGN;

	if (argc < 3 || argc - 2 > VMFO_AUX_MAX_PROGS) {
		fprintf(stderr, "usage: mkaux OUT NAME=FILE... (at most %d programs)\n", VMFO_AUX_MAX_PROGS);
		return 2;
	}
	dir.magic = VMFO_AUX_MAGIC;
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		int n = i - 2;
		if (!eq || eq == argv[i] || (size_t)(eq - argv[i]) >= sizeof dir.prog[0].name) {
			fprintf(stderr, "mkaux: '%s' is not NAME=FILE with a short name\n", argv[i]);
			return 2;
		}
		memcpy(dir.prog[n].name, argv[i], (size_t)(eq - argv[i]));
		FILE *f = fopen(eq + 1, "rb");
		if (!f) {
			perror(eq + 1);
			return 1;
		}
		size[n] = fread(prog[n], 1, sizeof prog[n], f);
		if (!feof(f) || ferror(f) || size[n] == 0) {
			fprintf(stderr, "mkaux: %s is empty, unreadable or over %d bytes\n", eq + 1,
				VMFO_APP_CODE_MAX);
			return 1;
		}
		fclose(f);
		const char *bad = needs_of(prog[n], size[n], &dir.prog[n].needs);
		if (bad) {
			fprintf(stderr, "mkaux: %s %s\n", eq + 1, bad);
			return 1;
		}
		dir.prog[n].offset = offset;
		dir.prog[n].size = size[n];
		offset += (size[n] + ALIGN - 1) / ALIGN * ALIGN;
		dir.nprogs++;
	}
	FILE *out = fopen(argv[1], "wb");
	if (!out) {
		perror(argv[1]);
		return 1;
	}
	static const unsigned char zero[ALIGN];
	fwrite(&dir, sizeof dir, 1, out);
	fwrite(zero, 1, dir.prog[0].offset - sizeof dir, out);
	for (uint64_t n = 0; n < dir.nprogs; n++) {
		fwrite(prog[n], 1, size[n], out);
		fwrite(zero, 1, (ALIGN - size[n] % ALIGN) % ALIGN, out);
	}
	if (fclose(out)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
