/*
 * cnssim: a PKCS#11 module that forwards every call to a real module (SoftHSM2 by default) and
 * adds what a CNS card in a reader has and SoftHSM lacks: a PIN retry counter with the token
 * flags that go with it, removal from the reader, a small object capacity, slow key generation
 * and injected faults. The lab and the helpdesk drive it through $CNSSIM_DIR/control; what the
 * card remembers lives in $CNSSIM_DIR/state so that every process (the tool, pkcs11-tool) sees
 * the same card. See README.md for the formats.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <p11-kit/pkcs11.h>

#define MAX_FAULTS 32
#define DEFAULT_TARGET "/usr/lib/softhsm/libsofthsm2.so"

typedef struct {
  char fn[48];
  unsigned long nth;
  CK_RV rv;
} fault_rule;

typedef struct {
  char epoch[128];          /* identifies one version of the control file: counters restart with it */
  long pin_tries;
  long wrong_pins;          /* -1: not given */
  int removed;
  long remove_after;        /* 0: not given */
  long max_objects;         /* -1: no limit */
  long keygen_delay_ms;
  int nfaults;
  fault_rule faults[MAX_FAULTS];
} control_t;

typedef struct {
  long tries_left;
  long applied_wrong;       /* the wrong_pins_so_far value already applied (-1 none), so it applies once */
  char epoch[128];
  int removed;              /* set by remove_after_generate_calls; cleared when the control changes */
  long generate_calls;
  long fault_calls[MAX_FAULTS];
} state_t;

/* What one call needs to know, read once so the whole call sees the same card. */
typedef struct {
  int active;
  control_t ctl;
  int removed;
  long tries_left;
} snapshot;

enum { K_GLOBAL, K_TOKEN, K_SESSION };

static CK_FUNCTION_LIST_PTR T;      /* the target's list */
static void *g_target_handle;
static pthread_mutex_t g_mutex = PTHREAD_MUTEX_INITIALIZER;
static char g_dir[1024];
static int g_have_dir;
static control_t g_ctl;
static struct stat g_ctl_stat;
static int g_ctl_loaded;
static int g_closed_for_removal;    /* this process already dropped its sessions for the current removal */

