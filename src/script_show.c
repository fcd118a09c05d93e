/* script_show.c — how the console's `lua EXPR` shows a value: a table by
 * its contents, as Lua source would write it, instead of Lua's own
 * `table: 0x...`, which tells a student nothing. A list of tables (what
 * vmfo.table() and vmfo.apps() return) gets a line per element. */
#include "script_int.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

/* Deeper tables are shown as {...}; longer ones end with "...". */
#define SHOW_DEPTH 3
#define SHOW_ITEMS 64

static void show_inline(lua_State *L, int idx, FILE *out, int depth);

/* A string quoted as Lua would read it back; anything else as tostring. */
static void show_scalar(lua_State *L, int idx, FILE *out)
{
	if (lua_type(L, idx) != LUA_TSTRING) {
		fputs(luaL_tolstring(L, idx, NULL), out);
		lua_pop(L, 1);
		return;
	}
	size_t n;
	const unsigned char *p = (const unsigned char *)lua_tolstring(L, idx, &n);
	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			fprintf(out, "\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] == 0x7f)
			fprintf(out, "\\%u", p[i]);
		else
			fputc(p[i], out);
	}
	fputc('"', out);
}

/* A table that says how to show itself (__tostring) is shown its way. */
static bool shows_itself(lua_State *L, int idx)
{
	if (luaL_getmetafield(L, idx, "__tostring") == LUA_TNIL)
		return false;
	lua_pop(L, 1);
	return true;
}

static void show_value(lua_State *L, int idx, FILE *out, int depth)
{
	if (lua_type(L, idx) == LUA_TTABLE && !shows_itself(L, idx)) {
		show_inline(L, idx, out, depth);
	} else if (lua_type(L, idx) == LUA_TTABLE) {
		fputs(luaL_tolstring(L, idx, NULL), out);
		lua_pop(L, 1);
	} else {
		show_scalar(L, idx, out);
	}
}

/* A key as Lua writes it in a constructor: name = or [key] =. */
static void show_key(lua_State *L, int idx, FILE *out)
{
	size_t n;
	const char *k = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &n) : NULL;
	bool name = k && n && strspn(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") == n &&
		    !(k[0] >= '0' && k[0] <= '9');
	if (name) {
		fputs(k, out);
	} else {
		fputc('[', out);
		show_scalar(L, idx, out);
		fputc(']', out);
	}
	fputs(" = ", out);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool in_sequence(lua_State *L, int key, lua_Integer len)
{
	return lua_isinteger(L, key) && lua_tointeger(L, key) >= 1 && lua_tointeger(L, key) <= len;
}

/* The table at idx on one line: its sequence 1..n first, in order, then
 * its names in alphabetical order, then any other keys. */
static void show_inline(lua_State *L, int idx, FILE *out, int depth)
{
	if (depth >= SHOW_DEPTH) {
		fputs("{...}", out);
		return;
	}
	idx = lua_absindex(L, idx);
	luaL_checkstack(L, 8, "showing a table");
	lua_Integer len = (lua_Integer)lua_rawlen(L, idx);
	const char *names[SHOW_ITEMS];
	int nnames = 0, shown = 0;
	bool more = false;
	fputc('{', out);
	for (lua_Integer i = 1; i <= len && shown < SHOW_ITEMS; i++, shown++) {
		fputs(shown ? ", " : "", out);
		lua_rawgeti(L, idx, i);
		show_value(L, -1, out, depth + 1);
		lua_pop(L, 1);
	}
	more = len > SHOW_ITEMS;
	/* The names are kept in a table of our own while they are shown: a
	 * value's __tostring could take them out of the one shown. */
	lua_createtable(L, SHOW_ITEMS, 0);
	int kept = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			continue;
		if (nnames == SHOW_ITEMS) {
			more = true;
			continue;
		}
		lua_pushvalue(L, -1);
		lua_rawseti(L, kept, ++nnames);
		lua_rawgeti(L, kept, nnames);
		names[nnames - 1] = lua_tostring(L, -1);
		lua_pop(L, 1);
	}
	qsort(names, (size_t)nnames, sizeof *names, by_name);
	for (int i = 0; i < nnames; i++, shown++) {
		if (shown == SHOW_ITEMS) {
			more = true;
			break;
		}
		fputs(shown ? ", " : "", out);
		lua_pushstring(L, names[i]);
		show_key(L, -1, out);
		lua_rawget(L, idx);
		show_value(L, -1, out, depth + 1);
		lua_pop(L, 1);
	}
	lua_pop(L, 1); /* the names kept */
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		if (lua_type(L, -2) != LUA_TSTRING && !in_sequence(L, -2, len)) {
			if (shown == SHOW_ITEMS) {
				more = true;
				lua_pop(L, 2);
				break;
			}
			fputs(shown++ ? ", " : "", out);
			show_key(L, -2, out);
			show_value(L, -1, out, depth + 1);
		}
		lua_pop(L, 1);
	}
	fputs(more ? ", ...}" : "}", out);
}

/* Whether the table at idx is a list of tables and nothing else. */
static bool list_of_tables(lua_State *L, int idx)
{
	lua_Integer len = (lua_Integer)lua_rawlen(L, idx), keys = 0;
	if (len == 0)
		return false;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		bool item = in_sequence(L, -2, len) && lua_type(L, -1) == LUA_TTABLE;
		lua_pop(L, 1);
		if (!item) {
			lua_pop(L, 1);
			return false;
		}
		keys++;
	}
	return keys == len;
}

void script_show(lua_State *L, int idx, FILE *out)
{
	idx = lua_absindex(L, idx);
	if (lua_type(L, idx) != LUA_TTABLE || shows_itself(L, idx)) { /* as print and Lua's REPL show it */
		fputs(luaL_tolstring(L, idx, NULL), out);
		lua_pop(L, 1);
		return;
	}
	if (!list_of_tables(L, idx)) {
		show_inline(L, idx, out, 0);
		return;
	}
	lua_Integer len = (lua_Integer)lua_rawlen(L, idx);
	fputs("{\n", out);
	for (lua_Integer i = 1; i <= len && i <= SHOW_ITEMS; i++) {
		fputs("  ", out);
		lua_rawgeti(L, idx, i);
		show_value(L, -1, out, 1);
		lua_pop(L, 1);
		fputs(",\n", out);
	}
	fputs(len > SHOW_ITEMS ? "  ...\n}" : "}", out);
}
