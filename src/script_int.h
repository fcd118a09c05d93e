/* script_int.h — inside the Lua front end: the state a script runs in,
 * shared by the runner and sandbox (script.c) and the vmfo library
 * (script_lib.c). */
#ifndef VMFO_SCRIPT_INT_H
#define VMFO_SCRIPT_INT_H

#include <lua.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "script.h"

struct script {
	lua_State *L;
	struct vmfo *m;
	script_cmd_fn run_cmd; /* vmfo.cmd: a console line, output captured */
	FILE *out;
	FILE *err;            /* errors, when not reporting as TAP */
	bool tap;             /* prints and reports as TAP diagnostics */
	bool stopped;         /* the limit or Ctrl-C struck: no pcall may go on */
	int failed_checks;
	uint64_t instructions;
	size_t mem_used;      /* bytes the state holds, counted by its allocator */
	size_t mem_limit;     /* --lua-mem-mb */
	bool mem_refused;     /* the cap refused an allocation in this run */
};

static inline struct script *script_of(lua_State *L)
{
	return *(struct script **)lua_getextraspace(L);
}

/* Set the global table `vmfo`: the library scenarios use (script_lib.c). */
void script_open_vmfo_lib(lua_State *L);

#endif