static void path_in_dir(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", g_dir, name); }

static void control_defaults(control_t *c) {
  memset(c, 0, sizeof *c);
  strcpy(c->epoch, "none");
  c->pin_tries = 3;
  c->wrong_pins = -1;
  c->max_objects = -1;
}

static void trim(char *s) {
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = 0;
  size_t i = 0;
  while (s[i] == ' ' || s[i] == '\t') i++;
  if (i) memmove(s, s + i, n - i + 1);
}

static void parse_fault(control_t *c, const char *v) {
  if (c->nfaults >= MAX_FAULTS) return;
  char buf[128];
  snprintf(buf, sizeof buf, "%s", v);
  char *a = strchr(buf, ':');
  if (!a) return;
  *a++ = 0;
  char *b = strchr(a, ':');
  if (!b) return;
  *b++ = 0;
  fault_rule *r = &c->faults[c->nfaults];
  trim(buf);
  size_t n = strlen(buf) < sizeof r->fn - 1 ? strlen(buf) : sizeof r->fn - 1;
  memcpy(r->fn, buf, n);
  r->fn[n] = 0;
  r->nth = strtoul(a, NULL, 0);
  r->rv = strtoul(b, NULL, 0);
  if (r->nth > 0) c->nfaults++;
}

/* Re-read the control file only when it changed (inode, size or mtime), so a busy caller pays a stat. */
static void reload_control(void) {
  char p[1100];
  path_in_dir(p, sizeof p, "control");
  struct stat st;
  if (stat(p, &st) != 0) {
    control_defaults(&g_ctl);
    g_ctl_loaded = 0;
    return;
  }
  if (g_ctl_loaded && st.st_ino == g_ctl_stat.st_ino && st.st_size == g_ctl_stat.st_size &&
      st.st_mtim.tv_sec == g_ctl_stat.st_mtim.tv_sec && st.st_mtim.tv_nsec == g_ctl_stat.st_mtim.tv_nsec)
    return;
  control_t c;
  control_defaults(&c);
  FILE *f = fopen(p, "r");
  if (!f) {
    g_ctl = c;
    g_ctl_loaded = 0;
    return;
  }
  char line[512];
  while (fgets(line, sizeof line, f)) {
    trim(line);
    if (!line[0] || line[0] == '#') continue;
    char *eq = strchr(line, '=');
    if (!eq) continue;
    *eq = 0;
    char *k = line, *v = eq + 1;
    trim(k);
    trim(v);
    if (!strcmp(k, "pin_tries")) c.pin_tries = strtol(v, NULL, 0);
    else if (!strcmp(k, "wrong_pins_so_far")) c.wrong_pins = strtol(v, NULL, 0);
    else if (!strcmp(k, "removed")) c.removed = strtol(v, NULL, 0) != 0;
    else if (!strcmp(k, "remove_after_generate_calls")) c.remove_after = strtol(v, NULL, 0);
    else if (!strcmp(k, "max_objects")) c.max_objects = strtol(v, NULL, 0);
    else if (!strcmp(k, "keygen_delay_ms")) c.keygen_delay_ms = strtol(v, NULL, 0);
    else if (!strcmp(k, "fault")) parse_fault(&c, v);
  }
  fclose(f);
  if (c.pin_tries < 1) c.pin_tries = 1;
  snprintf(c.epoch, sizeof c.epoch, "%lu:%lld:%lld.%09ld", (unsigned long)st.st_ino, (long long)st.st_size,
           (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
  g_ctl = c;
  g_ctl_stat = st;
  g_ctl_loaded = 1;
}

/* ---- state file: read-modify-write under flock so that several processes share one card ---- */

static int state_lock(void) {
  char p[1100];
  path_in_dir(p, sizeof p, "state.lock");
  int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0) while (flock(fd, LOCK_EX) != 0 && errno == EINTR) {}
  return fd;
}

static void state_unlock(int fd) {
  if (fd >= 0) {
    flock(fd, LOCK_UN);
    close(fd);
  }
}

/* Returns 1 when the file existed. */
static int state_read(state_t *s) {
  memset(s, 0, sizeof *s);
  s->tries_left = -1;
  s->applied_wrong = -1;
  char p[1100];
  path_in_dir(p, sizeof p, "state");
  FILE *f = fopen(p, "r");
  if (!f) return 0;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    trim(line);
    char *eq = strchr(line, '=');
    if (!eq) continue;
    *eq = 0;
    const char *k = line, *v = eq + 1;
    int idx;
    if (!strcmp(k, "tries_left")) s->tries_left = strtol(v, NULL, 10);
    else if (!strcmp(k, "applied_wrong_pins_so_far")) s->applied_wrong = strtol(v, NULL, 10);
    else if (!strcmp(k, "control_epoch")) snprintf(s->epoch, sizeof s->epoch, "%s", v);
    else if (!strcmp(k, "removed")) s->removed = strtol(v, NULL, 10) != 0;
    else if (!strcmp(k, "generate_calls")) s->generate_calls = strtol(v, NULL, 10);
    else if (sscanf(k, "fault.%d.calls", &idx) == 1 && idx >= 0 && idx < MAX_FAULTS)
      s->fault_calls[idx] = strtol(v, NULL, 10);
  }
  fclose(f);
  return 1;
}

static void state_write(const state_t *s, const control_t *c) {
  char p[1100], tmp[1200];
  path_in_dir(p, sizeof p, "state");
  snprintf(tmp, sizeof tmp, "%s.tmp.%d", p, (int)getpid());
  FILE *f = fopen(tmp, "w");
  if (!f) return;
  fprintf(f, "tries_left=%ld\nmax_tries=%ld\napplied_wrong_pins_so_far=%ld\nremoved=%d\ncontrol_epoch=%s\ngenerate_calls=%ld\n",
          s->tries_left, c->pin_tries, s->applied_wrong, s->removed, s->epoch, s->generate_calls);
  for (int i = 0; i < c->nfaults; i++) fprintf(f, "fault.%d.calls=%ld\n", i, s->fault_calls[i]);
  fclose(f);
  rename(tmp, p);
}

/* Bring the state in line with the control: a new control restarts the counters and re-inserts a
 * card pulled by remove_after_generate_calls; wrong_pins_so_far applies once per value. */
static void state_normalize(state_t *s, const control_t *c, int existed) {
  if (!existed) s->tries_left = c->pin_tries;
  if (strcmp(s->epoch, c->epoch) != 0) {
    snprintf(s->epoch, sizeof s->epoch, "%s", c->epoch);
    s->removed = 0;
    s->generate_calls = 0;
    memset(s->fault_calls, 0, sizeof s->fault_calls);
  }
  if (c->wrong_pins >= 0 && c->wrong_pins != s->applied_wrong) {
    s->tries_left = c->pin_tries - c->wrong_pins;
    s->applied_wrong = c->wrong_pins;
  } else if (c->wrong_pins < 0) {
    s->applied_wrong = -1;
  }
  if (s->tries_left < 0) s->tries_left = 0;
  if (s->tries_left > c->pin_tries) s->tries_left = c->pin_tries;
}

/* Opens the state for a change; state_end writes it back only if it differs. */
typedef struct {
  int fd;
  int existed;
  state_t before;
  state_t s;
} state_txn;

static void state_begin(state_txn *t, const control_t *c) {
  t->fd = state_lock();
  t->existed = state_read(&t->s);
  state_t raw = t->s;
  state_normalize(&t->s, c, t->existed);
  t->before = t->existed ? raw : (state_t){ .tries_left = -2 };
}

static void state_end(state_txn *t, const control_t *c) {
  if (!t->existed || memcmp(&t->before, &t->s, sizeof t->s) != 0) state_write(&t->s, c);
  state_unlock(t->fd);
}

static void drop_target_sessions(void) {
  /* A card leaving the reader ends its sessions and its login: after re-insertion the old handles
   * are invalid, as on a real reader. */
  CK_ULONG n = 0;
  if (T->C_GetSlotList(CK_FALSE, NULL, &n) != CKR_OK || n == 0) return;
  CK_SLOT_ID *slots = calloc(n, sizeof *slots);
  if (!slots) return;
  if (T->C_GetSlotList(CK_FALSE, slots, &n) == CKR_OK)
    for (CK_ULONG i = 0; i < n; i++) T->C_CloseAllSessions(slots[i]);
  free(slots);
}

/* Common start of every call: removal, then fault rules. Returns 1 when the call ends with *rv
 * because the card is out, 2 when a fault rule fails it. */
static int pre_call(const char *fn, int kind, CK_RV *rv, snapshot *snap) {
  memset(snap, 0, sizeof *snap);
  if (!g_have_dir) return 0;
  pthread_mutex_lock(&g_mutex);
  reload_control();
  snap->ctl = g_ctl;
  pthread_mutex_unlock(&g_mutex);
  snap->active = 1;
  const control_t *c = &snap->ctl;

  state_txn t;
  state_begin(&t, c);
  snap->removed = c->removed || t.s.removed;
  snap->tries_left = t.s.tries_left;
  int fail = 0;
  if (snap->removed && kind == K_SESSION) {
    *rv = CKR_DEVICE_REMOVED;
    fail = 1;
  } else if (snap->removed && kind == K_TOKEN) {
    *rv = CKR_TOKEN_NOT_PRESENT;
    fail = 1;
  } else {
    for (int i = 0; i < c->nfaults; i++) {
      if (strcmp(c->faults[i].fn, fn) != 0) continue;
      t.s.fault_calls[i]++;
      if (!fail && (unsigned long)t.s.fault_calls[i] == c->faults[i].nth) {
        *rv = c->faults[i].rv;
        fail = 2;
      }
    }
  }
  state_end(&t, c);

  if (kind != K_GLOBAL) {
    pthread_mutex_lock(&g_mutex);
    int drop = snap->removed && !g_closed_for_removal;
    g_closed_for_removal = snap->removed;
    pthread_mutex_unlock(&g_mutex);
    if (drop) drop_target_sessions();
  }
  return fail;
}

/* ---- capacity ---- */

static long count_token_objects(CK_SLOT_ID slot) {
  CK_SESSION_HANDLE h;
  if (T->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &h) != CKR_OK) return -1;
  CK_BBOOL yes = CK_TRUE;
  CK_ATTRIBUTE tmpl = { CKA_TOKEN, &yes, sizeof yes };
  long total = -1;
  if (T->C_FindObjectsInit(h, &tmpl, 1) == CKR_OK) {
    CK_OBJECT_HANDLE objs[64];
    CK_ULONG got;
    total = 0;
    while (T->C_FindObjects(h, objs, 64, &got) == CKR_OK && got > 0) total += (long)got;
    T->C_FindObjectsFinal(h);
  }
  T->C_CloseSession(h);
  return total;
}

