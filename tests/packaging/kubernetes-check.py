#!/usr/bin/env python3
"""Checks the rendered Kubernetes manifests (kubectl kustomize output, stdin).

kubectl cannot validate offline: `kubectl apply --dry-run=client` still asks
a server for its API list. So this checks, per kind, the fields the
manifests rely on and the links between them (selectors, ports, Secret,
PersistentVolumeClaim, every stevedore flag against `stevedore --help`).
Exit status 1 with one line per problem.

usage: kubernetes-check.py HELP_TEXT_FILE [PENDING_FLAG...]
PENDING_FLAG: flags the manifests use that this version does not have yet
(reported, not failed).
"""
import re
import sys

import yaml

API = {
    "Namespace": "v1",
    "Secret": "v1",
    "Service": "v1",
    "PersistentVolumeClaim": "v1",
    "DaemonSet": "apps/v1",
    "Deployment": "apps/v1",
    "ServiceMonitor": "monitoring.coreos.com/v1",
}
QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$")

problems = []


def bad(where, text):
    problems.append(f"{where}: {text}")


def get(obj, *path, default=None):
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return default
        obj = obj[key]
    return obj


def check_pod(where, spec, objects, flags, pending, used_pending):
    containers = get(spec, "containers", default=[])
    if not containers:
        bad(where, "no containers")
    volumes = {v.get("name"): v for v in get(spec, "volumes", default=[])}
    for c in containers:
        cw = f"{where} container {c.get('name')}"
        if not c.get("image"):
            bad(cw, "no image")
        limits = get(c, "resources", "limits", default={})
        for res in ("cpu", "memory"):
            if res not in limits:
                bad(cw, f"no resources.limits.{res}")
            elif not QUANTITY.match(str(limits[res])):
                bad(cw, f"resources.limits.{res} {limits[res]!r} is not a quantity")
        if get(c, "securityContext", "allowPrivilegeEscalation") is not False:
            bad(cw, "allowPrivilegeEscalation must be false")
        ports = {p.get("name") for p in c.get("ports", [])}
        for probe in ("readinessProbe", "livenessProbe"):
            port = get(c, probe, "httpGet", "port")
            if port is not None and port not in ports:
                bad(cw, f"{probe} port {port!r} is not a container port")
        for m in c.get("volumeMounts", []):
            if m.get("name") not in volumes:
                bad(cw, f"volumeMount {m.get('name')!r} has no volume")
        for e in c.get("env", []):
            ref = get(e, "valueFrom", "secretKeyRef")
            if ref and not secret_has(objects, ref.get("name"), ref.get("key")):
                bad(cw, f"env {e.get('name')} names a missing Secret key {ref}")
        args = c.get("args", [])
        for a in args:
            if isinstance(a, str) and a.startswith("--"):
                flag = a.split("=", 1)[0]
                if flag in flags:
                    continue
                if flag in pending:
                    used_pending.add(flag)
                else:
                    bad(cw, f"stevedore has no flag {flag}")
        if "--token-file" in args:
            path = args[args.index("--token-file") + 1]
            if not any(path.startswith(m.get("mountPath", "//") + "/")
                       and get(volumes.get(m.get("name")), "secret") for m in c.get("volumeMounts", [])):
                bad(cw, f"--token-file {path} is not on a Secret volume")
    for name, v in volumes.items():
        s = get(v, "secret", "secretName")
        if s and not find(objects, "Secret", s):
            bad(where, f"volume {name} names a missing Secret {s}")
        claim = get(v, "persistentVolumeClaim", "claimName")
        if claim and not find(objects, "PersistentVolumeClaim", claim):
            bad(where, f"volume {name} names a missing PersistentVolumeClaim {claim}")
    return containers, volumes


def find(objects, kind, name):
    return next((o for o in objects if o.get("kind") == kind and get(o, "metadata", "name") == name), None)


