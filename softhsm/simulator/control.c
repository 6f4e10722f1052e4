/*
 * The simulator's two small files in $CNSSIM_DIR:
 *   control  written by tests and the helpdesk (key=value lines), re-read whenever it changes;
 *   state    written by the simulator: what a real card remembers across processes (PIN tries,
 *            fault call counts, the last private-object count seen).
 * Every read-modify-write of `state` happens under flock(state.lock), because the app's device
 * process and the helpdesk's pkcs11-tool may use the same card at once.
 */
#define _GNU_SOURCE
#include "cnssim.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define KV_MAX 128

struct kv {
  char key[64];
  char value[160];
};

struct kvs {
  int n;
  struct kv items[KV_MAX];
};

static pthread_mutex_t control_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static char dir_path[1024];
static int have_dir;
static struct cnssim_control cached;
static int cached_valid;
static struct stat cached_stat;
static unsigned long tmp_counter;

/* Without a control directory: the state lives as long as the process. */
static struct kvs memory_state;

static void path_of(char *out, size_t size, const char *name) {
  snprintf(out, size, "%s/%s", dir_path, name);
}

static void setup(void) {
  const char *dir = getenv("CNSSIM_DIR");
  if (dir != NULL && dir[0] != '\0' && strlen(dir) < sizeof(dir_path) - 32) {
    snprintf(dir_path, sizeof(dir_path), "%s", dir);
    have_dir = 1;
    /* A card needs nobody's permission to remember its PIN tries: make the folder if missing. */
    mkdir(dir_path, 0700);
  }
}

void cnssim_control_setup(void) { pthread_once(&setup_once, setup); }

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t len = strlen(s);
  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r')) s[--len] = '\0';
  return s;
}

static int kvs_read(const char *path, struct kvs *out) {
  out->n = 0;
  FILE *f = fopen(path, "r");
  if (f == NULL) return errno == ENOENT ? 0 : -1;
  char line[512];
  while (fgets(line, sizeof(line), f) != NULL && out->n < KV_MAX) {
    char *s = trim(line);
    if (*s == '#' || *s == '\0') continue;
    char *eq = strchr(s, '=');
    if (eq == NULL) continue;
    *eq = '\0';
    struct kv *item = &out->items[out->n++];
    snprintf(item->key, sizeof(item->key), "%s", trim(s));
    snprintf(item->value, sizeof(item->value), "%s", trim(eq + 1));
  }
  fclose(f);
  return 0;
}

static const char *kvs_get(const struct kvs *kv, const char *key) {
  for (int i = 0; i < kv->n; i++)
    if (strcmp(kv->items[i].key, key) == 0) return kv->items[i].value;
  return NULL;
}

static void kvs_set(struct kvs *kv, const char *key, const char *value) {
  for (int i = 0; i < kv->n; i++) {
    if (strcmp(kv->items[i].key, key) == 0) {
      snprintf(kv->items[i].value, sizeof(kv->items[i].value), "%s", value);
      return;
    }
  }
  if (kv->n >= KV_MAX) return;
  struct kv *item = &kv->items[kv->n++];
  snprintf(item->key, sizeof(item->key), "%s", key);
  snprintf(item->value, sizeof(item->value), "%s", value);
}

static void kvs_remove_prefix(struct kvs *kv, const char *prefix) {
  int w = 0;
  for (int r = 0; r < kv->n; r++)
    if (strncmp(kv->items[r].key, prefix, strlen(prefix)) != 0) kv->items[w++] = kv->items[r];
  kv->n = w;
}

/* Written beside the target and renamed over it: a reader never sees half a file. */
static int write_atomically(const char *path, const char *text) {
  char tmp[1200];
  unsigned long n = __atomic_add_fetch(&tmp_counter, 1, __ATOMIC_SEQ_CST);
  snprintf(tmp, sizeof(tmp), "%s.tmp-%ld-%lu", path, (long)getpid(), n);
  FILE *f = fopen(tmp, "w");
  if (f == NULL) return -1;
  int ok = fputs(text, f) >= 0;
  ok = (fclose(f) == 0) && ok;
  if (!ok || rename(tmp, path) != 0) {
    unlink(tmp);
    return -1;
  }
  return 0;
}

