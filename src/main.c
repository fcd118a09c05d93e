/* main.c — command-line options, then the console, -c commands, or a mode. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "bench.h"
#include "bench_compare.h"
#include "chart.h"
#include "client.h"
#include "cmd.h"
#include "console.h"
#include "history.h"
#include "script.h"
#include "serve.h"
#include "tracefile.h"
#include "vmfo.h"

enum exit_code { EXIT_OK = 0, EXIT_CHECK = 1, EXIT_USAGE = 2, EXIT_ENV = 3 };

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: vmfo [OPTIONS]                 console (batch when stdin is not a terminal)\n"
		"       vmfo [OPTIONS] -c 'CMD; CMD'   run commands, then exit\n"
		"       vmfo [OPTIONS] run [-v] FILE.lua... run Lua scenarios, each on a fresh pair\n"
		"                                      (-v: the events each made, below its result)\n"
		"       vmfo [OPTIONS] bench [--json] [--quick] [--runs N] [--compare OLD.json [NEW.json]]\n"
		"              [--plot DIR]            benchmarks; --compare: each figure's change;\n"
		"                                      --plot: figures as SVG, PDF, PNG into DIR\n"
		"       vmfo bench --plot DIR --from DOC.json [--dump]\n"
		"                                      plot a saved --json document (needs no\n"
		"                                      /dev/kvm); --dump: each figure's model\n"
		"       vmfo check FILE.jsonl [--claim N]   judge claims 1-9 from a saved trace\n"
		"                                           (needs no /dev/kvm)\n"
		"       vmfo trace FILE.jsonl --svg|--pdf|--png OUT [--fo N] [--to-scale] [--dump]\n"
		"                                           draw its failovers as a message sequence\n"
		"                                           chart (needs no /dev/kvm); --handout\n"
		"                                           OUT.pdf: one A4 page of them and claims 1-9\n"
		"       vmfo check --history FILE           judge a client history: no\n"
		"                                           acknowledged write lost or answered twice\n"
		"       vmfo client SOCKET [--clients N] [--ms T] [--requests N] [--keys K]\n"
		"              [--timeout-ms T] [--seed S] [--history FILE]\n"
		"                                           clients against an app served on SOCKET:\n"
		"                                           load for T ms (default 2000), then read\n"
		"                                           back what each was acknowledged\n"
		"       vmfo --help | --version\n"
		"\n"
		"A virtual machine monitor that runs an active and a standby OS under KVM and,\n"
		"when the active side fails, moves its storage to the standby.\n"
		"\n"
		"options:\n"
		"  --pool-mb N       storage the VMM manages (default 256)\n"
		"  --unit-kb N       size of one storage unit, a multiple of 2048 (default 2048)\n"
		"  --active-mb N     storage for the active OS: sufficient (default 64)\n"
		"  --standby-mb N    storage for the standby OS: insufficient (default 8)\n"
		"  --heartbeat-ms N  guest heartbeat period, 0 for none (default 10)\n"
		"  --miss N          heartbeats lost before an OS hang is declared (default 3)\n"
		"  --app-watchdog-ms N  an app's own run time without progress before its OS\n"
		"                    declares it hung (default 0: three timer ticks)\n"
		"  --trace FILE      write every event to FILE as JSON lines (a write error\n"
		"                    is reported and makes the exit status 1)\n"
		"  --pace MS         slow each failover step by MS (default 0)\n"
		"  --lua-mem-mb N    memory one Lua state may use (default 256)\n"
		"  --no-color        no colour in output\n"
		"  --view            open the live view at once (boots the pair first)\n"
		"  -c CMDS           run the ;-separated commands and exit\n"
		"\n"
		"exit status: 0 success, 1 a command or check failed, 2 usage or script error,\n"
		"             3 no usable /dev/kvm, 129 or 143 ended by SIGHUP or SIGTERM\n");
}

/* Only flags: everything else happens where the main thread notices them. */
static void on_signal(int sig)
{
	if (sig == SIGINT)
		interrupt_raise();
	else
		terminate_raise(sig);
}

/* SIGINT stops a wait, a sleep, a script or a command list, not vmfo;
 * SIGTERM and SIGHUP unwind everything and end vmfo through the same
 * tear-down as quit. No SA_RESTART: the console's poll() and read() must
 * return to look at the flags. */
