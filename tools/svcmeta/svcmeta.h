/*
 * svcmeta.h — what the files of svcmeta share.
 *
 *   main.c      options, usage and dispatch (reads like --help)
 *   arena.c     one arena for everything a run allocates, and the error slot
 *   tree.c      libyaml events -> a tiny node tree with line/column marks
 *   schema.c    typed reads of tree nodes, errors naming file:line:col + field
 *   service.c   services/<folder>/service.yaml: load and validate
 *   profiles.c  profiles.yaml, includes, the start order
 *   vars.c      ${VAR} / ${VAR:-default}: environment > .env > port defaults
 *   shell.c     quoting for bash eval
 *   commands.c  list, get, env, profile, profiles, default, check
 *   resolve.c   resolve: the profile and every service, one eval-able snippet
 *
 * Nothing is freed piecemeal: the tree, the services and every resolved string
 * live in the kit's arena, released once by sm_kit_free().
 */
#ifndef SVCMETA_H
#define SVCMETA_H

#include "arc.h"

#define SM_PROG "svcmeta"
#define SM_MAX_DEPTH 64 /* YAML nesting and depends_on chains */

/* ---- arena and errors (arena.c) ------------------------------------------ */
typedef struct sm_block sm_block;
typedef struct {
    sm_block *head;
} sm_arena;

void *sm_alloc(sm_arena *a, size_t size); /* zeroed; exits 1 when out of memory */
char *sm_strndup(sm_arena *a, const char *s, size_t n);
char *sm_strdup(sm_arena *a, const char *s);
char *sm_printf(sm_arena *a, const char *fmt, ...) ARC_PRINTF(2, 3);
void sm_arena_free(sm_arena *a);

/* The one error of a run: an exit code and a message (lines joined by \n).
 * Every failing function fills it and returns -1. */
typedef struct {
    int code;
    arc_buf msg;
} sm_err;

int sm_fail(sm_err *e, int code, const char *fmt, ...) ARC_PRINTF(3, 4);
/* Add one more line (check collects several problems); code 1. */
void sm_problem(sm_err *e, const char *fmt, ...) ARC_PRINTF(2, 3);
void sm_err_clear(sm_err *e);

/* ---- YAML tree (tree.c) ---------------------------------------------------- */
typedef enum { SM_SCALAR, SM_SEQ, SM_MAP } sm_kind;

typedef struct sm_node {
    sm_kind kind;
    bool plain;      /* scalar written without quotes */
    int line, col;   /* 1-based, where the node starts */
    const char *str; /* scalar text (never contains NUL or control chars) */
    size_t count;    /* SEQ: items; MAP: key/value pairs */
    struct sm_node *first, *last; /* children; a MAP alternates key, value */
    struct sm_node *next;
} sm_node;

/* A file being read: its path and how messages show it (relative to the root). */
typedef struct {
    const char *path;
    const char *shown;
    sm_node *root; /* NULL for an empty document */
} sm_file;

/* Parse path into f->root. 0, or -1: 1 cannot read, 65 not valid YAML. */
int sm_yaml_load(sm_arena *a, sm_file *f, sm_err *e);

/* ---- typed reads (schema.c) ------------------------------------------------ */
/* Every check names "file:line:col: field: problem" and returns -1 (code 65). */
int sm_bad(sm_err *e, const sm_file *f, const sm_node *n, const char *fmt, ...)
    ARC_PRINTF(4, 5);
bool sm_is_null(const sm_node *n); /* plain "", "~" or "null" */
const sm_node *sm_get(const sm_node *map, const char *key);
/* Each key of map must be in allowed (NULL-terminated); `hint` is added to
 * the message when the unknown key is `hinted`. field "" = the top level. */
int sm_keys(sm_err *e, const sm_file *f, const sm_node *map, const char *field,
            const char *const *allowed, const char *hinted, const char *hint);
/* map[key] as a string: *out NULL when absent (an error when need), "" for
 * null. need also refuses "". field names it in messages ("ports[0].name"). */
int sm_str(sm_err *e, const sm_file *f, const sm_node *map, const char *key,
           const char *field, bool need, const char **out);
/* A plain scalar of digits within [min, max]; what = "a port number 1-65535". */
int sm_int(sm_err *e, const sm_file *f, const sm_node *n, const char *field,
           long min, long max, const char *what, long *out);

/* A list of strings, kept as their nodes (for positions). */
typedef struct {
    const sm_node **v;
    size_t n;
} sm_list;

/* n (NULL = empty) must be a sequence of scalars, non-empty unless
 * allow_empty; example completes "must be a list of strings, e.g. [a, b]". */
int sm_strlist(sm_arena *a, sm_err *e, const sm_file *f, const sm_node *n,
               const char *field, const char *example, bool allow_empty, sm_list *out);
bool sm_list_has(const sm_list *l, const char *s);
bool sm_is_ident(const char *s); /* [A-Za-z_][A-Za-z0-9_]* */

/* ---- services (service.c) -------------------------------------------------- */
typedef struct {
    const sm_node *node;
    const char *name;
    long host, container;
    const char *host_text;  /* host as a string: the port variable's default */
    const char *env;        /* NULL: no variable */
    const sm_node *url;     /* NULL: none */
} sm_port;

typedef struct {
    const sm_node *key, *value;
} sm_pair;

