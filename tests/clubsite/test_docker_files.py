"""The docker stack, checked statically (no Docker engine runs here or in CI): the compose file
parses and has the five services with health checks, Redis never evicts the broker's queues,
and the image installs from the lock, collects static at build and runs unprivileged."""

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined and comments dropped."""
    text = (DOCKER / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = "\n".join(lines).replace("\\\n", " ")
    return [" ".join(line.split()) for line in joined.splitlines() if line.strip()]


def _command(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else command


def test_compose_names_the_five_services_each_with_a_health_check(compose):
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    for name in ("web", "worker", "beat", "db", "redis"):
        healthcheck = services[name].get("healthcheck", {})
        assert healthcheck.get("test"), f"{name} has no health check"
        assert not healthcheck.get("disable"), name


def test_the_database_is_postgresql_and_redis_never_evicts(compose):
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:")
    redis_command = _command(services["redis"])
    policy = redis_command[redis_command.index("--maxmemory-policy") + 1]
    assert policy == "noeviction"
    assert "redis-cli" in " ".join(services["redis"]["healthcheck"]["test"])


def test_the_app_services_run_the_production_processes(compose):
    services = compose["services"]
    assert _command(services["web"])[0] == "gunicorn"
    assert _command(services["worker"])[:4] == ["celery", "-A", "clubsite", "worker"]
    assert _command(services["beat"])[:4] == ["celery", "-A", "clubsite", "beat"]
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["build"]["dockerfile"] == "docker/Dockerfile"
        assert service["env_file"] == ".env"
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379/")
        # Migrations run once, before the app starts.
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service.get("read_only") is True


def test_data_lives_in_volumes(compose):
    services = compose["services"]
    volumes = set(compose["volumes"])
    assert {"pgdata", "redisdata", "media"} <= volumes
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert "media:/app/media" in services["web"]["volumes"]
    assert "media:/app/media" in services["worker"]["volumes"]


def test_the_dockerfile_is_multi_stage_and_installs_from_the_lock(dockerfile):
    stages = [line for line in dockerfile if line.startswith("FROM ")]
    assert len(stages) >= 2
    assert any(re.search(r"\buv sync --frozen\b.*--no-dev", line) for line in dockerfile)
    assert "COPY pyproject.toml uv.lock ./" in dockerfile
    assert not any(re.search(r"\bpip install\b(?!.*\buv==)", line) for line in dockerfile)


def test_the_dockerfile_collects_static_at_build(dockerfile):
    runtime_from = max(i for i, line in enumerate(dockerfile) if line.startswith("FROM "))
    build = dockerfile[:runtime_from]
    assert any("manage.py collectstatic" in line for line in build if line.startswith("RUN "))
    assert any("COPY --from=build" in line for line in dockerfile[runtime_from:])


def test_the_image_runs_gunicorn_as_a_non_root_user(dockerfile):
    users = [line.split(None, 1)[1] for line in dockerfile if line.startswith("USER ")]
    assert users, "no USER: the container would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    cmd = next(line for line in reversed(dockerfile) if line.startswith("CMD "))
    assert '"gunicorn"' in cmd and "clubsite/gunicorn.conf.py" in cmd
    assert any(line.startswith("HEALTHCHECK ") and "/healthz" in line for line in dockerfile)


def test_the_build_context_leaves_out_secrets_and_local_state():
    ignored = (DOCKER / "Dockerfile.dockerignore").read_text().split()
    for entry in (".git", ".venv", "var", "node_modules", "docker/.env"):
        assert entry in ignored


def test_every_setting_in_the_example_env_is_one_the_app_reads():
    settings_text = (ROOT / "clubsite" / "settings.py").read_text()
    gunicorn_text = (ROOT / "clubsite" / "gunicorn.conf.py").read_text()
    compose_text = (DOCKER / "compose.yaml").read_text()
    names = re.findall(r"^#?\s?([A-Z][A-Z0-9_]+)=", (DOCKER / "env.example").read_text(), re.M)
    assert "SECRET_KEY" in names and "POSTGRES_PASSWORD" in names
    for name in names:
        if name.startswith("ANYMAIL_") and name != "ANYMAIL_BACKEND":
            continue  # passed through to django-anymail by prefix
        assert f'"{name}"' in settings_text + gunicorn_text or f"${{{name}" in compose_text, name
