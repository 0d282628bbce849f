#!/usr/bin/env python3
"""Checks deploy/ statically (issue 23, items 2 and 3).

1. checkov over deploy/ (Dockerfile, Kubernetes, kustomize): no failed check. A check that does
   not apply is suppressed in place, next to the resource, with its reason.
2. deploy/kubernetes validated offline with kubernetes-validate, strict (unknown fields refused),
   against Kubernetes KUBERNETES_VERSION: the base's manifests one by one, and the production
   overlay as `kubectl kustomize` renders it with the example secrets (when kubectl is there).
3. What the manifests promise (docs/deploy.md, "Kubernetes"): readiness on /health, liveness on
   /health/live, requests and
   limits, non-root with a read-only root filesystem, one Secret per service with only its keys,
   the ai and the ca reachable from the api alone (and the scheduler's uptime check for the ai).

Exits non-zero naming each failed check.
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import yaml

KUBERNETES_VERSION = "1.35.0"
root = pathlib.Path(__file__).resolve().parent.parent
kube = root / "deploy/kubernetes"
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def tool(name):
    """A tool installed by scripts/deps.sh: on PATH, or in the project's virtual environments."""
    for candidate in (root / f".local/venv-{name}/bin/{name}", root / f".local/venv/bin/{name}"):
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


# --- 1. checkov --------------------------------------------------------------------------------
checkov = tool("checkov")
if checkov is None:
    sys.exit("check-kubernetes: checkov is not installed (scripts/deps.sh installs it)")
result = subprocess.run([checkov, "-d", str(root / "deploy"), "--compact", "--quiet", "--framework", "dockerfile", "kubernetes", "kustomize"],
                        capture_output=True, text=True)
summary = [line for line in result.stdout.splitlines() if line.startswith("Passed checks")]
print("checkov:", "; ".join(summary) or "no summary")
check(result.returncode == 0, "checkov found problems in deploy/:\n" + "\n".join(
    line for line in result.stdout.splitlines() if line.startswith(("Check:", "\tFAILED", "\tFile:"))))

# --- 2. kubernetes-validate -------------------------------------------------------------------
validate = tool("kubernetes-validate")
if validate is None:
    sys.exit("check-kubernetes: kubernetes-validate is not installed (scripts/deps.sh installs it)")


def validated(paths):
    result = subprocess.run([validate, "--strict", "--quiet", "-k", KUBERNETES_VERSION, *map(str, paths)], capture_output=True, text=True)
    check(result.returncode == 0 and "ERROR" not in result.stdout + result.stderr,
          f"kubernetes-validate {KUBERNETES_VERSION} refused:\n{result.stdout}{result.stderr}")


base_kustomization = yaml.safe_load((kube / "base/kustomization.yaml").read_text())
base_files = sorted(p for p in (kube / "base").glob("*.yaml") if p.name != "kustomization.yaml")
check(sorted(base_kustomization["resources"]) == sorted(p.name for p in base_files),
      f"deploy/kubernetes/base: files and kustomization resources differ: {sorted(p.name for p in base_files)} vs {sorted(base_kustomization['resources'])}")
validated(base_files + [kube / "production/ingress.yaml"])

documents = [d for p in base_files + [kube / "production/ingress.yaml"] for d in yaml.safe_load_all(p.read_text()) if d]
rendered = False
kubectl = shutil.which("kubectl")
if kubectl and subprocess.run([kubectl, "kustomize", "--help"], capture_output=True).returncode == 0:
    with tempfile.TemporaryDirectory() as temporary:
        copy = pathlib.Path(temporary) / "kubernetes"
        shutil.copytree(kube, copy, ignore=shutil.ignore_patterns("secrets"))
        secrets = copy / "production/secrets"
        shutil.copytree(copy / "production/secrets.example", secrets)
        for name in ("ca.key", "ca.crt", "server.crt", "server.key"):
            (secrets / name).write_text(f"placeholder {name}\n")
        result = subprocess.run([kubectl, "kustomize", str(copy / "production")], capture_output=True, text=True)
        check(result.returncode == 0, f"kubectl kustomize production failed: {result.stderr}")
        if result.returncode == 0:
            output = pathlib.Path(temporary) / "production.yaml"
            output.write_text(result.stdout)
            validated([output])
            documents = [d for d in yaml.safe_load_all(result.stdout) if d]
            rendered = True
else:
    print("check-kubernetes: no `kubectl kustomize` here: the overlay is not rendered, the base is checked as written")


# --- 3. what the manifests promise ------------------------------------------------------------
def of_kind(kind):
    return {d["metadata"]["name"]: d for d in documents if d["kind"] == kind}


