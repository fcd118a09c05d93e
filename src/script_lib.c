/* script_lib.c — the `vmfo` Lua library: its arguments checked as typed
 * fields (known keys only), each action one call of the typed API (vmfo.h),
 * waits on the trace, claim verdicts, and state read from snapshots. A
 * failed action raises its error where the script called it. */
#include "script_int.h"

#include <inttypes.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "checker.h"

#define DEFAULT_WAIT_MS 5000

/* ---- acting ---- */

/* A failed action raises its message where the script called it. */
int raise_err(lua_State *L, const struct err *e)
{
	luaL_where(L, 1);
	lua_pushstring(L, e->msg);
	lua_concat(L, 2);
	return lua_error(L);
}

/* Run one console command; return its output, or raise its error. */
static int console_line(lua_State *L, const char *line)
{
	struct script *s = script_of(L);
	char *out, *err;
	int rc = s->run_cmd(s->m, line, &out, &err);
	if (rc) {
		/* One "error: ..." line: raise it without the prefix. */
		const char *msg = err && strncmp(err, "error: ", 7) == 0 ? err + 7 : err ? err : "";
		luaL_where(L, 1);
		lua_pushlstring(L, msg, strcspn(msg, "\n"));
		lua_concat(L, 2);
	} else {
		lua_pushstring(L, out ? out : "");
	}
	free(out);
	free(err);
	return rc ? lua_error(L) : 1;
}

/* Strings that go into a command line must stay one word. */
static const char *word_arg(lua_State *L, int arg, const char *what)
{
	const char *v = luaL_checkstring(L, arg);
	if (!*v || strpbrk(v, " \t\r\n;#"))
		luaL_argerror(L, arg, lua_pushfstring(L, "%s must be one word", what));
	return v;
}

/* ---- argument tables: known keys only, typed fields ---- */

void check_keys(lua_State *L, int arg, const char *const *keys)
{
	luaL_checktype(L, arg, LUA_TTABLE);
	lua_pushnil(L);
	while (lua_next(L, arg)) {
		bool known = false;
		if (lua_type(L, -2) == LUA_TSTRING)
			for (const char *const *k = keys; *k && !known; k++)
				known = strcmp(*k, lua_tostring(L, -2)) == 0;
		if (!known) {
			luaL_Buffer b;
			luaL_buffinit(L, &b);
			for (const char *const *k = keys; *k; k++) {
				luaL_addstring(&b, k == keys ? "" : ", ");
				luaL_addstring(&b, *k);
			}
			luaL_pushresult(&b);
			lua_pushvalue(L, -3);
			const char *bad = luaL_tolstring(L, -1, NULL);
			luaL_argerror(L, arg, lua_pushfstring(L, "unknown key '%s' (expected %s)", bad,
							      lua_tostring(L, -3)));
		}
		lua_pop(L, 1);
	}
}

lua_Integer int_field(lua_State *L, int arg, const char *key, lua_Integer dflt,
		      lua_Integer min, lua_Integer max)
{
	int t = lua_getfield(L, arg, key);
	lua_Integer v = dflt;
	if (t != LUA_TNIL) {
		int isint;
		v = lua_tointegerx(L, -1, &isint);
		if (!isint || v < min || v > max)
			luaL_argerror(L, arg, lua_pushfstring(L, "%s must be a whole number from %I to %I",
							      key, min, max));
	}
	lua_pop(L, 1);
	return v;
}

const char *str_field(lua_State *L, int arg, const char *key, const char *dflt)
{
	int t = lua_getfield(L, arg, key);
	const char *v = dflt;
	if (t != LUA_TNIL) {
		if (t != LUA_TSTRING)
			luaL_argerror(L, arg, lua_pushfstring(L, "%s must be a string", key));
		v = lua_tostring(L, -1);
		if (!*v || strpbrk(v, " \t\r\n;#"))
			luaL_argerror(L, arg, lua_pushfstring(L, "%s must be one word", key));
	}
	lua_pop(L, 1); /* the string stays alive: it is also in the table */
	return v;
}

