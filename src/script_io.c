/* script_io.c — the I/O control unit in Lua: vmfo.serve(name) serves an
 * app's channel, vmfo.client{...} runs clients against it and, when
 * stopped, judges their history. A script names no paths: sockets and
 * histories lie in the process's own directory (serve_private_path), and
 * a history is kept there only when it fails, for the user to read. */
#include "script_int.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "history.h"
#include "serve.h"

#define CLIENT_META "vmfo.client"

struct lua_client {
	struct client_run *run; /* NULL once stopped */
	char history[256];
};

/* vmfo.serve(name): open app name's channel on a socket of its own;
 * returns the socket's path (an outside `vmfo client` may use it too). A
 * server left from before (an earlier scenario's app of that name) goes
 * first. */
static int l_serve(lua_State *L)
{
	struct err e;
	char path[256], sock[64];
	const char *name = luaL_checkstring(L, 1);
	snprintf(sock, sizeof sock, "%s.sock", name);
	serve_stop(name, &e);
	if (serve_private_path(sock, path, sizeof path, &e) ||
	    serve_start(script_of(L)->m, name, path, &e))
		return raise_err(L, &e);
	lua_pushstring(L, path);
	return 1;
}

/* vmfo.client{app=, clients=4, keys=16, ms=0}: clients on app's socket
 * (vmfo.serve first) until :stop() (or for ms); returns the run. */
static int l_client(lua_State *L)
{
	static const char *const keys[] = { "app", "clients", "keys", "ms", NULL };
	static unsigned runs;
	struct err e;
	char sock[64], path[256];
	check_keys(L, 1, keys);
	const char *app = str_field(L, 1, "app", NULL);
	if (!app)
		return luaL_argerror(L, 1, "app is required");
	struct client_opts o;
	client_defaults(&o);
	o.clients = (unsigned)int_field(L, 1, "clients", 4, 1, 64);
	o.keys = (unsigned)int_field(L, 1, "keys", 16, 1, 1000000);
	o.ms = (uint64_t)int_field(L, 1, "ms", 0, 0, 3600000);
	o.timeout_ms = SERVE_CLIENT_WAIT_MS;
	struct lua_client *c = lua_newuserdatauv(L, sizeof *c, 0);
	c->run = NULL;
	snprintf(sock, sizeof sock, "%s.sock", app);
	char name[64];
	snprintf(name, sizeof name, "%s-%u.jsonl", app, ++runs);
	if (serve_private_path(sock, path, sizeof path, &e) ||
	    serve_private_path(name, c->history, sizeof c->history, &e))
		return raise_err(L, &e);
	o.socket = path;
	o.history = c->history;
	c->run = client_start(&o, &e);
	if (!c->run)
		return raise_err(L, &e);
	luaL_setmetatable(L, CLIENT_META);
	return 1;
}

/* The verdict as a table; the history file stays only when it failed. */
static void push_verdict(lua_State *L, struct lua_client *c, const struct history_verdict *v)
{
	lua_createtable(L, 0, 14);
	lua_pushboolean(L, v->pass);
	lua_setfield(L, -2, "pass");
	set_int(L, "requests", v->requests);
	set_int(L, "ok", v->ok);
	set_int(L, "unavailable", v->unavailable);
	set_int(L, "indeterminate", v->indeterminate);
	set_int(L, "refused", v->refused);
	set_int(L, "retried", v->retried);
	set_int(L, "acked_writes", v->acked_writes);
	set_int(L, "lost", v->lost);
	set_int(L, "twice", v->twice);
	lua_pushnumber(L, v->blackout_ms);
	lua_setfield(L, -2, "blackout_ms");
	lua_pushnumber(L, v->longest_wait_ms);
	lua_setfield(L, -2, "slowest_ms");
	if (v->pass)
		unlink(c->history);
	else
		set_str(L, "history", c->history);
}

/* run:stop(): end the load, read back, judge the history. Returns the
 * verdict: pass, lost, twice, blackout_ms, the counts; `history` names
 * the file when it failed. */
static int l_client_stop(lua_State *L)
{
	struct lua_client *c = luaL_checkudata(L, 1, CLIENT_META);
	struct err e;
	struct client_summary s;
	struct history_verdict v;
	if (!c->run)
		return luaL_error(L, "these clients were stopped already");
	int rc = client_finish(c->run, &s, &e);
	c->run = NULL;
	if (rc)
		return raise_err(L, &e);
	FILE *quiet = fopen("/dev/null", "w");
	rc = quiet ? history_check(c->history, quiet, &v, &e) : -1;
	if (quiet)
		fclose(quiet);
	else
		err_set(&e, "cannot open /dev/null to judge the history");
	if (rc < 0)
		return raise_err(L, &e);
	push_verdict(L, c, &v);
	return 1;
}

/* run:running(): whether the load phase still goes on. */
static int l_client_running(lua_State *L)
{
	struct lua_client *c = luaL_checkudata(L, 1, CLIENT_META);
	lua_pushboolean(L, c->run && client_running(c->run));
	return 1;
}

/* A run the script dropped without stopping: its threads end with it. */
static int l_client_gc(lua_State *L)
{
	struct lua_client *c = luaL_checkudata(L, 1, CLIENT_META);
	struct client_summary s;
	struct err e;
	if (c->run) {
		client_finish(c->run, &s, &e);
		c->run = NULL;
		unlink(c->history);
	}
	return 0;
}

void script_open_io(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "stop", l_client_stop }, { "running", l_client_running }, { NULL, NULL },
	};
	luaL_newmetatable(L, CLIENT_META);
	luaL_newlib(L, methods);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, l_client_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
	lua_pushcfunction(L, l_serve);
	lua_setfield(L, -2, "serve");
	lua_pushcfunction(L, l_client);
	lua_setfield(L, -2, "client");
}