/* 1, 0, or -1 when the template does not say. */
static int template_token(CK_ATTRIBUTE_PTR t, CK_ULONG n) {
  for (CK_ULONG i = 0; t && i < n; i++)
    if (t[i].type == CKA_TOKEN && t[i].pValue && t[i].ulValueLen >= 1) return *(CK_BBOOL *)t[i].pValue ? 1 : 0;
  return -1;
}

/* CKR_DEVICE_MEMORY when adding `adding` token objects on the session's token would exceed max_objects. */
static CK_RV check_capacity(const snapshot *s, CK_SESSION_HANDLE h, long adding) {
  if (!s->active || s->ctl.max_objects < 0 || adding <= 0) return CKR_OK;
  CK_SESSION_INFO info;
  if (T->C_GetSessionInfo(h, &info) != CKR_OK) return CKR_OK;  /* let the target report the bad handle */
  long count = count_token_objects(info.slotID);
  if (count < 0) return CKR_OK;
  return count + adding > s->ctl.max_objects ? CKR_DEVICE_MEMORY : CKR_OK;
}

/* ---- plain forwarders ---- */

typedef CK_SESSION_HANDLE H;

/* A failed call ends the operation in progress on a real card (PKCS#11 2.40 §5.2), so the app can
 * start another. A faulted call is not forwarded, so the target's operation would stay active:
 * these helpers finish it at the target into a scratch buffer and drop the result. */