deployments, secrets, policies = of_kind("Deployment"), of_kind("Secret"), of_kind("NetworkPolicy")
services = ["api", "web", "ai", "notifier", "scheduler", "ca"]
check(sorted(deployments) == sorted(f"optralis-{s}" for s in services), f"deployments: {sorted(deployments)}")
for name, deployment in deployments.items():
    pod = deployment["spec"]["template"]["spec"]
    check(pod.get("securityContext", {}).get("runAsNonRoot") is True, f"{name}: runAsNonRoot")
    check(pod.get("automountServiceAccountToken") is False, f"{name}: mounts a service-account token it does not use")
    for container in pod.get("initContainers", []) + pod["containers"]:
        where = f"{name}/{container['name']}"
        context = container.get("securityContext", {})
        check(context.get("readOnlyRootFilesystem") is True, f"{where}: root filesystem writable")
        check(context.get("allowPrivilegeEscalation") is False, f"{where}: privilege escalation allowed")
        for bound in ("requests", "limits"):
            check({"cpu", "memory"} <= set(container.get("resources", {}).get(bound, {})), f"{where}: no cpu and memory {bound}")
    main = pod["containers"][0]
    for probe, path in (("readinessProbe", "/health"), ("livenessProbe", "/health/live")):
        check(main.get(probe, {}).get("httpGet", {}).get("path") == path, f"{name}: {probe} is not {path}")
    secret_refs = [e["secretRef"]["name"] for e in main.get("envFrom", []) if "secretRef" in e]
    check(len(secret_refs) == 1 and secret_refs[0].startswith(name), f"{name}: reads the Secrets {secret_refs}, expected its own only")

replicas = {name: d["spec"].get("replicas") for name, d in deployments.items()}
check(replicas["optralis-ca"] == 1 and deployments["optralis-ca"]["spec"]["strategy"]["type"] == "Recreate", "ca: one replica, recreated")
check(replicas["optralis-scheduler"] == 2, "scheduler: two replicas")
check("optralis-api" in of_kind("HorizontalPodAutoscaler"), "api: no HorizontalPodAutoscaler")
disruption = {d["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] for d in of_kind("PodDisruptionBudget").values()}
check(disruption == {"api", "web", "ai", "notifier", "scheduler"}, f"PodDisruptionBudgets: {sorted(disruption)}")
agents = of_kind("Service").get("optralis-agents", {})
check([p["port"] for p in agents.get("spec", {}).get("ports", [])] == [8443] and agents["spec"].get("type") == "LoadBalancer",
      "agents: no TCP LoadBalancer Service on 8443")


def sources(policy):
    return sorted(f["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for rule in policy["spec"].get("ingress", [])
                  for f in rule.get("from", []) if "podSelector" in f)


check(policies.get("default-deny-ingress", {}).get("spec", {}).get("podSelector") == {}, "no default-deny ingress policy")
check(sources(policies["ca"]) == ["api"], f"ca reachable from {sources(policies['ca'])}")
check(sources(policies["ai"]) == ["api", "scheduler"], f"ai reachable from {sources(policies['ai'])}")
check(all("namespaceSelector" not in f for rule in policies["ca"]["spec"]["ingress"] + policies["ai"]["spec"]["ingress"]
          for f in rule.get("from", [])), "ai or ca reachable from another namespace")

if rendered:
    # Which Secret may hold each key: the least-privilege split of deploy/docker-compose.yml.
    allowed = {
        "JWT_SECRET": {"api"}, "DATABASE_CREDENTIALS_KEY": {"api"}, "CA_SERVICE_TOKEN": {"api", "ca"}, "INTERNAL_SERVICE_TOKEN": {"api", "ai", "scheduler"},
        "ANTHROPIC_API_KEY": {"ai"}, "SMTP_PASS": {"notifier"}, "REDIS_URL": {"api", "web", "ai", "notifier", "scheduler"},
        "DATABASE_APP_PASSWORD": {"migrate"}, "ca.key": {"ca-key"}, "server.key": {"agent-tls"},
    }
    holders = {}
    for name, secret in secrets.items():
        owner = name.removeprefix("optralis-").rsplit("-", 1)[0]
        for key in secret.get("data", {}):
            holders.setdefault(key, set()).add(owner)
    for key, owners in allowed.items():
        check(holders.get(key) == owners, f"Secret key {key} is in {sorted(holders.get(key, []))}, expected {sorted(owners)}")

if failures:
    print("check-kubernetes: FAILED")
    for failure in failures:
        print(" -", failure)
    sys.exit(1)
print(f"check-kubernetes: {len(documents)} resources valid for Kubernetes {KUBERNETES_VERSION}" + (" (production overlay rendered)" if rendered else ""))
