/*
 * The lab's card simulator: a PKCS#11 module that forwards every call to SoftHSM2 (or
 * $CNSSIM_TARGET) and adds what a real CNS card and reader do and SoftHSM does not: a PIN retry
 * counter, removal from the reader, a full card, a slow key generation, a PIN pad that waits for
 * the holder and injected faults.
 *
 * Session handles given to the caller are our own (never reused in a process) and map to the
 * target's: after a removal the target's handles are closed and SoftHSM would hand the same
 * numbers out again, while a real reader makes the old handles invalid for good.
 */
#define _GNU_SOURCE
#include "cnssim.h"

#include <dirent.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_TARGET "/usr/lib/softhsm/libsofthsm2.so"

static CK_FUNCTION_LIST_PTR T;
static void *target_handle;
static int initialized;

struct session {
  CK_SESSION_HANDLE virt;
  CK_SESSION_HANDLE real;
  CK_SLOT_ID slot;
  unsigned long insertion;
  /* The card left the reader while this session was open: it never works again. */
  int lost;
};

static pthread_mutex_t sessions_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct session *sessions;
static size_t nsessions, capsessions;
static CK_SESSION_HANDLE next_virt = 1;

static CK_RV load_target(void) {
  if (T != NULL) return CKR_OK;
  const char *path = getenv("CNSSIM_TARGET");
  if (path == NULL || path[0] == '\0') path = DEFAULT_TARGET;
  target_handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (target_handle == NULL) {
    fprintf(stderr, "cnssim: cannot load %s: %s\n", path, dlerror());
    return CKR_GENERAL_ERROR;
  }
  CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(target_handle, "C_GetFunctionList");
  if (get == NULL || get(&T) != CKR_OK || T == NULL) {
    fprintf(stderr, "cnssim: %s has no usable C_GetFunctionList\n", path);
    T = NULL;
    return CKR_GENERAL_ERROR;
  }
  return CKR_OK;
}

/* --- sessions ---------------------------------------------------------------------------- */

static CK_SESSION_HANDLE session_add(CK_SESSION_HANDLE real, CK_SLOT_ID slot, unsigned long insertion) {
  pthread_mutex_lock(&sessions_mutex);
  if (nsessions == capsessions) {
    size_t cap = capsessions ? capsessions * 2 : 16;
    struct session *grown = realloc(sessions, cap * sizeof(*grown));
    if (grown == NULL) {
      pthread_mutex_unlock(&sessions_mutex);
      return CK_INVALID_HANDLE;
    }
    sessions = grown;
    capsessions = cap;
  }
  struct session *s = &sessions[nsessions++];
  s->virt = next_virt++;
  s->real = real;
  s->slot = slot;
  s->insertion = insertion;
  s->lost = 0;
  CK_SESSION_HANDLE virt = s->virt;
  pthread_mutex_unlock(&sessions_mutex);
  return virt;
}

static void session_remove_at(size_t i) { sessions[i] = sessions[--nsessions]; }

/*
 * A real reader drops every session when the card leaves it. Each process notices on its next
 * call (removed now, or re-inserted since the session was opened) and closes the target's
 * sessions, which also logs the token out in SoftHSM.
 */
static void sweep_sessions(const struct cnssim_control *c) {
  CK_SESSION_HANDLE *to_close = NULL;
  size_t n = 0;
  pthread_mutex_lock(&sessions_mutex);
  for (size_t i = 0; i < nsessions; i++) {
    struct session *s = &sessions[i];
    if (s->lost || (!c->removed && s->insertion == c->insertion)) continue;
    s->lost = 1;
    if (to_close == NULL) to_close = calloc(nsessions, sizeof(*to_close));
    if (to_close != NULL) to_close[n++] = s->real;
  }
  pthread_mutex_unlock(&sessions_mutex);
  /* Outside the lock: the target may take its time, and other threads keep working. */
  for (size_t i = 0; i < n; i++) T->C_CloseSession(to_close[i]);
  free(to_close);
}

static CK_RV session_gate(CK_SESSION_HANDLE h, const struct cnssim_control *c, CK_SESSION_HANDLE *real, CK_SLOT_ID *slot) {
  sweep_sessions(c);
  CK_RV rv = CKR_SESSION_HANDLE_INVALID;
  pthread_mutex_lock(&sessions_mutex);
  for (size_t i = 0; i < nsessions; i++) {
    if (sessions[i].virt != h) continue;
    if (sessions[i].lost) {
      rv = c->removed ? CKR_DEVICE_REMOVED : CKR_SESSION_HANDLE_INVALID;
    } else {
      *real = sessions[i].real;
      *slot = sessions[i].slot;
      rv = CKR_OK;
    }
    break;
  }
  pthread_mutex_unlock(&sessions_mutex);
  return rv;
}

