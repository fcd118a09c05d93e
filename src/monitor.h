/* monitor.h — the VMM's policy: boots the active/standby pair on the pool,
 * keeps the resource table, watches heartbeats, handles what guests report.
 * Private to the core: front ends use the typed API in vmfo.h.
 *
 * This header is the whole interface; each part lives in a file of its own
 * (docs/architecture.md, "Modules"), layered so that no file includes one
 * above it:
 *
 *   monitor.c      monitor_init, monitor_init_core, monitor_destroy
 *   boot.c         boot, reset, reprotect                  (boot.h)
 *   inject.c       OS faults injected, hostile test mode   (inject.h)
 *   invariants.c   monitor_check_invariants                (invariants.h)
 *   workq.c        OS fault reports, work queue, monitor thread (workq.h)
 *   failover.c     the takeover sequences                  (failover.h)
 *   ctl.c          m->ctl for front ends, quiesce          (ctl.h)
 *   classroom.c    pace and step                           (classroom.h)
 *   mailbox.c      requests to guests, units <-> runs      (mailbox.h)
 *   slots.c        memslots match the table                (slots.h)
 *   iochan.c       the I/O channels' rows, following apps  (iochan.h)
 *   iodev.c        the I/O control unit's device           (iodev.h)
 *   hcall.c        vCPU exits and hypercalls               (hcall.h)
 *   watchdog.c     the heartbeat watchdog                  (watchdog.h)
 *   state.c        struct vmfo, m->lock, accessors         (state.h)
 *   settings.c     struct config and its checks            (settings.h)
 *
 * hcall.c and watchdog.c reach policy only through m->policy (struct
 * monitor_policy in state.h), which monitor_init_core() points at workq.c. */
#ifndef VMFO_MONITOR_H
#define VMFO_MONITOR_H

#include "boot.h"
#include "classroom.h"
#include "ctl.h"
#include "inject.h"
#include "invariants.h"
#include "iochan.h"
#include "mailbox.h"
#include "settings.h"
#include "slots.h"
#include "state.h"
#include "watchdog.h"
#include "workq.h"

/* Open /dev/kvm and map the pool; -1 means the environment is unusable
 * (the caller exits 3 when the message is about KVM). */
int monitor_init(struct vmfo *m, const struct config *cfg, bool *kvm_failed, struct err *e);
/* Everything monitor_init does but open /dev/kvm, the trace file and
 * start the monitor's threads: the state, its locks and conditions, the
 * checked configuration, the pool and the table, the policy table. A
 * monitor without KVM (the fuzz harnesses); any VM it tries to create
 * fails on the closed descriptor. */
int monitor_init_core(struct vmfo *m, const struct config *cfg, struct err *e);
/* Stop the monitor thread and the guests, write out and close the trace
 * file, free everything. -1 if the trace file could not be written in
 * full: e says why, or is empty when a front end has shown it already
 * (trace_file_error_news); or if an event could not be recorded at all
 * (trace_lost). */
int monitor_destroy(struct vmfo *m, struct err *e);

#endif