static int kvs_write(const char *path, const struct kvs *kv) {
  char text[KV_MAX * 240];
  size_t used = 0;
  text[0] = '\0';
  for (int i = 0; i < kv->n && used < sizeof(text); i++)
    used += (size_t)snprintf(text + used, sizeof(text) - used, "%s=%s\n", kv->items[i].key, kv->items[i].value);
  return write_atomically(path, text);
}

/* The state lock: flock between processes; the mutex covers the in-memory fallback. */
static pthread_mutex_t state_mutex = PTHREAD_MUTEX_INITIALIZER;

static int state_lock(void) {
  pthread_mutex_lock(&state_mutex);
  if (!have_dir) return -1;
  char path[1100];
  path_of(path, sizeof(path), "state.lock");
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) flock(fd, LOCK_EX);
  return fd;
}

static void state_unlock(int fd) {
  if (fd >= 0) close(fd); /* closing drops the flock */
  pthread_mutex_unlock(&state_mutex);
}

static void state_load(struct kvs *kv) {
  if (!have_dir) {
    *kv = memory_state;
    return;
  }
  char path[1100];
  path_of(path, sizeof(path), "state");
  kvs_read(path, kv);
}

static void state_store(const struct kvs *kv) {
  if (!have_dir) {
    memory_state = *kv;
    return;
  }
  char path[1100];
  path_of(path, sizeof(path), "state");
  if (kvs_write(path, kv) != 0) fprintf(stderr, "cnssim: cannot write %s\n", path);
}

static void parse_fault(const char *spec, struct cnssim_control *c) {
  /* fn:nth:rv[:remove] */
  if (c->nfaults >= CNSSIM_MAX_FAULTS) return;
  char buf[160];
  snprintf(buf, sizeof(buf), "%s", spec);
  char *save = NULL;
  char *fn = strtok_r(buf, ":", &save);
  char *nth = strtok_r(NULL, ":", &save);
  char *rv = strtok_r(NULL, ":", &save);
  char *flag = strtok_r(NULL, ":", &save);
  if (fn == NULL || nth == NULL || rv == NULL) {
    fprintf(stderr, "cnssim: ignoring malformed fault rule '%s'\n", spec);
    return;
  }
  struct cnssim_fault *f = &c->faults[c->nfaults++];
  snprintf(f->fn, sizeof(f->fn), "%s", trim(fn));
  f->nth = strtoul(nth, NULL, 10);
  f->rv = (CK_RV)strtoul(rv, NULL, 0);
  f->remove = flag != NULL && strcmp(trim(flag), "remove") == 0;
}