static bool bool_field(lua_State *L, int arg, const char *key)
{
	int t = lua_getfield(L, arg, key);
	if (t != LUA_TNIL && t != LUA_TBOOLEAN)
		luaL_argerror(L, arg, lua_pushfstring(L, "%s must be true or false", key));
	bool v = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return v;
}

/* v must be one of allowed (NULL-terminated); the error lists them. */
static const char *one_of(lua_State *L, int arg, const char *key, const char *v,
			  const char *const *allowed)
{
	for (const char *const *a = allowed; *a; a++)
		if (strcmp(*a, v) == 0)
			return v;
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (const char *const *a = allowed; *a; a++) {
		luaL_addstring(&b, a == allowed ? "" : ", ");
		luaL_addstring(&b, *a);
	}
	luaL_pushresult(&b);
	luaL_argerror(L, arg, lua_pushfstring(L, "%s '%s' is not one of %s", key, v, lua_tostring(L, -1)));
	return NULL;
}

/* ---- the vmfo library: actions ---- */

static int l_boot(lua_State *L)
{
	static const char *const keys[] = { "active_mb", "standby_mb", NULL };
	struct script *s = script_of(L);
	const struct config *given = vmfo_defaults(s->m);
	lua_Integer active = (lua_Integer)given->active_mb, standby = (lua_Integer)given->standby_mb;
	if (!lua_isnoneornil(L, 1)) {
		check_keys(L, 1, keys);
		active = int_field(L, 1, "active_mb", active, 1, 1 << 20);
		standby = int_field(L, 1, "standby_mb", standby, 1, 1 << 20);
	}
	/* Refuse bad sizes before the reset, so that a bad call changes nothing. */
	struct err e;
	if (vmfo_check_sizes(s->m, (uint64_t)active, (uint64_t)standby, &e))
		return luaL_argerror(L, 1, e.msg);
	vmfo_reset(s->m);
	if (vmfo_boot(s->m, (uint64_t)active, (uint64_t)standby, NULL, &e))
		return raise_err(L, &e);
	return 0;
}

void set_str(lua_State *L, const char *key, const char *v)
{
	if (v) {
		lua_pushstring(L, v);
		lua_setfield(L, -2, key);
	}
}

void set_int(lua_State *L, const char *key, uint64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, key);
}

/* What the OS computed an app's size from (claim 5), as a table. */
static int push_computed(lua_State *L, const struct vmfo_app_size *size)
{
	lua_createtable(L, 0, 4);
	set_str(L, "item", size->got.item);
	set_int(L, "items", size->got.items);
	set_int(L, "bytes", size->got.bytes);
	set_int(L, "mb", size->got.mb);
	return 1;
}

/* vmfo.app{name=, prog=, mb=MB | items=N, hot=}: with items (or neither)
 * the OS computes the size; returns what it computed. */
static int l_app(lua_State *L)
{
	static const char *const keys[] = { "name", "prog", "mb", "items", "hot", NULL };
	struct err e;
	struct vmfo_app_size size = { 0 };
	check_keys(L, 1, keys);
	const char *name = str_field(L, 1, "name", NULL);
	if (!name)
		luaL_argerror(L, 1, "name is required");
	const char *prog = one_of(L, 1, "prog", str_field(L, 1, "prog", "ledger"), vmfo_programs());
	size.mb = (uint64_t)int_field(L, 1, "mb", 0, 1, 1 << 20);
	size.items = (uint64_t)int_field(L, 1, "items", 0, 1, LUA_MAXINTEGER);
	if (size.mb && size.items)
		luaL_argerror(L, 1, "give mb or items, not both");
	bool hot = bool_field(L, 1, "hot");
	if (vmfo_app_start(script_of(L)->m, name, prog, hot, &size, &e))
		return raise_err(L, &e);
	return size.mb ? 0 : push_computed(L, &size);
}