/* --- common preamble --------------------------------------------------------------------- */

static CK_RV enter(const char *fn, struct cnssim_control *c) {
  if (T == NULL || !initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
  cnssim_control_current(c);
  CK_RV rv = cnssim_fault_check(fn, c);
  /* A fault that removed the card must be seen by this very call's followers. */
  if (rv != CKR_OK) cnssim_control_current(c);
  return rv;
}

#define PRE(name)                                                                                  \
  struct cnssim_control ctl;                                                                       \
  {                                                                                                \
    CK_RV pre_rv = enter(#name, &ctl);                                                             \
    if (pre_rv != CKR_OK) return pre_rv;                                                           \
  }

#define SESSION_PRE(name)                                                                          \
  PRE(name)                                                                                        \
  CK_SESSION_HANDLE real = CK_INVALID_HANDLE;                                                      \
  CK_SLOT_ID slot = 0;                                                                             \
  {                                                                                                \
    CK_RV gate_rv = session_gate(hSession, &ctl, &real, &slot);                                    \
    if (gate_rv != CKR_OK) return gate_rv;                                                         \
  }                                                                                                \
  (void)slot;

#define PASS_SESSION(name, params, ...)                                                            \
  static CK_RV w_##name params {                                                                   \
    SESSION_PRE(name)                                                                              \
    return T->name(real, __VA_ARGS__);                                                             \
  }

#define PASS_SESSION0(name)                                                                        \
  static CK_RV w_##name(CK_SESSION_HANDLE hSession) {                                              \
    SESSION_PRE(name)                                                                              \
    return T->name(real);                                                                          \
  }

/* Slot-level calls about the token itself fail the way a reader without a card answers. */
#define PASS_TOKEN(name, params, ...)                                                              \
  static CK_RV w_##name params {                                                                   \
    PRE(name)                                                                                      \
    if (ctl.removed) return CKR_TOKEN_NOT_PRESENT;                                                 \
    return T->name(__VA_ARGS__);                                                                   \
  }

/* --- capacity ---------------------------------------------------------------------------- */

static void token_serial(CK_SLOT_ID slot, char *out, size_t size) {
  CK_TOKEN_INFO info;
  out[0] = '\0';
  if (T->C_GetTokenInfo(slot, &info) != CKR_OK) return;
  size_t len = sizeof(info.serialNumber);
  while (len > 0 && info.serialNumber[len - 1] == ' ') len--;
  if (len >= size) len = size - 1;
  for (size_t i = 0; i < len; i++) {
    char ch = (char)info.serialNumber[i];
    out[i] = (ch == '=' || ch == '\n' || ch == ' ') ? '_' : ch;
  }
  out[len] = '\0';
}

static long count_matching(CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n) {
  if (T->C_FindObjectsInit(s, tmpl, n) != CKR_OK) return -1;
  long count = 0;
  CK_OBJECT_HANDLE batch[64];
  CK_ULONG got = 0;
  do {
    if (T->C_FindObjects(s, batch, 64, &got) != CKR_OK) break;
    count += (long)got;
  } while (got > 0);
  T->C_FindObjectsFinal(s);
  return count;
}

/* SoftHSM's file backend keeps one <uuid>.object file per token object beside token.object. */
static long count_object_files(const char *token_dir) {
  DIR *d = opendir(token_dir);
  if (d == NULL) return -1;
  long count = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t len = strlen(e->d_name);
    if (len > 7 && strcmp(e->d_name + len - 7, ".object") == 0 && strcmp(e->d_name, "token.object") != 0) count++;
  }
  closedir(d);
  return count;
}

static int file_mentions(const char *path, const char *needle) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return 0;
  char buf[65536];
  size_t n = fread(buf, 1, sizeof(buf), f);
  fclose(f);
  return memmem(buf, n, needle, strlen(needle)) != NULL;
}

/*
 * Before login only SoftHSM's own files tell how many private objects there are: find the token
 * folder whose token.object carries this serial. -1 when the target is not SoftHSM with files.
 */
static long count_softhsm_files(const char *serial) {
  if (serial[0] == '\0') return -1;
  const char *conf = getenv("SOFTHSM2_CONF");
  FILE *f = fopen(conf != NULL && conf[0] != '\0' ? conf : "/etc/softhsm/softhsm2.conf", "r");
  if (f == NULL) return -1;
  char line[1200], tokendir[1100] = "";
  while (fgets(line, sizeof(line), f) != NULL) {
    if (sscanf(line, " directories.tokendir = %1023s", tokendir) == 1) break;
    tokendir[0] = '\0';
  }
  fclose(f);
  if (tokendir[0] == '\0') return -1;
  DIR *d = opendir(tokendir);
  if (d == NULL) return -1;
  long count = -1;
  struct dirent *e;
  while (count < 0 && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char dir[2200], token[2300];
    snprintf(dir, sizeof(dir), "%s/%s", tokendir, e->d_name);
    snprintf(token, sizeof(token), "%s/token.object", dir);
    if (file_mentions(token, serial)) count = count_object_files(dir);
  }
  closedir(d);
  return count;
}