static void install_signal_handlers(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* vmfo_close(), then the exit status: a trace file that could not be
 * written in full fails a run that would otherwise pass. */
static int tear_down(struct vmfo *m, int rc)
{
	struct err e;
	serve_stop_all(); /* its connections call into m */
	if (vmfo_close(m, &e)) {
		if (e.msg[0])
			fprintf(stderr, "vmfo: %s\n", e.msg);
		if (rc == EXIT_OK)
			rc = EXIT_CHECK;
	}
	return rc;
}

/* The exit status after tear-down: 128 + the signal's number when SIGTERM
 * or SIGHUP ended the run, as a shell reports a process killed by it, but
 * reached with the guests stopped and the trace written out. */
static int exit_status(int rc)
{
	int sig = terminate_pending();
	if (!sig)
		return rc;
	fprintf(stderr, "vmfo: %s: guests stopped, exiting\n",
		sig == SIGTERM ? "SIGTERM" : "SIGHUP");
	return 128 + sig;
}

#define CHECK_USAGE "usage: vmfo check FILE.jsonl [--claim N] | vmfo check --history FILE"

/* What 'vmfo check' was asked to judge: a trace (path, claim) or a
 * client history. */
struct check_args {
	const char *path, *history;
	uint64_t claim;
};

/* -1 to go on, else the exit status of a usage error already reported. */
static int parse_check(int argc, char **argv, struct check_args *a)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--claim") == 0 && !a->claim) {
			if (i + 1 == argc || parse_u64(argv[i + 1], 1, 9, &a->claim)) {
				fprintf(stderr, "vmfo: check: --claim %s%s%s: expected a claim number "
						"from 1 to 9\n", i + 1 < argc ? "'" : "",
					i + 1 < argc ? argv[i + 1] : "without a number",
					i + 1 < argc ? "'" : "");
				return EXIT_USAGE;
			}
			i++;
		} else if (strcmp(argv[i], "--history") == 0 && !a->history) {
			if (i + 1 == argc) {
				fprintf(stderr, "vmfo: check: --history needs the history FILE to "
						"judge\n");
				return EXIT_USAGE;
			}
			a->history = argv[++i];
		} else if (!a->path && argv[i][0] != '-') {
			a->path = argv[i];
		} else {
			fprintf(stderr, "vmfo: check: unexpected argument '%s' (" CHECK_USAGE ")\n",
				argv[i]);
			return EXIT_USAGE;
		}
	}
	if (a->history && (a->path || a->claim)) {
		fprintf(stderr, "vmfo: check: --history and %s do not go together (" CHECK_USAGE
				")\n", a->claim ? "--claim" : "a trace file");
		return EXIT_USAGE;
	}
	if (!a->path && !a->history) {
		fprintf(stderr, "vmfo: check needs the trace file to judge (" CHECK_USAGE ")\n");
		return EXIT_USAGE;
	}
	return -1;
}

/* Judge a client history: the report on stdout; 0 pass, 1 fail, 2 when
 * the file cannot be read or is not a history. */
static int check_history(const char *path)
{
	struct history_verdict v;
	struct err e;
	int rc = history_check(path, stdout, &v, &e);
	if (rc < 0) {
		fprintf(stderr, "vmfo: %s\n", e.msg);
		return EXIT_USAGE;
	}
	if (fflush(stdout) == EOF) {
		perror("vmfo: writing the verdict");
		return EXIT_CHECK;
	}
	return rc ? EXIT_CHECK : EXIT_OK;
}

/* Judge claims 1-9 (or only claim) on a saved trace. */
static int check_trace(const char *path, int claim)
{
	struct err e;
	size_t n;
	struct event *ev = trace_read_jsonl(path, &n, &e);
	if (!ev) {
		fprintf(stderr, "vmfo: %s\n", e.msg);
		return EXIT_USAGE;
	}
	struct cmd_ctx ctx = { .m = NULL, .out = stdout, .err = stderr };
	int rc = cmd_check_events(&ctx, ev, n, claim);
	free(ev);
	if (fflush(stdout) == EOF) {
		perror("vmfo: writing the verdicts");
		return EXIT_CHECK;
	}
	return rc ? EXIT_CHECK : EXIT_OK;
}

/* vmfo check FILE [--claim N]: the console's 'check' on a trace saved by
 * --trace or 'trace save'; vmfo check --history FILE: a client history.
 * Either only reads the file, so it runs before the monitor exists and
 * never opens /dev/kvm: a file recorded on one machine can be judged on
 * any other. */