static void parse_control(const char *path, const struct stat *st, struct cnssim_control *c) {
  memset(c, 0, sizeof(*c));
  c->max_objects = CNSSIM_NO_LIMIT;
  if (st != NULL)
    snprintf(c->epoch, sizeof(c->epoch), "%lu.%ld.%ld.%ld", (unsigned long)st->st_ino, (long)st->st_mtim.tv_sec,
             (long)st->st_mtim.tv_nsec, (long)st->st_size);
  else
    snprintf(c->epoch, sizeof(c->epoch), "none");
  FILE *f = path != NULL ? fopen(path, "r") : NULL;
  if (f == NULL) return;
  char line[512];
  while (fgets(line, sizeof(line), f) != NULL) {
    char *s = trim(line);
    if (*s == '#' || *s == '\0') continue;
    char *eq = strchr(s, '=');
    if (eq == NULL) continue;
    *eq = '\0';
    const char *key = trim(s);
    const char *value = trim(eq + 1);
    if (strcmp(key, "removed") == 0) c->removed = strcmp(value, "1") == 0 || strcmp(value, "true") == 0;
    else if (strcmp(key, "insertion") == 0) c->insertion = strtoul(value, NULL, 10);
    else if (strcmp(key, "max_objects") == 0) c->max_objects = value[0] == '\0' ? CNSSIM_NO_LIMIT : strtol(value, NULL, 10);
    else if (strcmp(key, "keygen_delay_ms") == 0) c->keygen_delay_ms = strtoul(value, NULL, 10);
    else if (strcmp(key, "login_delay_ms") == 0) c->login_delay_ms = strtoul(value, NULL, 10);
    else if (strcmp(key, "pin_pad") == 0) c->pin_pad = strcmp(value, "1") == 0 || strcmp(value, "true") == 0;
    else if (strcmp(key, "pin_pad_pin") == 0) snprintf(c->pin_pad_pin, sizeof(c->pin_pad_pin), "%s", value);
    else if (strcmp(key, "fault") == 0) parse_fault(value, c);
    else fprintf(stderr, "cnssim: unknown control key '%s'\n", key);
  }
  fclose(f);
  if (c->max_objects < 0) c->max_objects = CNSSIM_NO_LIMIT;
}

void cnssim_control_current(struct cnssim_control *out) {
  cnssim_control_setup();
  pthread_mutex_lock(&control_mutex);
  if (!have_dir) {
    if (!cached_valid) parse_control(NULL, NULL, &cached);
    cached_valid = 1;
  } else {
    char path[1100];
    path_of(path, sizeof(path), "control");
    struct stat st;
    if (stat(path, &st) != 0) {
      memset(&st, 0, sizeof(st));
      if (!cached_valid || cached_stat.st_ino != 0) parse_control(NULL, NULL, &cached);
    } else if (!cached_valid || st.st_ino != cached_stat.st_ino || st.st_size != cached_stat.st_size ||
               st.st_mtim.tv_sec != cached_stat.st_mtim.tv_sec || st.st_mtim.tv_nsec != cached_stat.st_mtim.tv_nsec) {
      parse_control(path, &st, &cached);
    }
    cached_stat = st;
    cached_valid = 1;
  }
  *out = cached;
  pthread_mutex_unlock(&control_mutex);
}

CK_RV cnssim_fault_check(const char *fn, const struct cnssim_control *control) {
  const struct cnssim_control c = *control;
  int any = 0;
  for (int i = 0; i < c.nfaults; i++) any |= strcmp(c.faults[i].fn, fn) == 0;
  if (!any) return CKR_OK;

  CK_RV result = CKR_OK;
  int remove = 0;
  int fd = state_lock();
  struct kvs state;
  state_load(&state);
  /* Calls are counted from when the rules were written: a new control file starts over. */
  const char *epoch = kvs_get(&state, "fault_epoch");
  if (epoch == NULL || strcmp(epoch, c.epoch) != 0) {
    kvs_remove_prefix(&state, "fault.");
    kvs_set(&state, "fault_epoch", c.epoch);
  }
  for (int i = 0; i < c.nfaults; i++) {
    if (strcmp(c.faults[i].fn, fn) != 0) continue;
    char key[64], value[32];
    snprintf(key, sizeof(key), "fault.%d.calls", i);
    const char *prev = kvs_get(&state, key);
    unsigned long calls = (prev != NULL ? strtoul(prev, NULL, 10) : 0) + 1;
    snprintf(value, sizeof(value), "%lu", calls);
    kvs_set(&state, key, value);
    if (calls == c.faults[i].nth && result == CKR_OK) {
      result = c.faults[i].rv;
      remove = c.faults[i].remove;
    }
  }
  state_store(&state);
  state_unlock(fd);
  if (remove) cnssim_control_mark_removed();
  return result;
}