/* vmfo.grow(NAME, MB) or vmfo.grow(NAME, {items=N}). */
static int l_grow(lua_State *L)
{
	static const char *const keys[] = { "items", NULL };
	struct err e;
	struct vmfo_app_size size = { 0 };
	const char *name = word_arg(L, 1, "the app name");
	if (lua_istable(L, 2)) {
		check_keys(L, 2, keys);
		size.items = (uint64_t)int_field(L, 2, "items", 0, 1, LUA_MAXINTEGER);
		luaL_argcheck(L, size.items > 0, 2, "items is required");
	} else {
		lua_Integer mb = luaL_checkinteger(L, 2);
		luaL_argcheck(L, mb > 0 && mb <= (1 << 20), 2, "MB must be a positive whole number");
		size.mb = (uint64_t)mb;
	}
	if (vmfo_app_grow(script_of(L)->m, name, &size, &e))
		return raise_err(L, &e);
	return size.mb ? 0 : push_computed(L, &size);
}

/* vmfo.fault{os=KIND [, unit=N]}, {standby=KIND} or {app=NAME, kind=KIND}. */
static int l_fault(lua_State *L)
{
	static const char *const keys[] = { "os", "standby", "app", "kind", "unit", NULL };
	struct err e;
	check_keys(L, 1, keys);
	struct vmfo_fault f = { .unit = UINT32_MAX };
	const char *os = str_field(L, 1, "os", NULL);
	const char *standby = str_field(L, 1, "standby", NULL);
	f.app = str_field(L, 1, "app", NULL);
	if ((os != NULL) + (standby != NULL) + (f.app != NULL) != 1)
		luaL_argerror(L, 1, "give either os=KIND, standby=KIND or app=NAME with kind=KIND");
	lua_Integer unit = int_field(L, 1, "unit", -1, 0, UINT32_MAX - 1);
	if (unit >= 0 && (!os || strcmp(os, "wild") != 0))
		luaL_argerror(L, 1, "unit goes with os=\"wild\" only");
	if (os) {
		f.target = VMFO_FAULT_OS;
		f.kind = one_of(L, 1, "os", os, vmfo_fault_kinds(f.target));
		f.unit = unit >= 0 ? (uint32_t)unit : UINT32_MAX;
	} else if (standby) {
		f.target = VMFO_FAULT_STANDBY;
		f.kind = one_of(L, 1, "standby", standby, vmfo_fault_kinds(f.target));
	} else {
		f.target = VMFO_FAULT_APP;
		const char *kind = str_field(L, 1, "kind", NULL);
		if (!kind)
			luaL_argerror(L, 1, lua_pushfstring(L, "kind is required with app= (%s)",
							    vmfo_fault_kinds_text(f.target)));
		f.kind = one_of(L, 1, "kind", kind, vmfo_fault_kinds(f.target));
	}
	if (vmfo_fault(script_of(L)->m, &f, &e))
		return raise_err(L, &e);
	return 0;
}

static int l_reset(lua_State *L)
{
	vmfo_reset(script_of(L)->m);
	return 0;
}

static int l_reprotect(lua_State *L)
{
	struct err e;
	struct vmfo_reprotected r;
	if (vmfo_reprotect(script_of(L)->m, &r, &e))
		return raise_err(L, &e);
	return 0;
}

/* vmfo.corrupt(name [, offset]): test mode, one byte of the app's storage
 * damaged (by default the first byte of its data); the byte's
 * guest-physical address. */
static int l_corrupt(lua_State *L)
{
	struct err e;
	uint64_t gpa;
	const char *name = word_arg(L, 1, "the app name");
	lua_Integer offset = luaL_optinteger(L, 2, VMFO_APP_OFF_DATA);
	luaL_argcheck(L, offset >= 0, 2, "the offset must not be negative");
	if (vmfo_corrupt(script_of(L)->m, name, (uint64_t)offset, &gpa, &e))
		return raise_err(L, &e);
	lua_pushinteger(L, (lua_Integer)gpa);
	return 1;
}

