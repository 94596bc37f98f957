#!/usr/bin/env python3
"""svcmeta.py — what the kit knows about its services, read from the files.

Sources of truth: services/*/service.yaml (one service each) and profiles.yaml.

  svcmeta.py list                  every codename, one a line
  svcmeta.py get CODENAME FIELD    one field: name codename tech role kind description
                                   dir compose container probe up_timeout
  svcmeta.py env CODENAME          shell code (for eval) describing the service, with
                                   its ports and health command resolved (see below)
  svcmeta.py profile [NAME [KIND]] the profile's services in start order: dependencies
                                   first, one-shots last (NAME empty = the file's default;
                                   KIND service|oneshot keeps only that kind)
  svcmeta.py profiles              the profile names
  svcmeta.py default               the default profile's name
  svcmeta.py check                 validate every service.yaml and profiles.yaml

Values: `${VAR}` and `${VAR:-default}` in strings are taken from the environment,
else from the service folder's .env, else (for port variables) from service.yaml.
Environment: ARC_ROOT (the kit's root), ARC_PROFILES_FILE (default ARC_ROOT/profiles.yaml).
Exit status: 0 ok, 1 not found / inconsistent, 64 bad usage, 65 malformed file.
"""
import os
import re
import shlex
import sys

try:
    import yaml
except ImportError:  # pragma: no cover - depends on the machine
    sys.stderr.write("svcmeta: python3-yaml is not installed "
                     "(Debian: apt-get install python3-yaml, or run 'make deps')\n")
    sys.exit(1)

ROOT = os.environ.get("ARC_ROOT") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KINDS = ("service", "oneshot")
SERVICE_KEYS = {"name", "codename", "tech", "role", "kind", "description", "up_timeout",
                "ports", "health", "depends_on", "profiles"}
PORT_KEYS = {"name", "host", "container", "env", "url"}
HEALTH_KEYS = {"probe", "args", "env"}
VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class MetaError(Exception):
    """A problem with a file or a name; `code` is the exit status."""

    def __init__(self, msg, code=65):
        super().__init__(msg)
        self.code = code


def rel(path):
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path