void cnssim_control_mark_removed(void) {
  cnssim_control_setup();
  if (!have_dir) {
    pthread_mutex_lock(&control_mutex);
    cached.removed = 1;
    pthread_mutex_unlock(&control_mutex);
    return;
  }
  char path[1100];
  path_of(path, sizeof(path), "control");
  int fd = state_lock();
  /* Rewrite the control file line by line, so the helpdesk sees `removed=1` where it looks. */
  char text[16384];
  size_t used = 0;
  int found = 0;
  FILE *f = fopen(path, "r");
  if (f != NULL) {
    char line[512];
    while (fgets(line, sizeof(line), f) != NULL && used < sizeof(text) - 600) {
      char copy[512];
      snprintf(copy, sizeof(copy), "%s", line);
      char *s = trim(copy);
      if (strncmp(s, "removed", 7) == 0 && strchr(s, '=') != NULL && trim(s + 7)[0] == '=') {
        used += (size_t)snprintf(text + used, sizeof(text) - used, "removed=1\n");
        found = 1;
      } else {
        used += (size_t)snprintf(text + used, sizeof(text) - used, "%s\n", s);
      }
    }
    fclose(f);
  }
  if (!found) used += (size_t)snprintf(text + used, sizeof(text) - used, "removed=1\n");
  if (write_atomically(path, text) != 0) fprintf(stderr, "cnssim: cannot write %s\n", path);
  state_unlock(fd);
}

int cnssim_pin_tries_left(void) {
  cnssim_control_setup();
  int fd = state_lock();
  struct kvs state;
  state_load(&state);
  state_unlock(fd);
  const char *v = kvs_get(&state, "pin_tries_left");
  if (v == NULL) return CNSSIM_PIN_TRIES;
  long tries = strtol(v, NULL, 10);
  return tries < 0 ? 0 : tries > CNSSIM_PIN_TRIES ? CNSSIM_PIN_TRIES : (int)tries;
}

static int pin_store(int (*next)(int)) {
  cnssim_control_setup();
  int fd = state_lock();
  struct kvs state;
  state_load(&state);
  const char *v = kvs_get(&state, "pin_tries_left");
  int tries = v == NULL ? CNSSIM_PIN_TRIES : (int)strtol(v, NULL, 10);
  int updated = next(tries);
  if (updated != tries || v == NULL) {
    char value[16];
    snprintf(value, sizeof(value), "%d", updated);
    kvs_set(&state, "pin_tries_left", value);
    state_store(&state);
  }
  state_unlock(fd);
  return updated;
}

static int one_less(int tries) { return tries > 0 ? tries - 1 : 0; }
static int full(int tries) {
  (void)tries;
  return CNSSIM_PIN_TRIES;
}

int cnssim_pin_failed(void) { return pin_store(one_less); }
void cnssim_pin_reset(void) { pin_store(full); }

static void private_key_name(char *out, size_t size, const char *serial) {
  snprintf(out, size, "private_objects.%s", serial[0] != '\0' ? serial : "unknown");
}

long cnssim_private_objects_get(const char *serial) {
  cnssim_control_setup();
  char key[64];
  private_key_name(key, sizeof(key), serial);
  int fd = state_lock();
  struct kvs state;
  state_load(&state);
  state_unlock(fd);
  const char *v = kvs_get(&state, key);
  return v == NULL ? -1 : strtol(v, NULL, 10);
}

void cnssim_private_objects_set(const char *serial, long count) {
  cnssim_control_setup();
  char key[64], value[32];
  private_key_name(key, sizeof(key), serial);
  snprintf(value, sizeof(value), "%ld", count);
  int fd = state_lock();
  struct kvs state;
  state_load(&state);
  const char *v = kvs_get(&state, key);
  if (v == NULL || strcmp(v, value) != 0) {
    kvs_set(&state, key, value);
    state_store(&state);
  }
  state_unlock(fd);
}