static int check_file(int argc, char **argv, const char *live_option)
{
	struct check_args a = { 0 };
	int rc = parse_check(argc, argv, &a);
	if (rc >= 0)
		return rc;
	if (live_option) {
		fprintf(stderr, "vmfo: check FILE judges a saved trace; %s does not go with it\n",
			live_option);
		return EXIT_USAGE;
	}
	return a.history ? check_history(a.history) : check_trace(a.path, (int)a.claim);
}

struct number_option {
	const char *name;
	uint64_t min, max;
	uint64_t *dst;
};

#define CLIENT_USAGE "usage: vmfo client SOCKET [--clients N] [--ms T] [--requests N] " \
	"[--keys K] [--timeout-ms T] [--seed S] [--history FILE]"

/* The number after a client option into no->dst: 0, or the exit status
 * of a usage error already reported. */
static int client_number(const struct number_option *no, const char *value)
{
	if (value && !parse_u64(value, no->min, no->max, no->dst))
		return 0;
	fprintf(stderr, "vmfo: client: --%s%s%s%s: expected a whole number from %llu to %llu\n",
		no->name, value ? " '" : " without a number", value ? value : "", value ? "'" : "",
		(unsigned long long)no->min, (unsigned long long)no->max);
	return EXIT_USAGE;
}