static void finish_oneshot(CK_RV (*fn)(H, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR), H h, CK_BYTE_PTR in,
                           CK_ULONG inl) {
  CK_ULONG n = 0;
  if (fn(h, in, inl, NULL, &n) != CKR_OK) return;
  CK_BYTE_PTR buf = malloc(n ? n : 1);
  if (buf) fn(h, in, inl, buf, &n);
  free(buf);
}

static void finish_final(CK_RV (*fn)(H, CK_BYTE_PTR, CK_ULONG_PTR), H h) {
  CK_ULONG n = 0;
  if (fn(h, NULL, &n) != CKR_OK) return;
  CK_BYTE_PTR buf = malloc(n ? n : 1);
  if (buf) fn(h, buf, &n);
  free(buf);
}

#define FWDE(name, kind, decl, args, on_fault)                                        \
  static CK_RV w_##name decl {                                                        \
    CK_RV rv_;                                                                        \
    snapshot s_;                                                                      \
    int r_ = pre_call(#name, kind, &rv_, &s_);                                        \
    if (r_ == 2) { on_fault; }                                                        \
    if (r_) return rv_;                                                               \
    return T->name args;                                                              \
  }
#define FWD(name, kind, decl, args) FWDE(name, kind, decl, args, (void)0)

FWD(C_Initialize, K_GLOBAL, (CK_VOID_PTR a), (a))
FWD(C_Finalize, K_GLOBAL, (CK_VOID_PTR a), (a))
FWD(C_GetInfo, K_GLOBAL, (CK_INFO_PTR i), (i))
FWD(C_GetMechanismList, K_TOKEN, (CK_SLOT_ID s, CK_MECHANISM_TYPE_PTR l, CK_ULONG_PTR c), (s, l, c))
FWD(C_GetMechanismInfo, K_TOKEN, (CK_SLOT_ID s, CK_MECHANISM_TYPE m, CK_MECHANISM_INFO_PTR i), (s, m, i))
FWD(C_InitToken, K_TOKEN, (CK_SLOT_ID s, CK_UTF8CHAR_PTR p, CK_ULONG l, CK_UTF8CHAR_PTR lab), (s, p, l, lab))
FWD(C_OpenSession, K_TOKEN, (CK_SLOT_ID s, CK_FLAGS f, CK_VOID_PTR a, CK_NOTIFY n, CK_SESSION_HANDLE_PTR h), (s, f, a, n, h))
FWD(C_CloseSession, K_SESSION, (H h), (h))
FWD(C_CloseAllSessions, K_TOKEN, (CK_SLOT_ID s), (s))
FWD(C_GetSessionInfo, K_SESSION, (H h, CK_SESSION_INFO_PTR i), (h, i))
FWD(C_GetOperationState, K_SESSION, (H h, CK_BYTE_PTR p, CK_ULONG_PTR l), (h, p, l))
FWD(C_SetOperationState, K_SESSION, (H h, CK_BYTE_PTR p, CK_ULONG l, CK_OBJECT_HANDLE e, CK_OBJECT_HANDLE a), (h, p, l, e, a))
FWD(C_Logout, K_SESSION, (H h), (h))
FWD(C_DestroyObject, K_SESSION, (H h, CK_OBJECT_HANDLE o), (h, o))
FWD(C_GetObjectSize, K_SESSION, (H h, CK_OBJECT_HANDLE o, CK_ULONG_PTR l), (h, o, l))
FWD(C_GetAttributeValue, K_SESSION, (H h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n), (h, o, t, n))
FWD(C_SetAttributeValue, K_SESSION, (H h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n), (h, o, t, n))
FWD(C_FindObjectsInit, K_SESSION, (H h, CK_ATTRIBUTE_PTR t, CK_ULONG n), (h, t, n))
FWD(C_FindObjects, K_SESSION, (H h, CK_OBJECT_HANDLE_PTR o, CK_ULONG m, CK_ULONG_PTR c), (h, o, m, c))
FWD(C_FindObjectsFinal, K_SESSION, (H h), (h))
#define INIT3(name) FWD(name, K_SESSION, (H h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k), (h, m, k))
#define ONESHOT(name) FWD(name, K_SESSION, (H h, CK_BYTE_PTR i, CK_ULONG il, CK_BYTE_PTR o, CK_ULONG_PTR ol), (h, i, il, o, ol))
#define ONESHOT_END(name) FWDE(name, K_SESSION, (H h, CK_BYTE_PTR i, CK_ULONG il, CK_BYTE_PTR o, CK_ULONG_PTR ol), (h, i, il, o, ol), finish_oneshot(T->name, h, i, il))
#define UPDATE(name) FWD(name, K_SESSION, (H h, CK_BYTE_PTR p, CK_ULONG l), (h, p, l))
#define UPDATE_END(name, final) FWDE(name, K_SESSION, (H h, CK_BYTE_PTR p, CK_ULONG l), (h, p, l), finish_final(T->final, h))
#define FINAL(name) FWDE(name, K_SESSION, (H h, CK_BYTE_PTR p, CK_ULONG_PTR l), (h, p, l), finish_final(T->name, h))
INIT3(C_EncryptInit)
ONESHOT_END(C_Encrypt)
FWDE(C_EncryptUpdate, K_SESSION, (H h, CK_BYTE_PTR i, CK_ULONG il, CK_BYTE_PTR o, CK_ULONG_PTR ol), (h, i, il, o, ol), finish_final(T->C_EncryptFinal, h))
FINAL(C_EncryptFinal)
INIT3(C_DecryptInit)
ONESHOT_END(C_Decrypt)
FWDE(C_DecryptUpdate, K_SESSION, (H h, CK_BYTE_PTR i, CK_ULONG il, CK_BYTE_PTR o, CK_ULONG_PTR ol), (h, i, il, o, ol), finish_final(T->C_DecryptFinal, h))
FINAL(C_DecryptFinal)
FWD(C_DigestInit, K_SESSION, (H h, CK_MECHANISM_PTR m), (h, m))
ONESHOT_END(C_Digest)
UPDATE_END(C_DigestUpdate, C_DigestFinal)
FWD(C_DigestKey, K_SESSION, (H h, CK_OBJECT_HANDLE k), (h, k))
FINAL(C_DigestFinal)
INIT3(C_SignInit)
ONESHOT_END(C_Sign)
UPDATE_END(C_SignUpdate, C_SignFinal)
FINAL(C_SignFinal)
INIT3(C_SignRecoverInit)
ONESHOT_END(C_SignRecover)
INIT3(C_VerifyInit)
FWDE(C_Verify, K_SESSION, (H h, CK_BYTE_PTR d, CK_ULONG dl, CK_BYTE_PTR s, CK_ULONG sl), (h, d, dl, s, sl), T->C_Verify(h, d, dl, s, sl))
FWDE(C_VerifyUpdate, K_SESSION, (H h, CK_BYTE_PTR p, CK_ULONG l), (h, p, l), CK_BYTE z_[1] = { 0 }; T->C_VerifyFinal(h, z_, 1))
FWDE(C_VerifyFinal, K_SESSION, (H h, CK_BYTE_PTR p, CK_ULONG l), (h, p, l), T->C_VerifyFinal(h, p, l))
INIT3(C_VerifyRecoverInit)
ONESHOT_END(C_VerifyRecover)
ONESHOT(C_DigestEncryptUpdate)
ONESHOT(C_DecryptDigestUpdate)
ONESHOT(C_SignEncryptUpdate)
ONESHOT(C_DecryptVerifyUpdate)
FWD(C_WrapKey, K_SESSION, (H h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE wk, CK_OBJECT_HANDLE k, CK_BYTE_PTR w, CK_ULONG_PTR wl), (h, m, wk, k, w, wl))
FWD(C_UnwrapKey, K_SESSION, (H h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE uk, CK_BYTE_PTR w, CK_ULONG wl, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR k), (h, m, uk, w, wl, t, n, k))
FWD(C_DeriveKey, K_SESSION, (H h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE b, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR k), (h, m, b, t, n, k))
UPDATE(C_SeedRandom)
UPDATE(C_GenerateRandom)
FWD(C_GetFunctionStatus, K_SESSION, (H h), (h))
FWD(C_CancelFunction, K_SESSION, (H h), (h))
FWD(C_WaitForSlotEvent, K_GLOBAL, (CK_FLAGS f, CK_SLOT_ID_PTR s, CK_VOID_PTR r), (f, s, r))