static int l_cmd(lua_State *L)
{
	const char *line = luaL_checkstring(L, 1);
	luaL_argcheck(L, !strpbrk(line, "\n;"), 1, "one command, without ';' or newlines");
	return console_line(L, line);
}

/* ---- waiting: blocks the script only; the monitor thread and the
 * guests run on. ---- */

static int l_sleep(lua_State *L)
{
	lua_Integer ms = luaL_checkinteger(L, 1);
	luaL_argcheck(L, ms >= 0 && ms <= 600000, 1, "ms must be from 0 to 600000");
	if (sleep_interruptible((uint64_t)ms, NULL, NULL))
		return luaL_error(L, "interrupted");
	return 0;
}

static void push_event(lua_State *L, const struct event *ev)
{
	lua_createtable(L, 0, ev->nfields + 5);
	/* A field called seq (app.resumed's) wins over the event's own
	 * number, which is always there as event_seq. */
	lua_pushinteger(L, (lua_Integer)ev->seq);
	lua_setfield(L, -2, "seq");
	/* Numbers by what the field is, not by how its value looks (an app
	 * may be called 42). */
	static const char *const integers[] = { "seq", "mb", "need_mb", "acked", "pages", NULL };
	for (int i = 0; i < ev->nfields; i++) {
		const char *k = ev->field[i].key, *v = ev->field[i].val;
		bool integer = false;
		for (const char *const *n = integers; *n; n++)
			integer |= strcmp(k, *n) == 0;
		if (integer)
			lua_pushinteger(L, (lua_Integer)strtoll(v, NULL, 10));
		else if (strcmp(k, "ms") == 0)
			lua_pushnumber(L, strtod(v, NULL));
		else if (strcmp(k, "hot") == 0)
			lua_pushboolean(L, strcmp(v, "yes") == 0);
		else
			lua_pushstring(L, v);
		lua_setfield(L, -2, k);
	}
	lua_pushinteger(L, (lua_Integer)ev->seq);
	lua_setfield(L, -2, "event_seq");
	lua_pushinteger(L, (lua_Integer)ev->t_us);
	lua_setfield(L, -2, "t_us");
	lua_pushstring(L, ev->name);
	lua_setfield(L, -2, "ev");
	lua_newtable(L);
	for (int c = 1, k = 1; c <= 9; c++)
		if (ev->claims & (1u << c)) {
			lua_pushinteger(L, c);
			lua_rawseti(L, -2, k++);
		}
	lua_setfield(L, -2, "claims");
}

static int wait_timed_out(lua_State *L, struct trace *t, const struct event_match *w, lua_Integer ms)
{
	luaL_Buffer b;
	struct event ev;
	size_t n = trace_count(t);
	luaL_buffinit(L, &b);
	luaL_where(L, 1);
	luaL_addvalue(&b);
	lua_pushfstring(L, "no %s%s%s%s%s within %I ms since the last state change", w->name,
			w->app ? " app=" : "", w->app ? w->app : "", w->vm ? " vm=" : "", w->vm ? w->vm : "",
			ms);
	luaL_addvalue(&b);
	luaL_addstring(&b, " (last events:");
	for (size_t i = n > 5 ? n - 5 : 0; i < n && trace_get(t, i, &ev); i++) {
		luaL_addchar(&b, ' ');
		luaL_addstring(&b, ev.name);
	}
	luaL_addstring(&b, n ? ")" : " none)");
	luaL_pushresult(&b);
	return lua_error(L);
}