/*
 * Token objects on the card. Private objects are visible only while the user is logged in (a
 * card knows them regardless). Otherwise: SoftHSM's files when they can be read, else the count
 * seen at the last login, remembered in the state file. Returns -1 when the token cannot be asked.
 */
static long count_token_objects(CK_SLOT_ID slot) {
  CK_SESSION_HANDLE s;
  if (T->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &s) != CKR_OK) return -1;
  CK_BBOOL yes = CK_TRUE;
  CK_ATTRIBUTE token_only[] = {{CKA_TOKEN, &yes, sizeof(yes)}};
  CK_ATTRIBUTE private_only[] = {{CKA_TOKEN, &yes, sizeof(yes)}, {CKA_PRIVATE, &yes, sizeof(yes)}};
  long visible = count_matching(s, token_only, 1);
  CK_SESSION_INFO info;
  int user = T->C_GetSessionInfo(s, &info) == CKR_OK &&
             (info.state == CKS_RO_USER_FUNCTIONS || info.state == CKS_RW_USER_FUNCTIONS);
  char serial[32];
  token_serial(slot, serial, sizeof(serial));
  long total = visible;
  if (visible >= 0 && user) {
    long priv = count_matching(s, private_only, 2);
    if (priv >= 0) cnssim_private_objects_set(serial, priv);
  } else if (visible >= 0) {
    long files = count_softhsm_files(serial);
    long priv = cnssim_private_objects_get(serial);
    if (files >= visible) total = files;
    else if (priv > 0) total += priv;
  }
  T->C_CloseSession(s);
  return total;
}

static int template_on_token(CK_ATTRIBUTE_PTR tmpl, CK_ULONG n, int fallback) {
  for (CK_ULONG i = 0; i < n; i++)
    if (tmpl[i].type == CKA_TOKEN && tmpl[i].pValue != NULL && tmpl[i].ulValueLen >= 1)
      return *(CK_BBOOL *)tmpl[i].pValue != CK_FALSE;
  return fallback;
}

static CK_RV check_room(const struct cnssim_control *c, CK_SLOT_ID slot, long needed) {
  if (c->max_objects == CNSSIM_NO_LIMIT || needed <= 0) return CKR_OK;
  long count = count_token_objects(slot);
  if (count < 0) return CKR_OK; /* let the target give its own answer */
  return count + needed > c->max_objects ? CKR_DEVICE_MEMORY : CKR_OK;
}

/*
 * Keeps the remembered count of private objects true while they are visible: after login, after
 * anything that adds or removes objects, and before logout hides them again.
 */
static void refresh_private_count(CK_SLOT_ID slot) { (void)count_token_objects(slot); }

static CK_RV refreshed(const struct cnssim_control *c, CK_SLOT_ID slot, CK_RV rv) {
  if (rv == CKR_OK && c->max_objects != CNSSIM_NO_LIMIT) refresh_private_count(slot);
  return rv;
}

/* --- general and slot functions ---------------------------------------------------------- */

static CK_RV w_C_Initialize(CK_VOID_PTR pInitArgs) {
  cnssim_control_setup();
  CK_RV rv = load_target();
  if (rv != CKR_OK) return rv;
  struct cnssim_control ctl;
  cnssim_control_current(&ctl);
  rv = cnssim_fault_check("C_Initialize", &ctl);
  if (rv != CKR_OK) return rv;
  rv = T->C_Initialize(pInitArgs);
  if (rv == CKR_OK) initialized = 1;
  return rv;
}

static CK_RV w_C_Finalize(CK_VOID_PTR pReserved) {
  PRE(C_Finalize)
  CK_RV rv = T->C_Finalize(pReserved);
  if (rv == CKR_OK) {
    initialized = 0;
    pthread_mutex_lock(&sessions_mutex);
    nsessions = 0;
    pthread_mutex_unlock(&sessions_mutex);
  }
  return rv;
}

static CK_RV w_C_GetInfo(CK_INFO_PTR pInfo) {
  PRE(C_GetInfo)
  CK_RV rv = T->C_GetInfo(pInfo);
  /* Our function list is the 2.40 one, whatever the target implements. */
  if (rv == CKR_OK && pInfo != NULL) {
    pInfo->cryptokiVersion.major = 2;
    pInfo->cryptokiVersion.minor = 40;
  }
  return rv;
}

static CK_FUNCTION_LIST function_list;

static CK_RV w_C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList) {
  if (ppFunctionList == NULL) return CKR_ARGUMENTS_BAD;
  *ppFunctionList = &function_list;
  return CKR_OK;
}