/* ---- calls with behaviour of their own ---- */

static CK_RV w_C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR out);

static CK_RV w_C_GetSlotList(CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count) {
  CK_RV rv;
  snapshot s;
  if (pre_call("C_GetSlotList", K_GLOBAL, &rv, &s)) return rv;
  if (s.removed && present) {
    /* The whole reader is empty: no slot holds a token. */
    if (!count) return CKR_ARGUMENTS_BAD;
    *count = 0;
    return CKR_OK;
  }
  return T->C_GetSlotList(present, list, count);
}

static CK_RV w_C_GetSlotInfo(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info) {
  CK_RV rv;
  snapshot s;
  if (pre_call("C_GetSlotInfo", K_GLOBAL, &rv, &s)) return rv;
  rv = T->C_GetSlotInfo(slot, info);
  if (rv == CKR_OK && s.removed) info->flags &= ~(CK_FLAGS)CKF_TOKEN_PRESENT;
  return rv;
}

static CK_RV w_C_GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
  CK_RV rv;
  snapshot s;
  if (pre_call("C_GetTokenInfo", K_TOKEN, &rv, &s)) return rv;
  rv = T->C_GetTokenInfo(slot, info);
  if (rv != CKR_OK || !s.active) return rv;
  info->flags &= ~(CK_FLAGS)(CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED);
  if (s.tries_left < s.ctl.pin_tries) info->flags |= CKF_USER_PIN_COUNT_LOW;
  if (s.tries_left == 1) info->flags |= CKF_USER_PIN_FINAL_TRY;
  if (s.tries_left <= 0) info->flags |= CKF_USER_PIN_LOCKED;
  if (s.ctl.max_objects >= 0 && (info->flags & CKF_TOKEN_INITIALIZED)) {
    long count = count_token_objects(slot);
    if (count >= 0) {
      /* Unit: object slots, the same pool reported in both fields. */
      long free_slots = s.ctl.max_objects > count ? s.ctl.max_objects - count : 0;
      info->ulTotalPrivateMemory = info->ulTotalPublicMemory = (CK_ULONG)s.ctl.max_objects;
      info->ulFreePrivateMemory = info->ulFreePublicMemory = (CK_ULONG)free_slots;
    }
  }
  return CKR_OK;
}

