/* script.c — Lua 5.4 scenarios: the sandboxed state they run in, and
 * running them. The `vmfo` library (script_lib.c) acts through the typed
 * API (vmfo.h), the same calls the console makes, so a script can do
 * nothing the console cannot. Scripts are sandboxed: no io, no os beyond
 * clocks, no require, no binary chunks, an instruction limit and a memory
 * cap; Ctrl-C stops them at the next safe point. */
#include "script_int.h"

#include "event.h"
#include "trace.h"

#include <inttypes.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOOK_EVERY 10000                /* instructions between hook calls */
#define INSTRUCTION_LIMIT 300000000ull  /* a runaway loop ends in seconds */

/* ---- the sandbox ---- */

static int l_print(lua_State *L)
{
	struct script *s = script_of(L);
	int n = lua_gettop(L);
	fputs(s->tap ? "# " : "", s->out);
	for (int i = 1; i <= n; i++) {
		fputs(i > 1 ? "\t" : "", s->out);
		fputs(luaL_tolstring(L, i, NULL), s->out);
		lua_pop(L, 1);
	}
	fputc('\n', s->out);
	fflush(s->out);
	return 0;
}

/* load() for text only: binary chunks could break the VM's invariants. */
static int l_load(lua_State *L)
{
	size_t len;
	const char *code = luaL_checklstring(L, 1, &len);
	const char *name = luaL_optstring(L, 2, "=(load)");
	const char *mode = luaL_optstring(L, 3, "t");
	if (strcmp(mode, "t") != 0) {
		lua_pushnil(L);
		lua_pushliteral(L, "load: only text chunks are allowed here (mode \"t\")");
		return 2;
	}
	int rc = luaL_loadbufferx(L, code, len, name, "t");
	if (rc != LUA_OK) {
		lua_pushnil(L);
		lua_insert(L, -2);
		return 2;
	}
	if (!lua_isnone(L, 4)) {
		lua_pushvalue(L, 4);
		lua_setupvalue(L, -2, 1); /* _ENV */
	}
	return 1;
}

static int l_refused(lua_State *L)
{
	return luaL_error(L, "%s is not available in vmfo scenarios (sandbox)",
			  lua_tostring(L, lua_upvalueindex(1)));
}

/* A table whose every missing field is a function that explains itself. */
static int refusing_index(lua_State *L)
{
	lua_pushfstring(L, "%s.%s", lua_tostring(L, lua_upvalueindex(1)), luaL_checkstring(L, 2));
	lua_pushcclosure(L, l_refused, 1);
	return 1;
}

static void refusing_table(lua_State *L, const char *name)
{
	lua_newtable(L);
	lua_newtable(L);
	lua_pushstring(L, name);
	lua_pushcclosure(L, refusing_index, 1);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
}

static void set_refused(lua_State *L, const char *name)
{
	lua_pushstring(L, name);
	lua_pushcclosure(L, l_refused, 1);
	lua_setglobal(L, name);
}

static void open_sandbox(lua_State *L)
{
	static const luaL_Reg libs[] = {
		{ LUA_GNAME, luaopen_base }, { LUA_TABLIBNAME, luaopen_table },
		{ LUA_STRLIBNAME, luaopen_string }, { LUA_MATHLIBNAME, luaopen_math },
		{ LUA_UTF8LIBNAME, luaopen_utf8 }, { LUA_COLIBNAME, luaopen_coroutine },
		{ LUA_OSLIBNAME, luaopen_os }, { NULL, NULL },
	};
	for (const luaL_Reg *lib = libs; lib->func; lib++) {
		luaL_requiref(L, lib->name, lib->func, 1);
		lua_pop(L, 1);
	}
	set_refused(L, "dofile");
	set_refused(L, "loadfile");
	set_refused(L, "require");
	lua_register(L, "load", l_load);
	lua_register(L, "print", l_print);
	lua_getglobal(L, LUA_STRLIBNAME);
	lua_pushstring(L, "string.dump");
	lua_pushcclosure(L, l_refused, 1);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);

	/* os: clocks only. */
	lua_getglobal(L, LUA_OSLIBNAME);
	refusing_table(L, "os");
	static const char *const keep[] = { "time", "clock", "date", "difftime", NULL };
	for (const char *const *k = keep; *k; k++) {
		lua_getfield(L, -2, *k);
		lua_setfield(L, -2, *k);
	}
	lua_setglobal(L, LUA_OSLIBNAME);
	lua_pop(L, 1);
	refusing_table(L, "io");
	lua_setglobal(L, LUA_IOLIBNAME);
	refusing_table(L, "debug");
	lua_setglobal(L, LUA_DBLIBNAME);
	refusing_table(L, "package");
	lua_setglobal(L, LUA_LOADLIBNAME);

	script_open_vmfo_lib(L);
}