static CK_RV w_C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList, CK_ULONG_PTR pulCount) {
  PRE(C_GetSlotList)
  if (ctl.removed && tokenPresent) {
    if (pulCount == NULL) return CKR_ARGUMENTS_BAD;
    *pulCount = 0;
    return CKR_OK;
  }
  return T->C_GetSlotList(tokenPresent, pSlotList, pulCount);
}

static CK_RV w_C_GetSlotInfo(CK_SLOT_ID slotID, CK_SLOT_INFO_PTR pInfo) {
  PRE(C_GetSlotInfo)
  CK_RV rv = T->C_GetSlotInfo(slotID, pInfo);
  if (rv == CKR_OK && pInfo != NULL) {
    pInfo->flags |= CKF_REMOVABLE_DEVICE;
    if (ctl.removed) pInfo->flags &= ~(CK_FLAGS)CKF_TOKEN_PRESENT;
  }
  return rv;
}

static CK_RV w_C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo) {
  PRE(C_GetTokenInfo)
  if (ctl.removed) return CKR_TOKEN_NOT_PRESENT;
  CK_RV rv = T->C_GetTokenInfo(slotID, pInfo);
  if (rv != CKR_OK || pInfo == NULL || !(pInfo->flags & CKF_TOKEN_INITIALIZED)) return rv;

  pInfo->flags &= ~(CK_FLAGS)(CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED);
  int tries = cnssim_pin_tries_left();
  if (tries <= 0) pInfo->flags |= CKF_USER_PIN_LOCKED;
  else if (tries == 1) pInfo->flags |= CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY;
  else if (tries < CNSSIM_PIN_TRIES) pInfo->flags |= CKF_USER_PIN_COUNT_LOW;
  if (ctl.pin_pad) pInfo->flags |= CKF_PROTECTED_AUTHENTICATION_PATH;

  if (ctl.max_objects != CNSSIM_NO_LIMIT) {
    long count = count_token_objects(slotID);
    if (count >= 0) {
      /* One pool for all objects, reported in both fields: free object slots times the unit. */
      long free_slots = ctl.max_objects > count ? ctl.max_objects - count : 0;
      pInfo->ulTotalPublicMemory = pInfo->ulTotalPrivateMemory = (CK_ULONG)ctl.max_objects * CNSSIM_BYTES_PER_OBJECT;
      pInfo->ulFreePublicMemory = pInfo->ulFreePrivateMemory = (CK_ULONG)free_slots * CNSSIM_BYTES_PER_OBJECT;
    }
  }
  return rv;
}

PASS_TOKEN(C_GetMechanismList, (CK_SLOT_ID slotID, CK_MECHANISM_TYPE_PTR pMechanismList, CK_ULONG_PTR pulCount),
           slotID, pMechanismList, pulCount)
PASS_TOKEN(C_GetMechanismInfo, (CK_SLOT_ID slotID, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR pInfo), slotID, type, pInfo)
PASS_TOKEN(C_InitToken, (CK_SLOT_ID slotID, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen, CK_UTF8CHAR_PTR pLabel),
           slotID, pPin, ulPinLen, pLabel)

static CK_RV w_C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR pSlot, CK_VOID_PTR pReserved) {
  PRE(C_WaitForSlotEvent)
  return T->C_WaitForSlotEvent(flags, pSlot, pReserved);
}

/* --- time the card and the reader take --------------------------------------------------- */

/*
 * A real chip takes its time to make a key, and a PIN pad waits for the holder to type; pulling
 * the card meanwhile ends the wait, and the call, with CKR_DEVICE_REMOVED.
 */