static void pin_result(const snapshot *s, CK_RV rv) {
  if (!s->active || (rv != CKR_OK && rv != CKR_PIN_INCORRECT)) return;
  state_txn t;
  state_begin(&t, &s->ctl);
  if (rv == CKR_OK) t.s.tries_left = s->ctl.pin_tries;
  else if (t.s.tries_left > 0) t.s.tries_left--;
  state_end(&t, &s->ctl);
}

static CK_RV w_C_Login(H h, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
  CK_RV rv;
  snapshot s;
  if (pre_call("C_Login", K_SESSION, &rv, &s)) return rv;
  /* The user PIN is checked by the card for a normal login and for a context-specific one (signature). */
  int user_pin = user == CKU_USER || user == CKU_CONTEXT_SPECIFIC;
  if (s.active && user_pin && s.tries_left <= 0) return CKR_PIN_LOCKED;
  rv = T->C_Login(h, user, pin, len);
  if (user_pin) pin_result(&s, rv);
  return rv;
}

static CK_RV w_C_SetPIN(H h, CK_UTF8CHAR_PTR o, CK_ULONG ol, CK_UTF8CHAR_PTR n, CK_ULONG nl) {
  CK_RV rv;
  snapshot s;
  if (pre_call("C_SetPIN", K_SESSION, &rv, &s)) return rv;
  CK_SESSION_INFO info;
  /* Changing the user PIN verifies the old one: a wrong one costs a try like a login. */
  int user_pin = T->C_GetSessionInfo(h, &info) == CKR_OK && info.state != CKS_RW_SO_FUNCTIONS;
  if (s.active && user_pin && s.tries_left <= 0) return CKR_PIN_LOCKED;
  rv = T->C_SetPIN(h, o, ol, n, nl);
  if (user_pin) pin_result(&s, rv);
  return rv;
}

