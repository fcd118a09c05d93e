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
#include "util.h"

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

/* Write the value at idx as the console's `lua EXPR` shows it: a table by
 * its contents, as a Lua constructor would (script_show.c). */
void script_show(lua_State *L, int idx, FILE *out);
/* Set the global table `vmfo`: the library scenarios use (script_lib.c). */
void script_open_vmfo_lib(lua_State *L);
/* Add the I/O control unit's functions (serve, client) to the table on
 * top of the stack (script_io.c). */
void script_open_io(lua_State *L);

/* Shared by the library's files (script_lib.c). */
/* A failed action raises its message where the script called it. */
int raise_err(lua_State *L, const struct err *e);
/* The table at arg has only these keys (NULL-terminated), or it raises. */
void check_keys(lua_State *L, int arg, const char *const *keys);
/* Field key of the table at arg: a whole number in [min, max], or dflt. */
lua_Integer int_field(lua_State *L, int arg, const char *key, lua_Integer dflt, lua_Integer min,
		      lua_Integer max);
/* Field key of the table at arg: one word, or dflt. */
const char *str_field(lua_State *L, int arg, const char *key, const char *dflt);
/* t[key] = v for the table on top of the stack (a NULL v sets nothing). */
void set_str(lua_State *L, const char *key, const char *v);
void set_int(lua_State *L, const char *key, uint64_t v);

#endif