static CK_RV card_delay(unsigned long delay_ms, struct cnssim_control *c) {
  unsigned long waited = 0;
  while (waited < delay_ms) {
    unsigned long step = delay_ms - waited < 20 ? delay_ms - waited : 20;
    struct timespec ts = {(time_t)(step / 1000), (long)(step % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    waited += step;
    struct cnssim_control now;
    cnssim_control_current(&now);
    if (now.removed) {
      *c = now;
      sweep_sessions(c);
      return CKR_DEVICE_REMOVED;
    }
  }
  return CKR_OK;
}

/* --- sessions and login ------------------------------------------------------------------ */

static CK_RV w_C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, CK_VOID_PTR pApplication, CK_NOTIFY Notify,
                             CK_SESSION_HANDLE_PTR phSession) {
  PRE(C_OpenSession)
  if (ctl.removed) return CKR_TOKEN_NOT_PRESENT;
  if (phSession == NULL) return CKR_ARGUMENTS_BAD;
  sweep_sessions(&ctl);
  CK_SESSION_HANDLE real;
  CK_RV rv = T->C_OpenSession(slotID, flags, pApplication, Notify, &real);
  if (rv != CKR_OK) return rv;
  CK_SESSION_HANDLE virt = session_add(real, slotID, ctl.insertion);
  if (virt == CK_INVALID_HANDLE) {
    T->C_CloseSession(real);
    return CKR_HOST_MEMORY;
  }
  *phSession = virt;
  return CKR_OK;
}

static CK_RV w_C_CloseSession(CK_SESSION_HANDLE hSession) {
  PRE(C_CloseSession)
  sweep_sessions(&ctl);
  CK_RV rv = CKR_SESSION_HANDLE_INVALID;
  CK_SESSION_HANDLE real = CK_INVALID_HANDLE;
  int forward = 0;
  pthread_mutex_lock(&sessions_mutex);
  for (size_t i = 0; i < nsessions; i++) {
    if (sessions[i].virt != hSession) continue;
    if (sessions[i].lost) {
      rv = ctl.removed ? CKR_DEVICE_REMOVED : CKR_SESSION_HANDLE_INVALID;
    } else {
      real = sessions[i].real;
      forward = 1;
    }
    session_remove_at(i);
    break;
  }
  pthread_mutex_unlock(&sessions_mutex);
  return forward ? T->C_CloseSession(real) : rv;
}

static CK_RV w_C_CloseAllSessions(CK_SLOT_ID slotID) {
  PRE(C_CloseAllSessions)
  sweep_sessions(&ctl);
  pthread_mutex_lock(&sessions_mutex);
  for (size_t i = nsessions; i-- > 0;)
    if (sessions[i].slot == slotID) session_remove_at(i);
  pthread_mutex_unlock(&sessions_mutex);
  if (ctl.removed) return CKR_TOKEN_NOT_PRESENT;
  return T->C_CloseAllSessions(slotID);
}

PASS_SESSION(C_GetSessionInfo, (CK_SESSION_HANDLE hSession, CK_SESSION_INFO_PTR pInfo), pInfo)

static int is_user_pin(CK_USER_TYPE type) { return type == CKU_USER || type == CKU_CONTEXT_SPECIFIC; }

static CK_RV w_C_Login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen) {
  SESSION_PRE(C_Login)
  /* The reader asks for the PIN on its pad and waits for the holder, whoever logs in. */
  CK_RV wait_rv = card_delay(ctl.login_delay_ms, &ctl);
  if (wait_rv != CKR_OK) return wait_rv;
  if (!is_user_pin(userType)) return T->C_Login(real, userType, pPin, ulPinLen);
  /* A locked card refuses before it even compares the PIN. */
  if (cnssim_pin_tries_left() <= 0) return CKR_PIN_LOCKED;
  if ((pPin == NULL || ulPinLen == 0) && ctl.pin_pad) {
    /* The holder types on the reader's pad: the PIN never passes through the application.
       An empty PIN counts as none, because pkcs11js cannot pass NULL. */
    pPin = (CK_UTF8CHAR_PTR)ctl.pin_pad_pin;
    ulPinLen = strlen(ctl.pin_pad_pin);
  }
  CK_RV rv = T->C_Login(real, userType, pPin, ulPinLen);
  if (rv == CKR_PIN_INCORRECT) cnssim_pin_failed();
  if (rv == CKR_OK) {
    cnssim_pin_reset();
    if (userType == CKU_USER) refresh_private_count(slot);
  }
  return rv;
}

static CK_RV w_C_Logout(CK_SESSION_HANDLE hSession) {
  SESSION_PRE(C_Logout)
  if (ctl.max_objects != CNSSIM_NO_LIMIT) refresh_private_count(slot);
  return T->C_Logout(real);
}

static CK_RV w_C_InitPIN(CK_SESSION_HANDLE hSession, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen) {
  SESSION_PRE(C_InitPIN)
  CK_RV rv = T->C_InitPIN(real, pPin, ulPinLen);
  /* Unlocking with the PUK (SO) gives the holder a fresh set of tries. */
  if (rv == CKR_OK) cnssim_pin_reset();
  return rv;
}

static CK_RV w_C_SetPIN(CK_SESSION_HANDLE hSession, CK_UTF8CHAR_PTR pOldPin, CK_ULONG ulOldLen, CK_UTF8CHAR_PTR pNewPin,
                        CK_ULONG ulNewLen) {
  SESSION_PRE(C_SetPIN)
  CK_SESSION_INFO info;
  int so = T->C_GetSessionInfo(real, &info) == CKR_OK && info.state == CKS_RW_SO_FUNCTIONS;
  if (so) return T->C_SetPIN(real, pOldPin, ulOldLen, pNewPin, ulNewLen);
  /* Changing the PIN proves the old one: a wrong old PIN costs a try, as on a card. */
  if (cnssim_pin_tries_left() <= 0) return CKR_PIN_LOCKED;
  CK_RV rv = T->C_SetPIN(real, pOldPin, ulOldLen, pNewPin, ulNewLen);
  if (rv == CKR_PIN_INCORRECT) cnssim_pin_failed();
  else if (rv == CKR_OK) cnssim_pin_reset();
  return rv;
}

