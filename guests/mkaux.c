/* mkaux.c — packs app programs into the auxiliary image (claim 2): a
 * directory (struct vmfo_aux_dir) followed by each program, 4 KiB aligned.
 * usage: mkaux OUT NAME=FILE... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/abi.h"

#define ALIGN 4096

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
