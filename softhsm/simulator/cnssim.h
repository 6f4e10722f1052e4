/*
 * The lab's card simulator: shared declarations between the PKCS#11 wrappers (cnssim.c) and the
 * control/state files (control.c). See README.md for the file formats.
 */
#ifndef CNSSIM_H
#define CNSSIM_H

#include <pkcs11.h>

/* A fresh CNS allows three PIN attempts before it locks. */
#define CNSSIM_PIN_TRIES 3
/* Free room is reported as free object slots times this unit (C_GetTokenInfo memory fields). */
#define CNSSIM_BYTES_PER_OBJECT 4096UL
#define CNSSIM_MAX_FAULTS 16
#define CNSSIM_NO_LIMIT (-1L)

struct cnssim_fault {
  char fn[48];
  unsigned long nth;
  CK_RV rv;
  /* The failing call also takes the card out of the reader (as when a holder pulls it). */
  int remove;
};

struct cnssim_control {
  int removed;
  unsigned long insertion;
  long max_objects;
  unsigned long keygen_delay_ms;
  unsigned long login_delay_ms;
  int pin_pad;
  char pin_pad_pin[64];
  int nfaults;
  struct cnssim_fault faults[CNSSIM_MAX_FAULTS];
  /* Identifies the version of the control file the faults were read from. */
  char epoch[96];
};

/* Reads CNSSIM_DIR once; without it the simulator keeps its state in memory only. */
void cnssim_control_setup(void);
/* A consistent copy of the control file as it is now (re-read when it changed on disk). */
void cnssim_control_current(struct cnssim_control *out);
/* Counts one call of `fn` against the fault rules in `c`: the CKR to fail it with, or CKR_OK. */
CK_RV cnssim_fault_check(const char *fn, const struct cnssim_control *c);
/* Marks the card removed in the control file, so every process sees it gone. */
void cnssim_control_mark_removed(void);

int cnssim_pin_tries_left(void);
/* Records a wrong PIN and returns the tries left. */
int cnssim_pin_failed(void);
void cnssim_pin_reset(void);

/* The count of private token objects last seen while logged in, or -1 if never seen. */
long cnssim_private_objects_get(const char *serial);
void cnssim_private_objects_set(const char *serial, long count);

#endif