PASS_SESSION(C_GetOperationState, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pOperationState, CK_ULONG_PTR pulOperationStateLen),
             pOperationState, pulOperationStateLen)
PASS_SESSION(C_SetOperationState,
             (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pOperationState, CK_ULONG ulOperationStateLen,
              CK_OBJECT_HANDLE hEncryptionKey, CK_OBJECT_HANDLE hAuthenticationKey),
             pOperationState, ulOperationStateLen, hEncryptionKey, hAuthenticationKey)

/* --- objects ----------------------------------------------------------------------------- */

static CK_RV w_C_CreateObject(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
                              CK_OBJECT_HANDLE_PTR phObject) {
  SESSION_PRE(C_CreateObject)
  CK_RV rv = check_room(&ctl, slot, template_on_token(pTemplate, ulCount, 0));
  if (rv != CKR_OK) return rv;
  return refreshed(&ctl, slot, T->C_CreateObject(real, pTemplate, ulCount, phObject));
}

static CK_RV w_C_CopyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate,
                            CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phNewObject) {
  SESSION_PRE(C_CopyObject)
  CK_BBOOL source_on_token = CK_FALSE;
  CK_ATTRIBUTE probe = {CKA_TOKEN, &source_on_token, sizeof(source_on_token)};
  if (T->C_GetAttributeValue(real, hObject, &probe, 1) != CKR_OK) source_on_token = CK_FALSE;
  CK_RV rv = check_room(&ctl, slot, template_on_token(pTemplate, ulCount, source_on_token != CK_FALSE));
  if (rv != CKR_OK) return rv;
  return refreshed(&ctl, slot, T->C_CopyObject(real, hObject, pTemplate, ulCount, phNewObject));
}

static CK_RV w_C_DestroyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject) {
  SESSION_PRE(C_DestroyObject)
  return refreshed(&ctl, slot, T->C_DestroyObject(real, hObject));
}
PASS_SESSION(C_GetObjectSize, (CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ULONG_PTR pulSize), hObject, pulSize)
PASS_SESSION(C_GetAttributeValue, (CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount),
             hObject, pTemplate, ulCount)
PASS_SESSION(C_SetAttributeValue, (CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount),
             hObject, pTemplate, ulCount)
PASS_SESSION(C_FindObjectsInit, (CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount), pTemplate, ulCount)
PASS_SESSION(C_FindObjects, (CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE_PTR phObject, CK_ULONG ulMaxObjectCount, CK_ULONG_PTR pulObjectCount),
             phObject, ulMaxObjectCount, pulObjectCount)
PASS_SESSION0(C_FindObjectsFinal)

/* --- cryptography ------------------------------------------------------------------------ */

PASS_SESSION(C_EncryptInit, (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey), pMechanism, hKey)
PASS_SESSION(C_Encrypt, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pEncryptedData, CK_ULONG_PTR pulEncryptedDataLen),
             pData, ulDataLen, pEncryptedData, pulEncryptedDataLen)
PASS_SESSION(C_EncryptUpdate, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen, CK_BYTE_PTR pEncryptedPart, CK_ULONG_PTR pulEncryptedPartLen),
             pPart, ulPartLen, pEncryptedPart, pulEncryptedPartLen)
PASS_SESSION(C_EncryptFinal, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pLastEncryptedPart, CK_ULONG_PTR pulLastEncryptedPartLen),
             pLastEncryptedPart, pulLastEncryptedPartLen)
PASS_SESSION(C_DecryptInit, (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey), pMechanism, hKey)
PASS_SESSION(C_Decrypt, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pEncryptedData, CK_ULONG ulEncryptedDataLen, CK_BYTE_PTR pData, CK_ULONG_PTR pulDataLen),
             pEncryptedData, ulEncryptedDataLen, pData, pulDataLen)
PASS_SESSION(C_DecryptUpdate, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pEncryptedPart, CK_ULONG ulEncryptedPartLen, CK_BYTE_PTR pPart, CK_ULONG_PTR pulPartLen),
             pEncryptedPart, ulEncryptedPartLen, pPart, pulPartLen)
PASS_SESSION(C_DecryptFinal, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pLastPart, CK_ULONG_PTR pulLastPartLen), pLastPart, pulLastPartLen)
PASS_SESSION(C_DigestInit, (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism), pMechanism)
PASS_SESSION(C_Digest, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pDigest, CK_ULONG_PTR pulDigestLen),
             pData, ulDataLen, pDigest, pulDigestLen)