/* Runs every HOOK_EVERY instructions: Ctrl-C and the instruction limit. */
/* Once it has struck, it strikes again at every call, so a script that
 * catches the error with pcall still cannot go on. */
static void hook(lua_State *L, lua_Debug *ar)
{
	struct script *s = script_of(L);
	s->instructions += HOOK_EVERY;
	if (interrupt_pending() || s->instructions > INSTRUCTION_LIMIT)
		s->stopped = true;
	if (!s->stopped)
		return;
	lua_getinfo(L, "Sl", ar);
	luaL_error(L, "%s:%d: %s", ar->short_src, ar->currentline,
		   interrupt_pending() ? "interrupted"
				       : "instruction limit reached (300 million): an endless loop?");
}

/* Lua's allocator, with a cap: an allocation that would take the state past
 * mem_limit is refused, and Lua raises "not enough memory" in the script
 * (after a full collection and a second try). Shrinking always succeeds. */
static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct script *s = ud;
	size_t old = ptr ? osize : 0; /* without ptr, osize names a type */
	if (nsize == 0) {
		free(ptr);
		s->mem_used -= old;
		return NULL;
	}
	if (nsize > old && nsize - old > s->mem_limit - s->mem_used) {
		s->mem_refused = true;
		return NULL;
	}
	void *p = realloc(ptr, nsize);
	if (p)
		s->mem_used = s->mem_used - old + nsize;
	return p;
}

/* Every call into Lua is protected (see run()), so this is a bug. */
static int panic(lua_State *L)
{
	const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?";
	fprintf(stderr, "vmfo: unprotected Lua error: %s\n", msg);
	return 0; /* Lua aborts */
}

static int open_sandbox_protected(lua_State *L)
{
	open_sandbox(L);
	return 0;
}

struct script *script_new(struct vmfo *m, FILE *out, FILE *err, script_cmd_fn run_cmd)
{
	struct script *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->mem_limit = vmfo_defaults(m)->lua_mem_mb * MB;
	s->L = lua_newstate(capped_alloc, s);
	if (!s->L) {
		free(s);
		return NULL;
	}
	lua_atpanic(s->L, panic);
	s->m = m;
	s->run_cmd = run_cmd;
	s->out = out;
	s->err = err;
	*(struct script **)lua_getextraspace(s->L) = s;
	lua_pushcfunction(s->L, open_sandbox_protected);
	if (lua_pcall(s->L, 0, 0, 0) != LUA_OK) {
		script_free(s); /* out of memory under a tiny cap */
		return NULL;
	}
	lua_sethook(s->L, hook, LUA_MASKCOUNT, HOOK_EVERY);
	return s;
}

bool script_memory_full(struct script *s)
{
	lua_gc(s->L, LUA_GCCOLLECT);
	return s->mem_limit - s->mem_used < MB;
}

void script_free(struct script *s)
{
	if (s) {
		lua_close(s->L);
		free(s);
	}
}

/* The message handler: where it failed, and how it got there. */
static int traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg)
		msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	luaL_traceback(L, L, msg, 1);
	return 1;
}

static enum script_result finish(struct script *s, int rc)
{
	if (s->stopped && rc == LUA_OK) {
		/* The script caught the error and ended; it still did not pass. */
		fprintf(s->tap ? s->out : s->err, "%serror: stopped (instruction limit or Ctrl-C)\n",
			s->tap ? "#   " : "");
		s->stopped = false;
		return SCRIPT_ERROR;
	}
	s->stopped = false;
	if (rc != LUA_OK) {
		/* Only a string is read: converting anything else would
		 * allocate, outside protected mode. */
		const char *msg = lua_type(s->L, -1) == LUA_TSTRING ? lua_tostring(s->L, -1) : NULL;
		FILE *f = s->tap ? s->out : s->err;
		/* Each line of the message and traceback, as TAP diagnostics
		 * under vmfo run, as an error line and its context elsewhere. */
		for (const char *p = msg ? msg : "?"; *p;) {
			size_t n = strcspn(p, "\n");
			fprintf(f, "%s%s%.*s\n", s->tap ? "#   " : "", p == msg ? "error: " : "", (int)n, p);
			p += n + (p[n] == '\n');
		}
		if (s->mem_refused)
			fprintf(f, "%s(the Lua memory cap, %zu MiB, was reached: "
				"see --lua-mem-mb)\n", s->tap ? "#   " : "", s->mem_limit / MB);
		lua_pop(s->L, 1);
		fflush(f);
		return SCRIPT_ERROR;
	}
	return s->failed_checks ? SCRIPT_CHECK_FAILED : SCRIPT_PASS;
}

/* What to run: a file, or a line of code whose values are printed. */
struct chunk {
	const char *path;
	const char *code;
};