static int l_wait(lua_State *L)
{
	static const char *const keys[] = { "timeout_ms", "app", "vm", NULL };
	struct script *s = script_of(L);
	struct event_match w = { luaL_checkstring(L, 1), NULL, NULL };
	if (!event_explain(w.name))
		luaL_argerror(L, 1, lua_pushfstring(L, "'%s' is not an event name (see docs/scenarios.md)",
						    w.name));
	lua_Integer ms = DEFAULT_WAIT_MS;
	if (!lua_isnoneornil(L, 2)) {
		check_keys(L, 2, keys);
		ms = int_field(L, 2, "timeout_ms", ms, 1, 600000);
		w.app = str_field(L, 2, "app", NULL);
		w.vm = str_field(L, 2, "vm", NULL);
	}
	struct event ev;
	int got = vmfo_wait(s->m, &w, (uint64_t)ms, NULL, NULL, &ev);
	if (got < 0)
		return luaL_error(L, "interrupted while waiting for %s", w.name);
	if (got == 0)
		return wait_timed_out(L, vmfo_trace(s->m), &w, ms);
	push_event(L, &ev);
	return 1;
}

/* ---- checks and verdicts ---- */

static int l_check(lua_State *L)
{
	struct script *s = script_of(L);
	luaL_checkany(L, 1);
	const char *msg = luaL_optstring(L, 2, "check failed");
	if (!lua_toboolean(L, 1)) {
		luaL_where(L, 1); /* "file:line: " */
		size_t n;
		const char *where = lua_tolstring(L, -1, &n);
		s->failed_checks++;
		if (n > 2)
			fprintf(s->out, "#   check failed: %s (at %.*s)\n", msg, (int)n - 2, where);
		else
			fprintf(s->out, "#   check failed: %s\n", msg);
		fflush(s->out);
		lua_pop(L, 1);
	}
	lua_pushboolean(L, lua_toboolean(L, 1));
	return 1;
}

static int l_claim(lua_State *L)
{
	struct script *s = script_of(L);
	lua_Integer n = luaL_checkinteger(L, 1);
	luaL_argcheck(L, n >= 1 && n <= 9, 1, "claims are numbered 1 to 9");
	struct err e;
	size_t count;
	struct event *ev = vmfo_settled_trace(s->m, 10000, &count, &e);
	if (!ev)
		return luaL_error(L, "%s", e.msg);
	char why[512], line[640];
	enum verdict v = check_claim(ev, count, (int)n, why, sizeof why);
	free(ev);
	check_format((int)n, v, why, line, sizeof line);
	lua_pushboolean(L, v == CLAIM_PASS);
	/* "claim 6: FAIL ..." -> "FAIL ..." */
	const char *colon = strchr(line, ':');
	lua_pushstring(L, colon ? colon + 2 : line);
	return 2;
}

/* ---- reading state ---- */

static const char *vm_name(int vm)
{
	return vm == 0 ? "vm0" : vm == 1 ? "vm1" : NULL;
}

/* A snapshot owned by the Lua state: an error raised while it is read
 * cannot leak it. */
static const struct vmfo_snapshot *snapshot(lua_State *L)
{
	struct vmfo_snapshot *s = lua_newuserdatauv(L, sizeof *s, 0);
	vmfo_snapshot(script_of(L)->m, s);
	return s;
}

static int l_table(lua_State *L)
{
	const struct vmfo_snapshot *s = snapshot(L);
	char units[512];
	int k = 1;
	lua_newtable(L);
	for (int r = 0; r < TABLE_MAX_ROWS; r++) {
		const struct row *row = &s->table.row[r];
		if (!row->used)
			continue;
		lua_createtable(L, 0, 7);
		set_str(L, "name", row->name);
		set_str(L, "kind", row_kind_name(row->kind));
		set_int(L, "mb", row_bytes(&s->table, row) / MB);
		units_format(&row->units, units, sizeof units);
		set_str(L, "units", units);
		set_str(L, "vm", vm_name(row->vm));
		set_str(L, "os", vm_name(row->kind == ROW_APP ? row->control : row->vm));
		set_str(L, "standby", vm_name(row->takeover));
		if (row->kind == ROW_APP) {
			lua_pushboolean(L, row->hot);
			lua_setfield(L, -2, "hot");
		}
		lua_rawseti(L, -2, k++);
	}
	if (!s->free_fragmented) {
		lua_createtable(L, 0, 4);
		set_str(L, "name", "unused");
		set_str(L, "kind", "free");
		set_int(L, "mb", s->nfree * (s->unit_bytes / MB));
		units_format(&s->free_units, units, sizeof units);
		set_str(L, "units", units);
		lua_rawseti(L, -2, k++);
	}
	return 1;
}

