"""A real, throw-away Redis server for tests: its own port, no persistence, stopped at exit."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RedisProcess:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _binary() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed; `make test` installs it (apt: redis-server).")
    return binary


def start_redis(workdir: Path, port: int | None = None, *, replica_of: int | None = None) -> RedisProcess:
    """Start on a free port, or on ``port`` (bring a killed server back where its clients expect it);
    ``replica_of`` makes it a replica of the server on that local port."""
    port = port or free_port()
    args = [_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    if replica_of is not None:
        args += ["--replicaof", "127.0.0.1", str(replica_of)]
    process = subprocess.Popen([*args, "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return _wait_for_pong(process, port)


def start_sentinel(workdir: Path, primary_port: int, service: str) -> RedisProcess:
    """A Redis Sentinel (``redis-server --sentinel``, the same binary) watching the primary on ``primary_port``
    as ``service``, with a quorum of one and short timeouts so a failover fits in a test."""
    port = free_port()
    config = workdir / f"sentinel-{port}.conf"  # Sentinel rewrites its config file: one of its own
    config.write_text(
        f"port {port}\nbind 127.0.0.1\ndir {workdir}\n"
        f"sentinel monitor {service} 127.0.0.1 {primary_port} 1\n"
        f"sentinel down-after-milliseconds {service} 1000\nsentinel failover-timeout {service} 5000\n"
    )
    process = subprocess.Popen(
        [_binary(), str(config), "--sentinel"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return _wait_for_pong(process, port)


def _wait_for_pong(process: subprocess.Popen[bytes], port: int) -> RedisProcess:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return RedisProcess(port, process)
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start within 10 s")
