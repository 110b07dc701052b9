"""deploy/compose.yaml and deploy/k8s/ cannot run here (no Docker, no cluster): these checks keep
them agreeing with the code (the settings' variables, the health endpoint, the publish command)."""
import re

import settings
from tests.helpers import ROOT

DEPLOY = ROOT / "deploy"


def test_replicas_are_probed_on_the_health_endpoint():
    deployment = (DEPLOY / "k8s" / "deployment.yaml").read_text()
    for probe in ("readinessProbe", "livenessProbe"):
        block = deployment[deployment.index(probe):][:200]
        assert "path: /_stcore/health" in block


def test_replicas_read_the_published_folder_read_only_and_write_only_scratch():
    deployment = (DEPLOY / "k8s" / "deployment.yaml").read_text()
    assert "readOnlyRootFilesystem: true" in deployment
    assert re.search(r"mountPath: /published, readOnly: true", deployment)
    compose = (DEPLOY / "compose.yaml").read_text()
    assert "published:/published:ro" in compose and "read_only: true" in compose
    for text in (deployment, compose, (DEPLOY / "Dockerfile").read_text()):
        assert "DASHBOARD_WAREHOUSE_DIR" in text and "DASHBOARD_SCRATCH" in text
    assert "DASHBOARD_WAREHOUSE_DIR" in settings.__doc__ and "DASHBOARD_SCRATCH" in settings.__doc__


def test_the_container_says_where_it_serves_on_every_start():
    """The image serves the network: its start prints access.serving's warning when sign-in is off."""
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "-m access.serving 0.0.0.0;" in dockerfile and "--server.address 0.0.0.0" in dockerfile


def test_the_builder_publishes_and_the_ingress_keeps_browsers_on_one_replica():
    cron = (DEPLOY / "k8s" / "cronjob.yaml").read_text()
    assert "make update" in cron and "python -m etl publish" in cron
    assert "concurrencyPolicy: Forbid" in cron
    ingress = (DEPLOY / "k8s" / "ingress.yaml").read_text()
    assert 'nginx.ingress.kubernetes.io/affinity: "cookie"' in ingress
    assert "proxy-read-timeout" in ingress
    kustomization = (DEPLOY / "k8s" / "kustomization.yaml").read_text()
    listed = re.findall(r"- (\S+\.yaml)", kustomization)
    assert sorted(listed) == sorted(p.name for p in (DEPLOY / "k8s").glob("*.yaml")
                                    if p.name != "kustomization.yaml")


def test_every_replica_and_the_builder_append_to_one_writable_audit_trail():
    """Every export writes an audit row: on a read-only replica the trail must be a writable
    volume, the same one the builder records its builds and publishes in."""
    compose = (DEPLOY / "compose.yaml").read_text()
    services = compose.split("\n  app:\n")
    for service in (services[0].split("\n  builder:\n")[1], services[1].split("\n  nginx:\n")[0]):
        assert "DASHBOARD_AUDIT: /audit/audit.jsonl" in service
        assert re.search(r"^      - audit:/audit\s", service, re.M), "a writable audit volume"
    assert re.search(r"^volumes:\n(  \w+:\n)*  audit:\n", compose, re.M)
    deployment = (DEPLOY / "k8s" / "deployment.yaml").read_text()
    cron = (DEPLOY / "k8s" / "cronjob.yaml").read_text()
    for text in (deployment, cron):
        assert "{name: DASHBOARD_AUDIT, value: /audit/audit.jsonl}" in text
        assert "{name: audit, mountPath: /audit}" in text and "claimName: dashboard-audit" in text
    assert "name: dashboard-audit" in (DEPLOY / "k8s" / "storage.yaml").read_text()