static CK_RV w_C_InitPIN(H h, CK_UTF8CHAR_PTR p, CK_ULONG l) {
  CK_RV rv;
  snapshot s;
  if (pre_call("C_InitPIN", K_SESSION, &rv, &s)) return rv;
  rv = T->C_InitPIN(h, p, l);
  if (rv == CKR_OK) pin_result(&s, CKR_OK);  /* the security officer's reset (PUK) unlocks the PIN */
  return rv;
}

static CK_RV w_C_CreateObject(H h, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR o) {
  CK_RV rv;
  snapshot s;
  if (pre_call("C_CreateObject", K_SESSION, &rv, &s)) return rv;
  if ((rv = check_capacity(&s, h, template_token(t, n) == 1)) != CKR_OK) return rv;
  return T->C_CreateObject(h, t, n, o);
}

static CK_RV w_C_CopyObject(H h, CK_OBJECT_HANDLE src, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR o) {
  CK_RV rv;
  snapshot s;
  if (pre_call("C_CopyObject", K_SESSION, &rv, &s)) return rv;
  int tok = template_token(t, n);
  if (tok < 0 && s.active && s.ctl.max_objects >= 0) {
    /* The copy keeps the original's CKA_TOKEN unless the template changes it. */
    CK_BBOOL b = CK_FALSE;
    CK_ATTRIBUTE a = { CKA_TOKEN, &b, sizeof b };
    tok = T->C_GetAttributeValue(h, src, &a, 1) == CKR_OK && b;
  }
  if ((rv = check_capacity(&s, h, tok == 1)) != CKR_OK) return rv;
  return T->C_CopyObject(h, src, t, n, o);
}

static CK_RV w_C_GenerateKey(H h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR k) {
  CK_RV rv;
  snapshot s;
  if (pre_call("C_GenerateKey", K_SESSION, &rv, &s)) return rv;
  if ((rv = check_capacity(&s, h, template_token(t, n) == 1)) != CKR_OK) return rv;
  return T->C_GenerateKey(h, m, t, n, k);
}

static int currently_removed(void) {
  snapshot s;
  CK_RV rv;
  pre_call("", K_GLOBAL, &rv, &s);
  return s.removed;
}

