/* checker.h — decide from a recorded event trace whether each claim 1..9 of
 * (docs/claims.md) has been demonstrated. Pure functions over an event array:
 * no global state, no allocation, safe to call from any thread. */
#ifndef VMFO_CHECKER_H
#define VMFO_CHECKER_H

#include <stddef.h>

#include "trace.h"

enum verdict { CLAIM_PASS, CLAIM_FAIL, CLAIM_NOT_SHOWN };

/* Decide claim (1..9) from ev[0..n). why receives the reason for FAIL or
 * NOT_SHOWN (empty for PASS); a FAIL reason names the missing or misplaced
 * step and the seq of the event it relates to. */
enum verdict check_claim(const struct event *ev, size_t n, int claim, char *why, size_t whylen);

/* "claim N: PASS" / "claim N: FAIL <why>" / "claim N: NOT SHOWN (<why>)". */
void check_format(int claim, enum verdict v, const char *why, char *buf, size_t size);

#endif
