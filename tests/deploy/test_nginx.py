"""deploy/nginx/dashboard.conf: what `make cluster` generates from it passes `nginx -t`, and the
file itself (as deploy/compose.yaml mounts it) does too once its replica host resolves."""
import re
import subprocess

import pytest

from deploy.cluster import ClusterError, SITE, check_config, site_config, write_config


def test_the_generated_configuration_passes_nginx_t(nginx, tmp_path):
    conf = write_config(tmp_path, ["127.0.0.1:8501", "127.0.0.1:8502", "127.0.0.1:8503"], 18080)
    checked = check_config(nginx, conf)
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
    site = (tmp_path / "dashboard.conf").read_text()
    assert re.findall(r"server (\S+) max_fails", site) == ["127.0.0.1:8501", "127.0.0.1:8502",
                                                          "127.0.0.1:8503"]
    assert "listen 127.0.0.1:18080;" in site
    # must NOT happen: the system's configuration or logs touched (everything is in tmp_path)
    assert str(tmp_path) in checked.stderr and "/etc/nginx" not in checked.stderr


def test_the_deployed_file_passes_nginx_t_with_its_replica_host(nginx, tmp_path):
    """compose.yaml's nginx reads the file as it is (`server app:8501`); here `app` is replaced by
    the loopback address, the only change, since nginx -t resolves the name."""
    text = SITE.read_text()
    assert "server app:8501" in text
    conf = write_config(tmp_path, ["127.0.0.1:8501"], 18080)
    (tmp_path / "dashboard.conf").write_text(text.replace("server app:8501", "server 127.0.0.1:8501"))
    checked = check_config(nginx, conf)
    assert checked.returncode == 0, checked.stderr


def test_websockets_and_affinity_are_configured():
    text = SITE.read_text()
    stream = text[text.index("location /_stcore/stream"):]
    stream = stream[:stream.index("}")]
    for line in ("proxy_http_version 1.1;", "proxy_set_header Upgrade $http_upgrade;",
                 "proxy_set_header Connection $connection_upgrade;", "proxy_read_timeout 1d;"):
        assert line in stream
    assert "hash $dashboard_route consistent;" in text


def test_a_site_file_without_its_markers_is_refused(tmp_path):
    broken = tmp_path / "site.conf"
    broken.write_text(SITE.read_text().replace("# replicas: begin", ""))
    with pytest.raises(ClusterError, match="markers"):
        site_config(["127.0.0.1:1"], 8080, broken)


def test_make_cluster_runs_the_launcher_with_replicas_and_port():
    out = subprocess.run(["make", "-n", "cluster", "REPLICAS=3", "CLUSTER_PORT=9090"],
                         cwd=SITE.parent.parent.parent, capture_output=True, text=True)
    assert "deploy/cluster.py --replicas 3 --port 9090" in out.stdout
