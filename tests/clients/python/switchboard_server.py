"""Runs the real switchboard binary on loopback for client end-to-end tests."""

import http.client
import json
import re
import subprocess
import threading


class SwitchboardServer:
    """`binary --store=memory` on 127.0.0.1; HTTP on port 0, gRPC on `grpc_port` (0: any).

    With `data_dir`, `--store=rocksdb --data_dir=DATA_DIR --nosync` instead: a
    new server on the same folder keeps the events and the consumer groups.
    `flags` are more command-line flags.
    """

    def __init__(self, binary, grpc_port=0, timeout=10.0, data_dir=None, flags=()):
        store = ["--store=memory"] if data_dir is None else [
            "--store=rocksdb", f"--data_dir={data_dir}", "--nosync"]
        self._proc = subprocess.Popen(
            [binary, "--http_addr=127.0.0.1:0", "--admin_addr=127.0.0.1:0",
             f"--grpc_addr=127.0.0.1:{grpc_port}", *store,
             *flags],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.log = []
        self._ready = threading.Event()
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()
        if not self._ready.wait(timeout):
            self.stop()
            raise RuntimeError("switchboard not ready: " + "".join(self.log))
        text = "".join(self.log)
        self.grpc_addr = re.search(r"grpc server listening on (\S+)", text).group(1)
        self.http_addr = re.search(r"http gateway listening on (\S+)", text).group(1)

    def _drain(self):
        for line in self._proc.stderr:
            self.log.append(line)
            if line.rstrip().endswith(" ready"):
                self._ready.set()

    def post(self, webhook):
        """POSTs a webhook (a file path, or a dict sent as JSON) with curl; returns its sequence."""
        if isinstance(webhook, dict):
            data, body = "@-", json.dumps(webhook)
        else:
            data, body = "@" + webhook, None
        out = subprocess.run(
            ["curl", "-sS", "--fail-with-body", "--max-time", "10", "-X", "POST",
             "-H", "Content-Type: application/json", "--data-binary", data,
             f"http://{self.http_addr}/webhooks/justcall"],
            input=body, check=True, capture_output=True, text=True, timeout=15).stdout
        return json.loads(out)["sequence"]

    def post_many(self, webhooks):
        """POSTs webhook documents (dicts) on one keep-alive connection, faster
        than a curl each (thousands in a second or two); returns their sequences."""
        host, port = self.http_addr.rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        sequences = []
        try:
            for webhook in webhooks:
                conn.request("POST", "/webhooks/justcall", body=json.dumps(webhook),
                             headers={"Content-Type": "application/json"})
                answer = conn.getresponse()
                body = answer.read()
                if answer.status != 200:
                    raise RuntimeError(f"POST answered {answer.status}: {body!r}")
                sequences.append(json.loads(body)["sequence"])
        finally:
            conn.close()
        return sequences

    def stop(self):
        """SIGTERM, then SIGKILL after 5 s; returns the exit status."""
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        status = self._proc.wait()
        self._drainer.join(5)
        self._proc.stderr.close()
        return status