static CK_RV w_C_GenerateKeyPair(H h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR pt, CK_ULONG pn, CK_ATTRIBUTE_PTR vt,
                                 CK_ULONG vn, CK_OBJECT_HANDLE_PTR pk, CK_OBJECT_HANDLE_PTR vk) {
  CK_RV rv;
  snapshot s;
  if (pre_call("C_GenerateKeyPair", K_SESSION, &rv, &s)) return rv;
  if (s.active) {
    state_txn t;
    state_begin(&t, &s.ctl);
    t.s.generate_calls++;
    int pull = s.ctl.remove_after > 0 && t.s.generate_calls == s.ctl.remove_after;
    if (pull) t.s.removed = 1;
    state_end(&t, &s.ctl);
    if (pull) return CKR_DEVICE_REMOVED;
  }
  if ((rv = check_capacity(&s, h, (template_token(pt, pn) == 1) + (template_token(vt, vn) == 1))) != CKR_OK) return rv;
  if (s.active && s.ctl.keygen_delay_ms > 0) {
    /* A chip takes its time; the holder may pull the card meanwhile, and then no key is made. */
    long left = s.ctl.keygen_delay_ms;
    while (left > 0) {
      long step = left < 50 ? left : 50;
      struct timespec ts = { step / 1000, (step % 1000) * 1000000L };
      nanosleep(&ts, NULL);
      left -= step;
      if (currently_removed()) return CKR_DEVICE_REMOVED;
    }
  }
  return T->C_GenerateKeyPair(h, m, pt, pn, vt, vn, pk, vk);
}

/* ---- the list ---- */

static CK_FUNCTION_LIST g_list = {
  { 2, 40 },
  w_C_Initialize, w_C_Finalize, w_C_GetInfo, w_C_GetFunctionList, w_C_GetSlotList, w_C_GetSlotInfo,
  w_C_GetTokenInfo, w_C_GetMechanismList, w_C_GetMechanismInfo, w_C_InitToken, w_C_InitPIN, w_C_SetPIN,
  w_C_OpenSession, w_C_CloseSession, w_C_CloseAllSessions, w_C_GetSessionInfo, w_C_GetOperationState,
  w_C_SetOperationState, w_C_Login, w_C_Logout, w_C_CreateObject, w_C_CopyObject, w_C_DestroyObject,
  w_C_GetObjectSize, w_C_GetAttributeValue, w_C_SetAttributeValue, w_C_FindObjectsInit, w_C_FindObjects,
  w_C_FindObjectsFinal, w_C_EncryptInit, w_C_Encrypt, w_C_EncryptUpdate, w_C_EncryptFinal, w_C_DecryptInit,
  w_C_Decrypt, w_C_DecryptUpdate, w_C_DecryptFinal, w_C_DigestInit, w_C_Digest, w_C_DigestUpdate,
  w_C_DigestKey, w_C_DigestFinal, w_C_SignInit, w_C_Sign, w_C_SignUpdate, w_C_SignFinal, w_C_SignRecoverInit,
  w_C_SignRecover, w_C_VerifyInit, w_C_Verify, w_C_VerifyUpdate, w_C_VerifyFinal, w_C_VerifyRecoverInit,
  w_C_VerifyRecover, w_C_DigestEncryptUpdate, w_C_DecryptDigestUpdate, w_C_SignEncryptUpdate,
  w_C_DecryptVerifyUpdate, w_C_GenerateKey, w_C_GenerateKeyPair, w_C_WrapKey, w_C_UnwrapKey, w_C_DeriveKey,
  w_C_SeedRandom, w_C_GenerateRandom, w_C_GetFunctionStatus, w_C_CancelFunction, w_C_WaitForSlotEvent,
};

static CK_RV load_target(void) {
  if (T) return CKR_OK;
  const char *target = getenv("CNSSIM_TARGET");
  if (!target || !*target) target = DEFAULT_TARGET;
  void *lib = dlopen(target, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "cnssim: cannot load %s: %s\n", target, dlerror());
    return CKR_GENERAL_ERROR;
  }
  CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
  CK_FUNCTION_LIST_PTR list = NULL;
  if (!get || get(&list) != CKR_OK || !list) {
    dlclose(lib);
    return CKR_GENERAL_ERROR;
  }
  g_target_handle = lib;
  T = list;
  const char *dir = getenv("CNSSIM_DIR");
  if (dir && *dir) {
    snprintf(g_dir, sizeof g_dir, "%s", dir);
    mkdir(g_dir, 0755);
    g_have_dir = 1;
  }
  control_defaults(&g_ctl);
  return CKR_OK;
}

static CK_RV w_C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR out) {
  if (!out) return CKR_ARGUMENTS_BAD;
  pthread_mutex_lock(&g_mutex);
  CK_RV rv = load_target();
  pthread_mutex_unlock(&g_mutex);
  if (rv != CKR_OK) return rv;
  *out = &g_list;
  return CKR_OK;
}

__attribute__((visibility("default"))) CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR out) {
  return w_C_GetFunctionList(out);
}
