#!/usr/bin/env python3
"""A Python backend for a Channelstream server: itsdangerous signs, requests calls.

The same calls as the Node helper (packages/server-sdk), for apps written in
Python. Needs `requests` and `itsdangerous` (Debian: python3-requests
python3-itsdangerous; or pip install requests itsdangerous).

Run against a local server to see every call work:

    CHANNELSTREAM_SECRET=secret python3 examples/python/backend.py --url http://127.0.0.1:8000

The server must allow this machine (allow_posting_from, 127.0.0.1 by default).
"""
import argparse
import os
import sys
import uuid

import requests
from itsdangerous import TimestampSigner

SIGNATURE_HEADER = "x-channelstream-secret"


class ChannelstreamApiError(Exception):
    """The server answered an error: 422 {field: [messages]}, 401/403/503 {"request": "..."}."""

    def __init__(self, method, path, status, body):
        self.method, self.path, self.status, self.body = method, path, status, body
        super().__init__(f"{method} {path} answered {status}: {body}")

    @property
    def field_errors(self):
        return self.body if self.status == 422 and isinstance(self.body, dict) else None


class ChannelstreamBackend:
    """Signed calls to every REST endpoint. Each request gets a fresh token (valid 60 s)."""

    def __init__(self, url, secret, timeout=10, session=None):
        self.url = url.rstrip("/")
        self.signer = TimestampSigner(secret)
        self.timeout = timeout
        self.http = session or requests.Session()

    def _call(self, method, path, body=None):
        headers = {SIGNATURE_HEADER: self.signer.sign("channelstream").decode()}
        response = self.http.request(method, self.url + path, json=body, headers=headers, timeout=self.timeout)
        try:
            answer = response.json()
        except ValueError:
            answer = response.text
        if not response.ok:
            raise ChannelstreamApiError(method, path, response.status_code, answer)
        return answer

    def connect(self, username, channels=(), **options):
        """options: conn_id, fresh_user_state, user_state, state_public_keys, channel_configs, info."""
        return self._call("POST", "/connect", {"username": username, "channels": list(channels), **options})

    def subscribe(self, conn_id, channels, **options):
        return self._call("POST", "/subscribe", {"conn_id": conn_id, "channels": list(channels), **options})

    def unsubscribe(self, conn_id, channels, **options):
        return self._call("POST", "/unsubscribe", {"conn_id": conn_id, "channels": list(channels), **options})

    def user_state(self, user, user_state=None, state_public_keys=None):
        body = {"user": user, "user_state": user_state or {}}
        if state_public_keys is not None:
            body["state_public_keys"] = list(state_public_keys)
        return self._call("POST", "/user_state", body)

    def publish(self, messages):
        """messages: [{user, channel? | pm_users, message, ...}]"""
        return self._call("POST", "/message", list(messages))

    def edit(self, edits):
        return self._call("PATCH", "/message", list(edits))

    def delete(self, deletions):
        return self._call("DELETE", "/message", list(deletions))

    def channel_config(self, configs):
        return self._call("POST", "/channel_config", configs)

    def info(self, **options):
        """No options: every channel. Otherwise e.g. channels=[...], include_history=False."""
        return self._call("POST", "/info", {"info": options}) if options else self._call("GET", "/info")

    def admin_json(self):
        return self._call("GET", "/admin/admin.json")

    def disconnect(self, conn_id):
        return self._call("POST", "/disconnect", {"conn_id": conn_id})


def walkthrough(backend):
    """Every call once, checking what the server answers; raises on anything unexpected."""
    tag = uuid.uuid4().hex[:8]
    channel, user = f"py-{tag}", f"py-user-{tag}"

    backend.channel_config({channel: {"store_history": True, "notify_presence": True, "notify_state": True}})
    conn = backend.connect(user, [channel], fresh_user_state={"status": "online"}, state_public_keys=["status"])
    conn_id = conn["conn_id"]
    print(f"connected {user}: conn_id {conn_id} (hand it to the browser's client)")

    other = f"{channel}-extra"
    assert backend.subscribe(conn_id, [other])["subscribed_to"] == [other]
    assert backend.unsubscribe(conn_id, [other])["unsubscribed_from"] == [other]

    [sent] = backend.publish([{"user": user, "channel": channel, "message": {"text": "hello from Python"}}])
    backend.edit([{"uuid": sent["uuid"], "channel": channel, "message": {"text": "hello again"}}])
    history = backend.info(channels=[channel])["channels"][channel]["history"]
    assert [m["message"] for m in history] == [{"text": "hello again"}], history
    backend.delete([{"uuid": sent["uuid"], "channel": channel}])
    assert backend.info(channels=[channel])["channels"][channel]["history"] == []
    print(f"published, edited and deleted message {sent['uuid']}")

    changed = backend.user_state(user, {"status": "away"})["changed_state"]
    assert changed == [{"key": "status", "value": "away"}], changed

    overview = backend.admin_json()
    print(f"server {overview['version']} ({overview['engine']} engine), {overview['total_connections']} connections")

    try:
        backend.connect("")  # too short: the server says which field is wrong
        raise AssertionError("an empty username was accepted")
    except ChannelstreamApiError as error:
        assert error.status == 422 and "username" in error.field_errors, error
        print(f"422 as expected: {error.field_errors}")

    assert backend.disconnect(conn_id) is True
    print("disconnected; all calls worked")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("CHANNELSTREAM_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--secret", default=os.environ.get("CHANNELSTREAM_SECRET", "secret"))
    args = parser.parse_args(argv)
    try:
        walkthrough(ChannelstreamBackend(args.url, args.secret))
    except ChannelstreamApiError as error:
        print(f"failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