PASS_SESSION(C_DigestUpdate, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen), pPart, ulPartLen)
PASS_SESSION(C_DigestKey, (CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hKey), hKey)
PASS_SESSION(C_DigestFinal, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pDigest, CK_ULONG_PTR pulDigestLen), pDigest, pulDigestLen)
PASS_SESSION(C_SignInit, (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey), pMechanism, hKey)
PASS_SESSION(C_Sign, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen),
             pData, ulDataLen, pSignature, pulSignatureLen)
PASS_SESSION(C_SignUpdate, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen), pPart, ulPartLen)
PASS_SESSION(C_SignFinal, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen), pSignature, pulSignatureLen)
PASS_SESSION(C_SignRecoverInit, (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey), pMechanism, hKey)
PASS_SESSION(C_SignRecover, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen),
             pData, ulDataLen, pSignature, pulSignatureLen)
PASS_SESSION(C_VerifyInit, (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey), pMechanism, hKey)
PASS_SESSION(C_Verify, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen),
             pData, ulDataLen, pSignature, ulSignatureLen)
PASS_SESSION(C_VerifyUpdate, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen), pPart, ulPartLen)
PASS_SESSION(C_VerifyFinal, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen), pSignature, ulSignatureLen)
PASS_SESSION(C_VerifyRecoverInit, (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey), pMechanism, hKey)
PASS_SESSION(C_VerifyRecover, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen, CK_BYTE_PTR pData, CK_ULONG_PTR pulDataLen),
             pSignature, ulSignatureLen, pData, pulDataLen)
PASS_SESSION(C_DigestEncryptUpdate, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen, CK_BYTE_PTR pEncryptedPart, CK_ULONG_PTR pulEncryptedPartLen),
             pPart, ulPartLen, pEncryptedPart, pulEncryptedPartLen)
PASS_SESSION(C_DecryptDigestUpdate, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pEncryptedPart, CK_ULONG ulEncryptedPartLen, CK_BYTE_PTR pPart, CK_ULONG_PTR pulPartLen),
             pEncryptedPart, ulEncryptedPartLen, pPart, pulPartLen)
PASS_SESSION(C_SignEncryptUpdate, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen, CK_BYTE_PTR pEncryptedPart, CK_ULONG_PTR pulEncryptedPartLen),
             pPart, ulPartLen, pEncryptedPart, pulEncryptedPartLen)
PASS_SESSION(C_DecryptVerifyUpdate, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pEncryptedPart, CK_ULONG ulEncryptedPartLen, CK_BYTE_PTR pPart, CK_ULONG_PTR pulPartLen),
             pEncryptedPart, ulEncryptedPartLen, pPart, pulPartLen)

/* --- key management ---------------------------------------------------------------------- */

static CK_RV w_C_GenerateKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_ATTRIBUTE_PTR pTemplate,
                             CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phKey) {
  SESSION_PRE(C_GenerateKey)
  CK_RV rv = check_room(&ctl, slot, template_on_token(pTemplate, ulCount, 0));
  if (rv != CKR_OK) return rv;
  return refreshed(&ctl, slot, T->C_GenerateKey(real, pMechanism, pTemplate, ulCount, phKey));
}

static CK_RV w_C_GenerateKeyPair(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_ATTRIBUTE_PTR pPublicKeyTemplate,
                                 CK_ULONG ulPublicKeyAttributeCount, CK_ATTRIBUTE_PTR pPrivateKeyTemplate,
                                 CK_ULONG ulPrivateKeyAttributeCount, CK_OBJECT_HANDLE_PTR phPublicKey,
                                 CK_OBJECT_HANDLE_PTR phPrivateKey) {
  SESSION_PRE(C_GenerateKeyPair)
  long needed = template_on_token(pPublicKeyTemplate, ulPublicKeyAttributeCount, 0) +
                template_on_token(pPrivateKeyTemplate, ulPrivateKeyAttributeCount, 0);
  CK_RV rv = check_room(&ctl, slot, needed);
  if (rv != CKR_OK) return rv;
  rv = card_delay(ctl.keygen_delay_ms, &ctl);
  if (rv != CKR_OK) return rv;
  return refreshed(&ctl, slot,
                   T->C_GenerateKeyPair(real, pMechanism, pPublicKeyTemplate, ulPublicKeyAttributeCount, pPrivateKeyTemplate,
                                        ulPrivateKeyAttributeCount, phPublicKey, phPrivateKey));
}

PASS_SESSION(C_WrapKey, (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hWrappingKey, CK_OBJECT_HANDLE hKey,
                         CK_BYTE_PTR pWrappedKey, CK_ULONG_PTR pulWrappedKeyLen),
             pMechanism, hWrappingKey, hKey, pWrappedKey, pulWrappedKeyLen)