def load_yaml(path):
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f)
    except OSError as e:
        raise MetaError(f"{rel(path)}: cannot read: {e.strerror}", 1) from e
    except yaml.YAMLError as e:
        where = ""
        mark = getattr(e, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(e, "problem", None) or str(e)
        raise MetaError(f"{rel(path)}: not valid YAML{where}: {problem}") from e


# ---- service.yaml ------------------------------------------------------------------

def need(cond, path, msg):
    if not cond:
        raise MetaError(f"{rel(path)}: {msg}")


def is_port(v):
    return isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 65535


def check_str_list(v, path, field):
    need(isinstance(v, list) and all(isinstance(x, str) and x for x in v), path,
         f"'{field}' must be a list of names, e.g. [a, b]")


def check_ports(ports, path):
    need(isinstance(ports, list), path, "'ports' must be a list of {name, host, container}")
    for i, p in enumerate(ports):
        where = f"ports[{i}]"
        need(isinstance(p, dict), path, f"{where} must be a mapping")
        for k in ("name", "host", "container"):
            need(k in p, path, f"{where} has no '{k}'")
        need(isinstance(p["name"], str), path, f"{where}.name must be a string")
        for k in ("host", "container"):
            need(is_port(p[k]), path, f"{where}.{k} must be a port number 1-65535, got {p[k]!r}")
        for k in ("env", "url"):
            need(k not in p or isinstance(p[k], str), path, f"{where}.{k} must be a string")


def check_health(h, path):
    need(isinstance(h, dict) and isinstance(h.get("probe"), str), path,
         "'health' must be a mapping with 'probe' (and 'args', optional 'env')")
    args = h.get("args", [])
    need(isinstance(args, list) and all(isinstance(a, (str, int)) for a in args), path,
         "health.args must be a list of strings")
    env = h.get("env", {})
    need(isinstance(env, dict) and all(isinstance(v, str) for v in env.values()), path,
         "health.env must map variable names to strings")


def validate_service(d, path):
    need(isinstance(d, dict), path, "must be a mapping (name, codename, tech, ...)")
    for k in ("name", "codename", "tech", "role", "kind"):
        need(isinstance(d.get(k), str) and d[k], path, f"missing or empty '{k}'")
    c = d["codename"]
    need(re.fullmatch(r"[a-z][a-z0-9]*", c), path, f"codename '{c}' must be lower-case letters/digits")
    need(d["name"] == f"arc-{c}", path, f"name must be 'arc-{c}', got '{d['name']}'")
    need(d["kind"] in KINDS, path, f"kind must be one of {', '.join(KINDS)}, got '{d['kind']}'")
    check_ports(d.get("ports", []), path)
    check_str_list(d.get("depends_on", []), path, "depends_on")
    check_str_list(d.get("profiles", []), path, "profiles")
    t = d.get("up_timeout", 1)
    need(isinstance(t, int) and not isinstance(t, bool) and 1 <= t <= 86400, path,
         f"up_timeout must be whole seconds (1-86400), got {t!r}")
    if d["kind"] == "service":
        need("health" in d, path, "a service needs 'health' (the probe command)")
    if "health" in d:
        check_health(d["health"], path)


class Service:
    def __init__(self, path):
        self.path = path
        self.dir = os.path.dirname(path)
        self.raw = load_yaml(path)
        validate_service(self.raw, path)
        self.codename = self.raw["codename"]
        self.kind = self.raw["kind"]
        self.ports = self.raw.get("ports", [])
        self.depends_on = self.raw.get("depends_on", [])
        self.profiles = self.raw.get("profiles", [])
        self.health = self.raw.get("health")
        self._dotenv = None

    @property
    def compose(self):
        p = os.path.join(self.dir, "docker-compose.yml")
        return p if os.path.isfile(p) else ""

    def dotenv(self):
        """KEY=VALUE pairs of the folder's .env (missing file = none)."""
        if self._dotenv is None:
            self._dotenv = read_dotenv(os.path.join(self.dir, ".env"))
        return self._dotenv

    def variables(self):
        """Environment > .env > port defaults, with port values checked."""
        v = {}
        for p in self.ports:
            if p.get("env"):
                v[p["env"]] = str(p["host"])
        v.update(self.dotenv())
        v.update({k: x for k, x in os.environ.items() if x != ""})
        for p in self.ports:
            name = p.get("env")
            if name and not (v[name].isdigit() and is_port(int(v[name]))):
                raise MetaError(f"{name}='{v[name]}' is not a port number (1-65535)", 64)
        return v

    def host_port(self, port, variables):
        return int(variables[port["env"]]) if port.get("env") else port["host"]

    def expand(self, text, variables, field):
        def sub(m):
            name, default = m.group(1), m.group(2)
            if variables.get(name):
                return variables[name]
            if default is not None:
                return default
            raise MetaError(f"{rel(self.path)}: {field}: ${{{name}}} is not set", 1)
        return VAR_RE.sub(sub, str(text))


def read_dotenv(path):
    out = {}
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return out
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, val = line.partition("=")
        key = key.strip()
        if key.startswith("export "):
            key = key[7:].strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise MetaError(f"{rel(path)}: line {n}: expected KEY=VALUE")
        val = val.strip()
        if len(val) >= 2 and val[0] == val[-1] and val[0] in "'\"":
            val = val[1:-1]
        out[key] = val
    return out


def load_services():
    found = {}
    base = os.path.join(ROOT, "services")
    for folder in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        path = os.path.join(base, folder, "service.yaml")
        if not os.path.isfile(path):
            continue
        s = Service(path)
        if s.codename in found:
            raise MetaError(f"{rel(path)}: codename '{s.codename}' is also used by "
                            f"{rel(found[s.codename].path)}")
        found[s.codename] = s
    return found


def get_service(services, codename):
    if codename not in services:
        known = ", ".join(sorted(services)) or "none"
        raise MetaError(f"unknown service '{codename}' (known: {known})", 1)
    return services[codename]


# ---- profiles.yaml -------------------------------------------------------------------

def profiles_path():
    return os.environ.get("ARC_PROFILES_FILE") or os.path.join(ROOT, "profiles.yaml")


def load_profiles(services):
    path = profiles_path()
    d = load_yaml(path)
    need(isinstance(d, dict) and isinstance(d.get("profiles"), dict) and d["profiles"], path,
         "must be a mapping with 'profiles:' (name -> {services: [...]}) and 'default:'")
    profs = d["profiles"]
    for name, p in profs.items():
        need(isinstance(p, dict), path, f"profile '{name}' must be a mapping with 'services'")
        check_str_list(p.get("services", []), path, f"profiles.{name}.services")
        check_str_list(p.get("includes", []), path, f"profiles.{name}.includes")
        for inc in p.get("includes", []):
            need(inc in profs, path, f"profile '{name}' includes unknown profile '{inc}'")
        for c in p.get("services", []):
            need(c in services, path, f"profile '{name}' names unknown service '{c}' "
                 f"(no services/*/service.yaml has codename '{c}')")
    default = d.get("default")
    need(default in profs, path, f"default profile '{default}' is not defined under 'profiles'")
    return d


def profile_members(doc, name, seen=()):
    profs = doc["profiles"]
    if name in seen:
        raise MetaError(f"{rel(profiles_path())}: profiles include each other: "
                        f"{' -> '.join(seen + (name,))}")
    out = []
    for inc in profs[name].get("includes", []):
        out += profile_members(doc, inc, seen + (name,))
    return out + list(profs[name].get("services", []))


def start_order(services, names):
    """Dependencies before dependents (depth first, in the listed order); one-shots last."""
    order, stack = [], []

    def visit(c, via):
        if c in order:
            return
        if c not in services:
            raise MetaError(f"{rel(services[via].path)}: depends_on names unknown service '{c}'", 1)
        if c in stack:
            raise MetaError(f"depends_on cycle: {' -> '.join(stack + [c])}", 1)
        stack.append(c)
        for dep in services[c].depends_on:
            visit(dep, c)
        stack.pop()
        order.append(c)

    for c in names:
        visit(c, c)
    return ([c for c in order if services[c].kind == "service"]
            + [c for c in order if services[c].kind != "service"])


def resolve_profile(services, doc, name):
    name = name or doc["default"]
    if name not in doc["profiles"]:
        raise MetaError(f"unknown profile '{name}' in {rel(profiles_path())} "
                        f"(known: {', '.join(doc['profiles'])})", 64)
    return start_order(services, profile_members(doc, name))


# ---- commands ------------------------------------------------------------------------

def sh_array(name, items):
    return f"{name}=({' '.join(shlex.quote(str(x)) for x in items)})"


def cmd_env(services, codename):
    s = get_service(services, codename)
    v = s.variables()
    d = s.raw
    lines = [f"SVC_{k.upper()}={shlex.quote(str(val))}" for k, val in (
        ("codename", s.codename), ("name", d["name"]), ("tech", d["tech"]),
        ("role", d["role"]), ("kind", s.kind), ("description", d.get("description", "")),
        ("dir", s.dir), ("compose", s.compose), ("container", d["name"]),
        ("up_timeout", d.get("up_timeout", 120)))]
    lines.append(sh_array("SVC_DEPENDS", s.depends_on))
    ports = []
    for p in s.ports:
        url = s.expand(p.get("url", ""), v, f"ports.{p['name']}.url")
        ports.append(f"{p['name']} {s.host_port(p, v)} {p['container']} {url}".rstrip())
        if p.get("env"):
            lines.append(f"export {p['env']}={s.host_port(p, v)}")
    lines.append(sh_array("SVC_PORTS", ports))
    h = s.health or {}
    lines.append(f"SVC_PROBE={shlex.quote(h.get('probe', ''))}")
    lines.append(sh_array("SVC_HEALTH_ARGS",
                          [s.expand(a, v, "health.args") for a in h.get("args", [])]))
    for k, val in h.get("env", {}).items():
        lines.append(f"export {k}={shlex.quote(s.expand(val, v, f'health.env.{k}'))}")
    return "\n".join(lines)


def cmd_get(services, codename, field):
    s = get_service(services, codename)
    extra = {"dir": s.dir, "compose": s.compose, "container": s.raw["name"],
             "probe": (s.health or {}).get("probe", ""),
             "up_timeout": s.raw.get("up_timeout", 120)}
    if field in extra:
        return str(extra[field])
    if field in ("name", "codename", "tech", "role", "kind", "description"):
        return str(s.raw.get(field, ""))
    if field in ("depends_on", "profiles"):
        return "\n".join(s.raw.get(field, []))
    raise MetaError(f"unknown field '{field}'", 64)


def cmd_check(services):
    problems = []
    for c, s in services.items():
        unknown = set(s.raw) - SERVICE_KEYS
        if unknown:
            sys.stderr.write(f"svcmeta: warning: {rel(s.path)}: unknown keys: "
                             f"{', '.join(sorted(unknown))}\n")
        for dep in s.depends_on:
            if dep not in services:
                problems.append(f"{rel(s.path)}: depends_on names unknown service '{dep}'")
        if s.kind == "service" and not s.compose:
            problems.append(f"{rel(s.path)}: a service needs docker-compose.yml beside it")
    if problems:
        raise MetaError("\n".join(problems), 1)
    doc = load_profiles(services)
    members = {p: set(resolve_profile(services, doc, p)) for p in doc["profiles"]}
    for c, s in services.items():
        listed = set(s.profiles)
        for p in listed - set(members):
            problems.append(f"{rel(s.path)}: profiles names unknown profile '{p}'")
        for p in members:
            if (c in members[p]) != (p in listed):
                why = "is in" if c in members[p] else "is not in"
                problems.append(f"{rel(s.path)}: '{c}' {why} profile '{p}' "
                                f"but its 'profiles' says {sorted(listed)}")
    seen = {}
    for c, s in services.items():
        for p in s.ports:
            other = seen.setdefault(p["host"], f"{c}.{p['name']}")
            if other != f"{c}.{p['name']}":
                problems.append(f"host port {p['host']} is used by {other} and {c}.{p['name']}")
    if problems:
        raise MetaError("\n".join(problems), 1)
    return f"ok: {len(services)} services, {len(doc['profiles'])} profiles"


def run(argv):
    if not argv:
        raise MetaError(__doc__.strip(), 64)
    cmd, args = argv[0], argv[1:]
    services = load_services()
    arity = {"list": 0, "profiles": 0, "default": 0, "check": 0, "env": 1, "get": 2}
    if cmd == "profile" and len(args) <= 2:
        doc = load_profiles(services)
        names = resolve_profile(services, doc, args[0] if args else "")
        kind = args[1] if len(args) > 1 else ""
        if kind and kind not in KINDS:
            raise MetaError(f"unknown kind '{kind}' (one of {', '.join(KINDS)})", 64)
        return "\n".join(c for c in names if not kind or services[c].kind == kind)
    if arity.get(cmd) != len(args):
        raise MetaError(f"usage: svcmeta.py {cmd} ... (see svcmeta.py without arguments)", 64)
    if cmd == "list":
        return "\n".join(services)
    if cmd == "profiles":
        return "\n".join(load_profiles(services)["profiles"])
    if cmd == "default":
        return load_profiles(services)["default"]
    if cmd == "check":
        return cmd_check(services)
    if cmd == "env":
        return cmd_env(services, args[0])
    return cmd_get(services, args[0], args[1])


def main():
    try:
        out = run(sys.argv[1:])
    except MetaError as e:
        sys.stderr.write(f"{e}\n")
        return e.code
    if out:
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