/* A run, all in protected mode: loading allocates, and printing a value
 * may run out of memory or call a __tostring that raises; outside
 * protected mode either would abort vmfo. A load error is raised as it
 * is; a runtime error with its traceback. */
static int run_protected(lua_State *L)
{
	struct script *s = script_of(L);
	const struct chunk *k = lua_touserdata(L, 1);
	lua_settop(L, 0);
	int rc;
	if (k->path) {
		rc = luaL_loadfilex(L, k->path, "t");
	} else {
		/* An expression prints its value, as in Lua's own REPL. */
		lua_pushfstring(L, "return %s", k->code);
		rc = luaL_loadbufferx(L, lua_tostring(L, 1), lua_rawlen(L, 1), "=(lua)", "t");
		if (rc != LUA_OK) {
			lua_settop(L, 0);
			rc = luaL_loadbufferx(L, k->code, strlen(k->code), "=(lua)", "t");
		} else {
			lua_remove(L, 1);
		}
	}
	if (rc != LUA_OK)
		return lua_error(L);
	lua_pushcfunction(L, traceback);
	lua_insert(L, 1);
	if (lua_pcall(L, 0, k->path ? 0 : LUA_MULTRET, 1) != LUA_OK)
		return lua_error(L);
	int n = lua_gettop(L);
	for (int i = 2; i <= n; i++) {
		fputs(i > 2 ? "\t" : "", s->out);
		script_show(L, i, s->out);
	}
	if (n > 1)
		fputc('\n', s->out);
	fflush(s->out);
	return 0;
}

static enum script_result run(struct script *s, const struct chunk *k)
{
	lua_State *L = s->L;
	int top = lua_gettop(L);
	s->failed_checks = 0;
	s->instructions = 0;
	s->stopped = false;
	s->mem_refused = false;
	lua_pushcfunction(L, run_protected);
	lua_pushlightuserdata(L, (void *)k);
	enum script_result r = finish(s, lua_pcall(L, 1, 0, 0));
	lua_settop(L, top);
	return r;
}

enum script_result script_run_file(struct script *s, const char *path)
{
	struct chunk k = { path, NULL };
	return run(s, &k);
}

enum script_result script_run_string(struct script *s, const char *code)
{
	struct chunk k = { NULL, code };
	return run(s, &k);
}

/* With -v: the events a scenario made, from the trace, as TAP comments
 * below its verdict: what it judged, so a student sees the sequence. */
static void print_events_since(struct vmfo *m, size_t from, FILE *out)
{
	struct event ev;
	char line[1024];
	for (size_t i = from; trace_get(vmfo_trace(m), i, &ev); i++) {
		event_format(&ev, line, sizeof line);
		fprintf(out, "#   %s\n", line);
	}
}

int script_run_files(struct vmfo *m, char **files, int n, FILE *out, script_cmd_fn run_cmd,
		     bool verbose)
{
	int passed = 0, failed = 0, errors = 0;
	uint64_t t0 = now_us();

	for (int i = 0; i < n && !interrupt_pending(); i++) {
		uint64_t start = now_us();
		struct err e;
		enum script_result r;
		struct script *s = script_new(m, out, out, run_cmd);
		if (!s) {
			fprintf(out, "not ok %d - %s\n#   error: out of memory\n", i + 1, files[i]);
			errors++;
			continue;
		}
		s->tap = true;
		/* Each scenario starts on a fresh pair with the configured sizes. */
		vmfo_reset(m);
		size_t first_event = trace_count(vmfo_trace(m));
		if (vmfo_boot(m, 0, 0, NULL, &e)) {
			fprintf(out, "not ok %d - %s\n#   error: the pair did not boot: %s\n", i + 1,
				files[i], e.msg);
			r = SCRIPT_ERROR;
		} else {
			r = script_run_file(s, files[i]);
			fprintf(out, "%s %d - %s (%.1f s)\n", r == SCRIPT_PASS ? "ok" : "not ok", i + 1,
				files[i], (double)(now_us() - start) / 1e6);
			if (verbose)
				print_events_since(m, first_event, out);
		}
		script_free(s);
		passed += r == SCRIPT_PASS;
		failed += r == SCRIPT_CHECK_FAILED;
		errors += r == SCRIPT_ERROR;
		fflush(out);
	}
	vmfo_reset(m);
	fprintf(out, "1..%d\n# %d passed, %d failed, %d errors in %.1f s%s\n", n, passed, failed, errors,
		(double)(now_us() - t0) / 1e6, interrupt_pending() ? " (interrupted)" : "");
	return errors || interrupt_pending() ? SCRIPT_ERROR : failed ? SCRIPT_CHECK_FAILED : SCRIPT_PASS;
}