/* vmfo client SOCKET [OPTIONS] into o: -1 to go on, else the exit status. */
static int parse_client(int argc, char **argv, struct client_opts *o)
{
	uint64_t clients = o->clients, keys = o->keys;
	const struct number_option numbers[] = {
		{ "clients", 1, 64, &clients },
		{ "ms", 0, 86400000, &o->ms },
		{ "requests", 0, UINT32_MAX, &o->requests },
		{ "keys", 1, 1u << 20, &keys },
		{ "timeout-ms", 1, 3600000, &o->timeout_ms },
		{ "seed", 0, UINT64_MAX, &o->seed },
	};
	for (int i = 1; i < argc; i++) {
		const struct number_option *no = NULL;
		for (size_t k = 0; k < ARRAY_SIZE(numbers) && strncmp(argv[i], "--", 2) == 0; k++)
			if (strcmp(argv[i] + 2, numbers[k].name) == 0)
				no = &numbers[k];
		if (no && client_number(no, i + 1 < argc ? argv[i + 1] : NULL))
			return EXIT_USAGE;
		if (no) {
			i++;
		} else if (strcmp(argv[i], "--history") == 0 && i + 1 < argc) {
			o->history = argv[++i];
		} else if (!o->socket && argv[i][0] != '-') {
			o->socket = argv[i];
		} else {
			fprintf(stderr, "vmfo: client: unexpected argument '%s' ("
					CLIENT_USAGE ")\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (!o->socket) {
		fprintf(stderr, "vmfo: client needs the socket of a served app ("
				CLIENT_USAGE ")\n");
		return EXIT_USAGE;
	}
	o->clients = (unsigned)clients;
	o->keys = (unsigned)keys;
	return -1;
}

/* vmfo client SOCKET: clients against an app some vmfo serves. Like check,
 * it runs before any monitor exists and needs no /dev/kvm. The load phase
 * runs for --ms or --requests, or until Ctrl-C; then the verify phase. */
static int client_mode(int argc, char **argv, const char *live_option)
{
	struct client_opts o;
	client_defaults(&o);
	int rc = parse_client(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (live_option) {
		fprintf(stderr, "vmfo: client talks to a served app; %s does not go with it\n",
			live_option);
		return EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	install_signal_handlers();
	struct err e;
	struct client_run *r = client_start(&o, &e);
	if (!r) {
		fprintf(stderr, "vmfo: client: %s\n", e.msg);
		return EXIT_CHECK;
	}
	while (client_running(r) && !interrupt_pending())
		sleep_ms(10);
	struct client_summary s;
	char line[256];
	rc = client_finish(r, &s, &e);
	client_summary_format(&s, line, sizeof line);
	printf("%s\n", line);
	if (rc)
		fprintf(stderr, "vmfo: client: %s\n", e.msg);
	if (fflush(stdout) == EOF) {
		perror("vmfo: client: writing the summary");
		rc = -1;
	}
	int sig = terminate_pending();
	return sig ? 128 + sig : rc ? EXIT_CHECK : EXIT_OK;
}

/* What the command line asked for. */
struct options {
	struct config cfg;
	const char *commands;  /* -c */
	bool view_first;       /* --view */
	int mode_at;           /* argv index of a mode word (run, bench, check, trace, client),
				* or argc */
};

/* Parse the options before the mode word. -1 to go on, else the exit
 * status (--help, --version, or a usage error already reported). */
static int parse_options(int argc, char **argv, struct options *o)
{
	struct config *cfg = &o->cfg;
	const struct number_option numbers[] = {
		{ "pool-mb", 4, 16384, &cfg->pool_mb },
		{ "unit-kb", 1, 1048576, &cfg->unit_kb },
		{ "active-mb", 1, 16384, &cfg->active_mb },
		{ "standby-mb", 1, 16384, &cfg->standby_mb },
		{ "heartbeat-ms", 0, 4000, &cfg->heartbeat_ms },
		{ "miss", 1, 1000, &cfg->miss },
		{ "app-watchdog-ms", 0, 60000, &cfg->app_watchdog_ms },
		{ "pace", 0, 60000, &cfg->pace_ms },
		{ "lua-mem-mb", 1, 65536, &cfg->lua_mem_mb },
	};
	enum { OPT_TRACE = 256, OPT_NO_COLOR, OPT_HELP, OPT_VERSION, OPT_VIEW, OPT_NUMBER };
	struct option longopts[ARRAY_SIZE(numbers) + 6];
	size_t n = 0;
	for (; n < ARRAY_SIZE(numbers); n++)
		longopts[n] = (struct option){ numbers[n].name, required_argument, NULL, OPT_NUMBER + (int)n };
	longopts[n++] = (struct option){ "trace", required_argument, NULL, OPT_TRACE };
	longopts[n++] = (struct option){ "no-color", no_argument, NULL, OPT_NO_COLOR };
	longopts[n++] = (struct option){ "help", no_argument, NULL, OPT_HELP };
	longopts[n++] = (struct option){ "version", no_argument, NULL, OPT_VERSION };
	longopts[n++] = (struct option){ "view", no_argument, NULL, OPT_VIEW };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };

	opterr = 0;
	/* '+': options end at the mode word, so bench can have its own. */
	for (int opt; (opt = getopt_long(argc, argv, "+:c:h", longopts, NULL)) != -1;) {
		switch (opt) {
		case 'c':
			o->commands = optarg;
			break;
		case 'h':
		case OPT_HELP:
			print_usage(stdout);
			return EXIT_OK;
		case OPT_VERSION:
			printf("vmfo %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		case OPT_TRACE:
			cfg->trace_path = optarg;
			break;
		case OPT_NO_COLOR:
			cfg->no_color = true;
			break;
		case OPT_VIEW:
			o->view_first = true;
			break;
		case ':':
			fprintf(stderr, "vmfo: option %s needs a value\n", argv[optind - 1]);
			return EXIT_USAGE;
		case '?':
			fprintf(stderr, "vmfo: unknown option '%s' (try --help)\n", argv[optind - 1]);
			return EXIT_USAGE;
		default: {
			const struct number_option *no = &numbers[opt - OPT_NUMBER];
			if (parse_u64(optarg, no->min, no->max, no->dst)) {
				fprintf(stderr, "vmfo: --%s '%s': expected a whole number from %llu to %llu\n",
					no->name, optarg, (unsigned long long)no->min,
					(unsigned long long)no->max);
				return EXIT_USAGE;
			}
		}
		}
	}
	o->mode_at = optind;
	return -1;
}

/* The console, or -c: the command language on a running pair. */
static int run_commands(struct vmfo *m, const struct options *o)
{
	struct cmd_ctx ctx = { .m = m, .out = stdout, .err = stderr };
	/* Colour only for a person at a terminal who has not asked for none. */
	ctx.color = isatty(STDOUT_FILENO) && !o->cfg.no_color && !getenv("NO_COLOR");
	int failed = 0;
	if (o->view_first)
		failed += cmd_exec_list(&ctx, "boot; view");
	failed += o->commands ? console_run_list(&ctx, o->commands) : console_run(&ctx);
	failed += cmd_end(&ctx) != 0;
	script_free(ctx.lua);
	return failed ? EXIT_CHECK : EXIT_OK;
}

/* vmfo bench --plot DIR --from DOC.json: 2 for a document that cannot be
 * plotted, 1 for figures that cannot be written, as for vmfo trace. */
static int plot_saved(const struct bench_opts *b)
{
	struct err e;
	int rc = bench_plot_file(b->from, b->plot, b->dump ? stdout : NULL, &e);
	if (rc != BENCH_PLOT_OK) {
		fprintf(stderr, "vmfo: %s\n", e.msg);
		return rc == BENCH_PLOT_BAD_DOCUMENT ? EXIT_USAGE : EXIT_CHECK;
	}
	if (fflush(stdout) == EOF) {
		perror("vmfo: bench: writing the plots' models");
		return EXIT_CHECK;
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	config_defaults(&o.cfg);
	now_us(); /* fix the trace's time origin */
	int rc = parse_options(argc, argv, &o);
	if (rc >= 0)
		return rc;
	int at = o.mode_at;
	const char *mode = at < argc ? argv[at] : "";
	const char *live = o.commands ? "-c" : o.view_first ? "--view"
			 : o.cfg.trace_path ? "--trace" : NULL;
	if (strcmp(mode, "check") == 0)
		return check_file(argc - at, argv + at, live);
	if (strcmp(mode, "trace") == 0)
		return chart_main(argc - at, argv + at, live);
	if (strcmp(mode, "client") == 0)
		return client_mode(argc - at, argv + at, live);
	bool run_mode = strcmp(mode, "run") == 0;
	bool bench_mode = strcmp(mode, "bench") == 0;
	struct bench_opts bench;
	if (bench_mode) {
		struct err be;
		if (bench_parse(argc - at, argv + at, &bench, &be)) {
			fprintf(stderr, "vmfo: %s\n", be.msg);
			return EXIT_USAGE;
		}
		bool pool_given = false;
		for (int i = 1; i < at; i++)
			pool_given |= strncmp(argv[i], "--pool-mb", 9) == 0;
		if (!pool_given)
			o.cfg.pool_mb = bench_pool_mb(&bench);
		if (bench.against) { /* two documents: nothing to run, no KVM */
			if (!bench_compare_files(bench.compare, bench.against, stdout, &be))
				return EXIT_OK;
			fprintf(stderr, "vmfo: %s\n", be.msg);
			return EXIT_USAGE;
		}
		if (bench.help) {
			print_usage(stdout);
			return EXIT_OK;
		}
		if (bench.from) /* a saved document: nothing to run, no KVM */
			return plot_saved(&bench);
		/* Before a run of minutes, not after it. */
		if (bench.plot && bench_plot_dir(bench.plot, &be)) {
			fprintf(stderr, "vmfo: %s\n", be.msg);
			return EXIT_CHECK;
		}
	}
	/* vmfo run -v FILE...: the events each scenario made, below its verdict. */
	bool run_verbose = run_mode && at + 1 < argc &&
			   (strcmp(argv[at + 1], "-v") == 0 || strcmp(argv[at + 1], "--verbose") == 0);
	if (run_verbose)
		at++;
	if (run_mode && (o.commands || at + 1 == argc)) {
		fprintf(stderr, "vmfo: %s\n", o.commands ? "run and -c do not go together"
							  : "run needs at least one FILE.lua");
		return EXIT_USAGE;
	}
	if (!run_mode && !bench_mode && at < argc) {
		fprintf(stderr, "vmfo: unexpected argument '%s' (try --help)\n", argv[at]);
		return EXIT_USAGE;
	}

	struct err e;
	if (config_check(&o.cfg, &e)) {
		fprintf(stderr, "vmfo: %s\n", e.msg);
		return EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	install_signal_handlers();
	bool kvm_failed;
	struct vmfo *m = vmfo_open(&o.cfg, &kvm_failed, &e);
	if (!m) {
		fprintf(stderr, "vmfo: %s\n", e.msg);
		return exit_status(kvm_failed ? EXIT_ENV : EXIT_USAGE);
	}
	if (bench_mode)
		rc = bench_run(m, &bench, stdout);
	else if (run_mode)
		rc = script_run_files(m, argv + at + 1, argc - at - 1, stdout, cmd_capture, run_verbose);
	else
		rc = run_commands(m, &o);
	return exit_status(tear_down(m, rc));
}
