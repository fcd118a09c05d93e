/* slots.h — memslots follow the table: make a VM's KVM memslots map
 * exactly the units the table gives it, and read back what they map.
 * Claims served: 1, 4, 6, 7 (storage changes hands by memslot, not by
 * copy) and the isolation the table promises (no memslot, no access). */
#ifndef VMFO_SLOTS_H
#define VMFO_SLOTS_H

#include "state.h"

/* Make g's memslots match the table (see slots.c for when it is safe).
 * With m->lock held. */
int sync_slots(struct vmfo *m, struct guest *g, struct err *e);
/* The units g's memslots map now, whatever the table says. */
void mapped_units(const struct vmfo *m, const struct guest *g, struct units *u);

#endif