def secret_has(objects, name, key):
    s = find(objects, "Secret", name)
    return bool(s) and (key in (s.get("stringData") or {}) or key in (s.get("data") or {}))


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def workload_pods(objects):
    for o in objects:
        if o.get("kind") in ("DaemonSet", "Deployment"):
            yield o, get(o, "spec", "template", "metadata", "labels", default={}), get(o, "spec", "template", "spec")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        flags = set(re.findall(r"(--[a-z][a-z0-9-]*)", f.read()))
    pending = set(sys.argv[2:])
    used_pending = set()
    try:
        objects = [o for o in yaml.safe_load_all(sys.stdin) if o is not None]
    except yaml.YAMLError as e:
        sys.exit(f"not YAML: {e}")
    kinds = {o.get("kind") for o in objects}
    for want in ("DaemonSet", "Deployment", "Service", "PersistentVolumeClaim", "Secret"):
        if want not in kinds:
            bad("manifests", f"no {want}")
    for o in objects:
        kind, name = o.get("kind"), get(o, "metadata", "name")
        where = f"{kind}/{name}"
        if kind not in API:
            bad(where, "unexpected kind")
            continue
        if o.get("apiVersion") != API[kind]:
            bad(where, f"apiVersion {o.get('apiVersion')!r}, expected {API[kind]}")
        if not name or not re.match(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name):
            bad(where, "metadata.name is not a DNS label")
        spec = o.get("spec") or {}
        if kind in ("DaemonSet", "Deployment"):
            sel = get(spec, "selector", "matchLabels", default={})
            if not selects(sel, get(spec, "template", "metadata", "labels", default={})):
                bad(where, "spec.selector does not match the pod template's labels")
            pod = get(spec, "template", "spec", default={})
            containers, volumes = check_pod(where, pod, objects, flags, pending, used_pending)
            if kind == "DaemonSet":
                if pod.get("hostPID") is not True:
                    bad(where, "hostPID must be true (container processes of the node)")
                for path in ("/proc", "/sys/fs/cgroup"):
                    vol = next((n for n, v in volumes.items() if get(v, "hostPath", "path") == path), None)
                    if not vol:
                        bad(where, f"no hostPath volume for {path}")
                        continue
                    for c in containers:
                        for m in c.get("volumeMounts", []):
                            if m.get("name") == vol and m.get("readOnly") is not True:
                                bad(where, f"{path} must be mounted readOnly")
            else:
                if spec.get("replicas") != 1:
                    bad(where, "the central receiver is a single writer: replicas must be 1")
                if not any(get(v, "persistentVolumeClaim") for v in volumes.values()):
                    bad(where, "no PersistentVolumeClaim for the store")
        elif kind == "Service":
            matches = [(w, labels, pod) for w, labels, pod in workload_pods(objects)
                       if selects(spec.get("selector"), labels)]
            if not matches:
                bad(where, "selects no workload's pods")
            for p in spec.get("ports", []):
                target = p.get("targetPort")
                names = {cp.get("name") for _, _, pod in matches for c in pod.get("containers", [])
                         for cp in c.get("ports", [])}
                if isinstance(target, str) and target not in names:
                    bad(where, f"targetPort {target!r} is no container port of the selected pods")
        elif kind == "ServiceMonitor":
            services = [s for s in objects if s.get("kind") == "Service"
                        and selects(get(spec, "selector", "matchLabels"), get(s, "metadata", "labels", default={}))]
            if not services:
                bad(where, "selects no Service")
            for ep in spec.get("endpoints", []):
                if not any(ep.get("port") == p.get("name") for s in services for p in get(s, "spec", "ports", default=[])):
                    bad(where, f"endpoint port {ep.get('port')!r} is no port of the selected Service")
                ref = ep.get("bearerTokenSecret") or {}
                if not secret_has(objects, ref.get("name"), ref.get("key")):
                    bad(where, "bearerTokenSecret names a missing Secret key")
        elif kind == "PersistentVolumeClaim":
            if not QUANTITY.match(str(get(spec, "resources", "requests", "storage", default=""))):
                bad(where, "no storage request")
    for p in problems:
        print(p)
    for flag in sorted(used_pending):
        print(f"pending: {flag} is used by the manifests but not in this stevedore yet")
    print(f"{len(objects)} objects checked, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