static CK_RV w_C_UnwrapKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hUnwrappingKey,
                           CK_BYTE_PTR pWrappedKey, CK_ULONG ulWrappedKeyLen, CK_ATTRIBUTE_PTR pTemplate,
                           CK_ULONG ulAttributeCount, CK_OBJECT_HANDLE_PTR phKey) {
  SESSION_PRE(C_UnwrapKey)
  CK_RV rv = check_room(&ctl, slot, template_on_token(pTemplate, ulAttributeCount, 0));
  if (rv != CKR_OK) return rv;
  return refreshed(&ctl, slot,
                   T->C_UnwrapKey(real, pMechanism, hUnwrappingKey, pWrappedKey, ulWrappedKeyLen, pTemplate, ulAttributeCount, phKey));
}

static CK_RV w_C_DeriveKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hBaseKey,
                           CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulAttributeCount, CK_OBJECT_HANDLE_PTR phKey) {
  SESSION_PRE(C_DeriveKey)
  CK_RV rv = check_room(&ctl, slot, template_on_token(pTemplate, ulAttributeCount, 0));
  if (rv != CKR_OK) return rv;
  return refreshed(&ctl, slot, T->C_DeriveKey(real, pMechanism, hBaseKey, pTemplate, ulAttributeCount, phKey));
}

PASS_SESSION(C_SeedRandom, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSeed, CK_ULONG ulSeedLen), pSeed, ulSeedLen)
PASS_SESSION(C_GenerateRandom, (CK_SESSION_HANDLE hSession, CK_BYTE_PTR RandomData, CK_ULONG ulRandomLen), RandomData, ulRandomLen)
PASS_SESSION0(C_GetFunctionStatus)
PASS_SESSION0(C_CancelFunction)

/* --- the function list ------------------------------------------------------------------- */

#define ENTRY(name) .name = w_##name

static CK_FUNCTION_LIST function_list = {
    .version = {2, 40},
    ENTRY(C_Initialize), ENTRY(C_Finalize), ENTRY(C_GetInfo), ENTRY(C_GetFunctionList), ENTRY(C_GetSlotList),
    ENTRY(C_GetSlotInfo), ENTRY(C_GetTokenInfo), ENTRY(C_GetMechanismList), ENTRY(C_GetMechanismInfo),
    ENTRY(C_InitToken), ENTRY(C_InitPIN), ENTRY(C_SetPIN), ENTRY(C_OpenSession), ENTRY(C_CloseSession),
    ENTRY(C_CloseAllSessions), ENTRY(C_GetSessionInfo), ENTRY(C_GetOperationState), ENTRY(C_SetOperationState),
    ENTRY(C_Login), ENTRY(C_Logout), ENTRY(C_CreateObject), ENTRY(C_CopyObject), ENTRY(C_DestroyObject),
    ENTRY(C_GetObjectSize), ENTRY(C_GetAttributeValue), ENTRY(C_SetAttributeValue), ENTRY(C_FindObjectsInit),
    ENTRY(C_FindObjects), ENTRY(C_FindObjectsFinal), ENTRY(C_EncryptInit), ENTRY(C_Encrypt), ENTRY(C_EncryptUpdate),
    ENTRY(C_EncryptFinal), ENTRY(C_DecryptInit), ENTRY(C_Decrypt), ENTRY(C_DecryptUpdate), ENTRY(C_DecryptFinal),
    ENTRY(C_DigestInit), ENTRY(C_Digest), ENTRY(C_DigestUpdate), ENTRY(C_DigestKey), ENTRY(C_DigestFinal),
    ENTRY(C_SignInit), ENTRY(C_Sign), ENTRY(C_SignUpdate), ENTRY(C_SignFinal), ENTRY(C_SignRecoverInit),
    ENTRY(C_SignRecover), ENTRY(C_VerifyInit), ENTRY(C_Verify), ENTRY(C_VerifyUpdate), ENTRY(C_VerifyFinal),
    ENTRY(C_VerifyRecoverInit), ENTRY(C_VerifyRecover), ENTRY(C_DigestEncryptUpdate), ENTRY(C_DecryptDigestUpdate),
    ENTRY(C_SignEncryptUpdate), ENTRY(C_DecryptVerifyUpdate), ENTRY(C_GenerateKey), ENTRY(C_GenerateKeyPair),
    ENTRY(C_WrapKey), ENTRY(C_UnwrapKey), ENTRY(C_DeriveKey), ENTRY(C_SeedRandom), ENTRY(C_GenerateRandom),
    ENTRY(C_GetFunctionStatus), ENTRY(C_CancelFunction), ENTRY(C_WaitForSlotEvent),
};

/* The one exported symbol: loaders (pkcs11js, OpenSC) find everything else through the list. */
__attribute__((visibility("default"))) CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList) {
  return w_C_GetFunctionList(ppFunctionList);
}
