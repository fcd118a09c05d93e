/* cmd_verbs.h — inside the command layer: the handlers of the commands
 * that act on or show the pair (cmd_pair.c), the ones that run the session
 * (cmd.c), and the helpers both use. Front ends include cmd.h only. */
#ifndef VMFO_CMD_VERBS_H
#define VMFO_CMD_VERBS_H

#include "cmd.h"

/* Print one "error: ..." line; returns -1. */
int cmd_fail(struct cmd_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for an error of the typed API, with the console's way on when
 * it is a refusal while a step waits (vmfo_refused_paused). */
int cmd_fail_err(struct cmd_ctx *c, const struct err *e);
/* "error: usage: <the command's usage>"; returns -1. */
int cmd_usage(struct cmd_ctx *c, const char *name);
/* Whether the first n bytes of s hold a command, not a blank or a comment. */
bool cmd_has_command(const char *s, size_t n);
/* After Ctrl-C: "<where>interrupted: N commands not run"; returns -1. */
int cmd_interrupted(struct cmd_ctx *c, const char *where, int skipped);
/* An event line as the console shows it: coloured, explained when asked. */
void cmd_print_event(struct cmd_ctx *c, const struct event *ev);
/* cmd_print_new as a callback for the waits (arg: the cmd_ctx). */
void cmd_print_new_tick(void *c);

/* cmd_pair.c */
int cmd_boot(struct cmd_ctx *c, int argc, char **argv);
int cmd_reset(struct cmd_ctx *c, int argc, char **argv);
int cmd_status(struct cmd_ctx *c, int argc, char **argv);
int cmd_table(struct cmd_ctx *c, int argc, char **argv);
int cmd_map(struct cmd_ctx *c, int argc, char **argv);
int cmd_log(struct cmd_ctx *c, int argc, char **argv);
int cmd_app(struct cmd_ctx *c, int argc, char **argv);
int cmd_fault(struct cmd_ctx *c, int argc, char **argv);
int cmd_hostile(struct cmd_ctx *c, int argc, char **argv);
int cmd_reprotect(struct cmd_ctx *c, int argc, char **argv);
int cmd_invariants(struct cmd_ctx *c, int argc, char **argv);
int cmd_check(struct cmd_ctx *c, int argc, char **argv);
int cmd_pace(struct cmd_ctx *c, int argc, char **argv);
int cmd_step(struct cmd_ctx *c, int argc, char **argv);
/* cmd_session.c */
int cmd_sleep(struct cmd_ctx *c, int argc, char **argv);
int cmd_explain(struct cmd_ctx *c, int argc, char **argv);
int cmd_events(struct cmd_ctx *c, int argc, char **argv);
int cmd_source(struct cmd_ctx *c, int argc, char **argv);
int cmd_time(struct cmd_ctx *c, int argc, char **argv);
int cmd_view(struct cmd_ctx *c, int argc, char **argv);
int cmd_run(struct cmd_ctx *c, int argc, char **argv);
int cmd_lua(struct cmd_ctx *c, int argc, char **argv);
int cmd_help(struct cmd_ctx *c, int argc, char **argv);
int cmd_quit(struct cmd_ctx *c, int argc, char **argv);
/* cmd_io.c */
int cmd_serve(struct cmd_ctx *c, int argc, char **argv);
int cmd_client(struct cmd_ctx *c, int argc, char **argv);
/* End the console's clients, if any run (their verify phase, the history,
 * the summary line): 'client stop', and the session's end. */
int cmd_client_stop_all(struct cmd_ctx *c);
/* 'check --history FILE': judge a client history (history.h). */
int cmd_check_history(struct cmd_ctx *c, const char *path);
/* cmd_complete.c */
int cmd_complete_line(struct cmd_ctx *c, int argc, char **argv);
/* cmd_trace.c */
int cmd_trace(struct cmd_ctx *c, int argc, char **argv);
int cmd_wait(struct cmd_ctx *c, int argc, char **argv);

#endif