static int l_owner(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	const struct vmfo_snapshot *s = snapshot(L);
	const struct vmfo_app_view *a = vmfo_snapshot_app(s, name);
	int row = table_find(&s->table, name);
	const char *owner = NULL;
	if (a)
		owner = vm_name(a->vm);
	else if (row >= 0)
		owner = s->table.row[row].kind == ROW_VMM ? "vmm" : vm_name(s->table.row[row].vm);
	if (!a && row < 0)
		return luaL_argerror(L, 1, lua_pushfstring(L, "no app or table row called '%s'", name));
	lua_pushstring(L, owner ? owner : "free");
	return 1;
}

static int l_role(lua_State *L)
{
	const char *vm = luaL_checkstring(L, 1);
	int i = strcmp(vm, "vm0") == 0 ? 0 : strcmp(vm, "vm1") == 0 ? 1 : -1;
	if (i < 0)
		return luaL_argerror(L, 1, "expected \"vm0\" or \"vm1\"");
	const struct vmfo_snapshot *s = snapshot(L);
	const struct vmfo_os_view *o = &s->os[i];
	lua_pushstring(L, !s->booted || o->state == G_DOWN ? "down"
			  : o->state == G_FAILED	     ? "failed"
							     : o->role);
	return 1;
}

static int l_app_state(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	const struct vmfo_app_view *a = vmfo_snapshot_app(snapshot(L), name);
	char hash[24];
	if (!a)
		return luaL_argerror(L, 1, lua_pushfstring(L, "no app called '%s'", name));
	lua_createtable(L, 0, 6);
	set_str(L, "vm", vm_name(a->vm) ? vm_name(a->vm) : "free");
	set_str(L, "state", app_state_name(a->state));
	set_str(L, "prog", a->prog);
	set_int(L, "seq", a->seq);
	snprintf(hash, sizeof hash, "%016" PRIx64, a->hash);
	set_str(L, "hash", hash);
	set_int(L, "acked", a->acked);
	lua_pushboolean(L, a->hot);
	lua_setfield(L, -2, "hot");
	return 1;
}

/* vmfo.trace([n]): every event, or only the last n. */
static int l_trace(lua_State *L)
{
	struct trace *t = vmfo_trace(script_of(L)->m);
	lua_Integer last = luaL_optinteger(L, 1, 0);
	luaL_argcheck(L, last >= 0, 1, "n must not be negative");
	/* Event by event, only the ones asked for: a long soak asks for
	 * the last few after every round, and copying the whole trace each
	 * time would cost time and memory in proportion to its length. */
	size_t n = trace_count(t);
	size_t first = last && (size_t)last < n ? n - (size_t)last : 0;
	struct event ev;
	lua_createtable(L, (int)(n - first), 0);
	for (size_t i = first; i < n && trace_get(t, i, &ev); i++) {
		push_event(L, &ev);
		lua_rawseti(L, -2, (lua_Integer)(i - first) + 1);
	}
	return 1;
}

static const luaL_Reg vmfo_lib[] = {
	{ "boot", l_boot }, { "app", l_app }, { "grow", l_grow }, { "fault", l_fault },
	{ "wait", l_wait }, { "check", l_check }, { "claim", l_claim }, { "table", l_table },
	{ "owner", l_owner }, { "role", l_role }, { "app_state", l_app_state },
	{ "trace", l_trace }, { "sleep", l_sleep }, { "reset", l_reset },
	{ "reprotect", l_reprotect }, { "corrupt", l_corrupt }, { "cmd", l_cmd }, { NULL, NULL },
};

void script_open_vmfo_lib(lua_State *L)
{
	luaL_newlib(L, vmfo_lib);
	script_open_io(L);
	lua_setglobal(L, "vmfo");
}