typedef struct {
    const char *key, *value;
} sm_var;

typedef struct {
    sm_file file;
    const char *dir;          /* ROOT/services/<folder> */
    const char *name, *codename, *tech, *role, *kind, *description;
    const char *container; /* default: name */
    bool oneshot;
    long up_timeout;
    sm_port *ports;
    size_t nports;
    bool has_health;
    const char *probe;
    sm_list args;
    sm_pair *henv;
    size_t nhenv;
    sm_list depends, after_up, before_down, run;
    /* the folder's .env (vars.c), read on first use */
    bool dotenv_read;
    sm_var *dotenv;
    size_t ndotenv;
} sm_service;

typedef struct {
    const sm_node *node;
    const char *name;
    sm_list services, includes;
    sm_var *env; /* env: VAR: value, the profile's settings */
    size_t nenv;
} sm_profile;

typedef struct {
    sm_arena arena;
    sm_err err;
    const char *root;
    sm_service *svc; /* in folder order */
    size_t nsvc;
    sm_file pfile;   /* profiles.yaml */
    sm_profile *prof;
    size_t nprof;
    const char *deflt;
    bool profiles_read;
} sm_kit;

void sm_kit_init(sm_kit *k, const char *root, const char *profiles_path);
void sm_kit_free(sm_kit *k);
/* ROOT/x as messages show it: relative to the root when inside it. */
const char *sm_shown(sm_kit *k, const char *path);
int sm_load_services(sm_kit *k);
sm_service *sm_find(sm_kit *k, const char *codename); /* NULL when unknown */
/* sm_find, or an error naming the known codenames (exit 1). */
sm_service *sm_need(sm_kit *k, const char *codename);
bool sm_has_compose(const sm_service *s);

/* ---- profiles and order (profiles.c) --------------------------------------- */
int sm_load_profiles(sm_kit *k);
const sm_profile *sm_profile_find(const sm_kit *k, const char *name);
/*
 * The start order of a profile (name NULL or "" = the default): dependencies
 * before dependents, depth first in the listed order, one-shots last. out
 * gets k->nsvc slots; *n the count. Unknown profile: 64.
 */
int sm_profile_order(sm_kit *k, const char *name, sm_service **out, size_t *n);
/*
 * The profile's settings (env:, its includes' first, its own last) put in the
 * environment where the caller has not set them, so ${VAR} in service.yaml
 * sees them; each one set is appended to out as an `export VAR=value` line.
 */
void sm_profile_env(sm_kit *k, const char *name, arc_buf *out);
/* The order of an explicit list of services (check uses it for all). */
int sm_start_order(sm_kit *k, sm_service *const *names, size_t nnames,
                   sm_service **out, size_t *n);

/* ---- variables (vars.c) ---------------------------------------------------- */
int sm_dotenv(sm_kit *k, sm_service *s); /* reads the .env once; 65 on a bad line */
/* A variable as the service sees it (environment > .env > port default), NULL when
 * unset or when the .env is bad (k->err set then). */
const char *sm_var_value(sm_kit *k, sm_service *s, const char *name);
/* A port's variable must hold a port number (64 naming it otherwise);
 * sm_check_ports checks every port of s. */
int sm_port_check(sm_kit *k, sm_service *s, const sm_port *p);
int sm_check_ports(sm_kit *k, sm_service *s);
long sm_host_port(const sm_service *s, const sm_port *p); /* after sm_check_ports */
/* Expand ${VAR} and ${VAR:-default} in n->str into out (appended). Unset
 * without a default: 1, naming the file and field; control chars: 65. */
int sm_expand(sm_kit *k, sm_service *s, const sm_node *n, const char *field,
              arc_buf *out);
/* The same into a new string of the arena. */
int sm_expand_dup(sm_kit *k, sm_service *s, const sm_node *n, const char *field,
                  const char **out);

/* ---- shell quoting (shell.c) ----------------------------------------------- */
/* Append s as one word for bash: bare when every char is safe
 * ([A-Za-z0-9_@%+=:,./-]), else in single quotes with ' written as '\''.
 * py_compat writes ' as '"'"' (Python's shlex.quote), for `env`. */
void sm_shq(arc_buf *b, const char *s, bool py_compat);
/* name=(w1 w2 ...) with each word quoted. */
void sm_sh_array(arc_buf *b, const char *name, const char *const *w, size_t n,
                 bool py_compat);

/* ---- commands (commands.c, resolve.c) -------------------------------------- */
/* Each writes its whole output to out; main prints it only on success. */
int sm_cmd_list(sm_kit *k, arc_buf *out);
int sm_cmd_get(sm_kit *k, const char *codename, const char *field, arc_buf *out);
int sm_cmd_env(sm_kit *k, const char *codename, arc_buf *out);
int sm_cmd_var(sm_kit *k, const char *codename, const char *name, arc_buf *out);
int sm_cmd_profile(sm_kit *k, const char *name, const char *kind, arc_buf *out);
int sm_cmd_profiles(sm_kit *k, arc_buf *out);
int sm_cmd_default(sm_kit *k, arc_buf *out);
int sm_cmd_check(sm_kit *k, arc_buf *out);
int sm_cmd_resolve(sm_kit *k, const char *profile, arc_buf *out);

#endif /* SVCMETA_H */
