#!/usr/bin/python3
"""Checks recorded MQTT traffic against the topic contract in docs/asyncapi.yaml.

    scripts/check-contract.py [--spec docs/asyncapi.yaml] LOG.jsonl
    scripts/check-contract.py --self-test

LOG is what the tests' MessageCollectors wrote with GATEHOUSE_CONTRACT_LOG set: one JSON line
per received message, {"topic", "payload_b64", "retain"[, "qos"]}. Each topic is mapped to a
channel of the document by dropping the base topic (whatever comes before the first contract
level: bridge, locks, encoders, parking, ofd); topics outside the contract (bridge/probe/…,
clients/…, test-only routes) are skipped, and so are empty payloads (cleared retained messages),
except on request topics, where an empty payload is the request {}.

What fails:
- a message Gatehouse publishes (`send`) whose payload violates the channel's schema, or that
  arrives retained on a channel that is not retained, or with another QoS than the channel's;
- a message Gatehouse consumes (`receive`) that violates the schema although Gatehouse accepted
  it (an `ok` answer to the request, a decision for the recognition): the schema is stricter
  than the code, or the code accepts what the contract forbids.
Inputs that violate the schema and were refused, or whose fate cannot be seen (negative tests
send those on purpose), are listed as refused inputs; they are neither passed nor failed.

Ends with the line `contract: N passed, M failed`; exits 1 on any failure, and when the log
holds no message of the contract at all (no traffic recorded means the check did not run).
Needs Debian's python3-yaml and python3-jsonschema (scripts/install-deps.sh).
"""

import argparse
import base64
import collections
import json
import os
import sys
import tempfile

try:
    import jsonschema
    import yaml
except ImportError as missing:  # pragma: no cover
    sys.exit(f"check-contract: {missing}; install python3-yaml and python3-jsonschema (scripts/install-deps.sh)")

ROOT_LEVELS = {"bridge", "locks", "encoders", "parking", "ofd"}

# Payloads that a test itself writes onto a contract topic through the bridge (not produced by
# any adapter), keyed by channel and exact payload. They are reported, neither passed nor failed.
# Keep this list short: each entry is a test fixture that should rather be made to conform.
TEST_FIXTURES = {
    ("lockState", b'{"room":"101","online":true}'):
        "BridgeRuntimeTests.republishAfterBrokerRestart publishes a hand-made lock state without `series`",
}
EXCERPT = 200
DEFAULT_SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "asyncapi.yaml")


def pointer(doc, ref):
    """Resolves a local `#/a/b` reference."""
    if not ref.startswith("#/"):
        raise ValueError(f"only local references are supported: {ref}")
    node = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


class Channel:
    def __init__(self, cid, spec, doc, default_content_type):
        self.id = cid
        self.address = spec["address"]
        first, _, path = self.address.partition("/")
        self.path = path
        self.levels = [None if (lvl.startswith("{") and lvl.endswith("}")) else lvl for lvl in path.split("/")]
        self.messages = []  # (name, contentType, schema name or None, validator)
        for name, mref in spec.get("messages", {}).items():
            message = pointer(doc, mref["$ref"]) if "$ref" in mref else mref
            payload = message.get("payload", {})
            schema_name = payload["$ref"].rsplit("/", 1)[1] if "$ref" in payload else None
            root = dict(payload)
            root["components"] = doc.get("components", {})  # so `#/components/…` resolves inside the root
            validator = jsonschema.Draft7Validator(root)
            self.messages.append((name, message.get("contentType", default_content_type), schema_name, validator))
        self.action = None
        self.qos = None
        self.retain = None
        self.reply = None  # id of the response channel, for requests
        self.is_response = False

    @property
    def json_messages(self):
        return [m for m in self.messages if "json" in m[1]]

    @property
    def text_messages(self):
        return [m for m in self.messages if m[1].startswith("text/")]

    @property
    def is_request(self):
        return self.reply is not None

    def matches(self, levels):
        if len(levels) != len(self.levels):
            return False
        for want, got in zip(self.levels, levels):
            if got == "":
                return False  # an empty level addresses nothing
            if want is not None and want != got:
                return False
        return True


class Contract:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        if not str(self.doc.get("asyncapi", "")).startswith("3."):
            raise SystemExit(f"check-contract: {path} is not an AsyncAPI 3 document")
        for name, schema in self.doc.get("components", {}).get("schemas", {}).items():
            try:
                jsonschema.Draft7Validator.check_schema(schema)
            except jsonschema.SchemaError as error:
                raise SystemExit(f"check-contract: schema {name} is not valid JSON Schema: {error.message}")
        content_type = self.doc.get("defaultContentType", "application/json")
        self.channels = {cid: Channel(cid, spec, self.doc, content_type) for cid, spec in self.doc["channels"].items()}
        for oid, op in self.doc.get("operations", {}).items():
            channel = self.channels[op["channel"]["$ref"].rsplit("/", 1)[1]]
            mqtt = op.get("bindings", {}).get("mqtt", {})
            if channel.action is not None and channel.action != op["action"]:
                raise SystemExit(f"check-contract: channel {channel.id} is both sent and received")
            channel.action = op["action"]
            channel.qos = mqtt.get("qos", channel.qos)
            channel.retain = mqtt.get("retain", channel.retain)
            if "reply" in op:
                reply = self.channels[op["reply"]["channel"]["$ref"].rsplit("/", 1)[1]]
                channel.reply = reply.id
                reply.is_response = True
        for channel in self.channels.values():
            if channel.action is None:
                raise SystemExit(f"check-contract: channel {channel.id} has no operation")

    def match(self, topic):
        """(channel, base) for a topic of the contract, else (None, None)."""
        levels = topic.split("/")
        for start in range(1, len(levels)):
            if levels[start] not in ROOT_LEVELS:
                continue
            rest = levels[start:]
            for channel in self.channels.values():
                if channel.matches(rest):
                    return channel, "/".join(levels[:start])
        return None, None


def response_topic(topic):
    """The router's default answer topic: …/request/<op> → …/response/<op>, …/locks/<room>/set → …/response/set."""
    levels = topic.split("/")
    if len(levels) >= 2 and levels[-2] == "request":
        return "/".join(levels[:-2] + ["response", levels[-1]])
    if len(levels) >= 3 and levels[-1] == "set":
        return "/".join(levels[:-1] + ["response", "set"])
    return None


def excerpt(raw):
    text = raw.decode("utf-8", errors="replace")
    return text if len(text) <= EXCERPT else text[:EXCERPT] + f"… ({len(raw)} bytes)"


def json_path(parts):
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def schema_path(schema_name, parts):
    parts = list(parts)
    if parts and parts[0] == "$ref":
        parts = parts[1:]
    base = f"#/components/schemas/{schema_name}" if schema_name else "#"
    return "/".join([base] + [str(p) for p in parts])


class Record:
    __slots__ = ("index", "topic", "raw", "retain", "qos", "channel", "base", "value", "problems", "envelope")

    def __init__(self, index, topic, raw, retain, qos):
        self.index, self.topic, self.raw, self.retain, self.qos = index, topic, raw, retain, qos
        self.channel = self.base = self.value = self.envelope = None
        self.problems = []


def validate(record):
    """Fills record.problems with (where, message, schema path) for every violation."""
    channel = record.channel
    raw = record.raw
    if channel.action == "send":
        if record.retain and channel.retain is False:
            record.problems.append(("retain", "arrived retained on a channel that is never retained", "bindings.mqtt.retain"))
        if record.qos is not None and channel.qos is not None and record.qos != min(channel.qos, 1):
            record.problems.append(("qos", f"delivered with QoS {record.qos}, the channel publishes with QoS {channel.qos}",
                                    "bindings.mqtt.qos"))
    elif record.retain and channel.retain is False:
        record.problems.append(("retain", "a retained message on a command/event channel (refused by Gatehouse)", "bindings.mqtt.retain"))
    if not raw and channel.is_request:
        raw = b"{}"  # an empty request payload counts as {}
    text = raw.decode("utf-8", errors="strict") if raw else ""
    looks_like_object = text.lstrip(" \t\r\n").startswith("{")
    if channel.text_messages and not looks_like_object:
        candidates, instance = channel.text_messages, text
    else:
        try:
            instance = json.loads(text)
        except ValueError as error:
            record.problems.append(("$", f"not JSON: {error}", "contentType application/json"))
            return
        candidates = channel.json_messages
    record.value = instance
    best = None
    for _, _, schema_name, validator in candidates:
        errors = sorted(validator.iter_errors(instance), key=lambda e: (list(e.absolute_path), e.message))
        if not errors:
            return
        found = [(json_path(e.absolute_path), e.message, schema_path(schema_name, e.absolute_schema_path)) for e in errors]
        if best is None or len(found) < len(best):
            best = found
    record.problems.extend(best or [])


def check(contract, log_path, out=sys.stdout, list_silent=True):
    """Returns (passed, failed, report dict)."""
    say = lambda *a: print(*a, file=out)
    records = []
    bad_lines = 0
    with open(log_path, encoding="utf-8") as f:
        for number, line in enumerate(f):
            line = line.strip()
            if not line:
                continue
            try:
                item = json.loads(line)
                raw = base64.b64decode(item["payload_b64"])
                records.append(Record(len(records), item["topic"], raw, bool(item.get("retain", False)), item.get("qos")))
            except (ValueError, KeyError, TypeError):
                bad_lines += 1
    outside = collections.Counter()
    cleared = 0
    checked = []
    for record in records:
        record.channel, record.base = contract.match(record.topic)
        if record.channel is None:
            levels = record.topic.split("/")
            marker = next((f"…/{'/'.join(levels[i:i + 2])}/…" for i in range(1, len(levels)) if levels[i] in ROOT_LEVELS | {"clients"}),
                          "(no contract level)")
            outside[marker] += 1
            continue
        if not record.raw and not record.channel.is_request:
            cleared += 1
            continue
        validate(record)
        checked.append(record)
        # Answers, for matching requests with their outcome.
        if record.channel.is_response and isinstance(record.value, dict):
            record.envelope = record.value

    # Answers by topic, and answers sent to Response Topics (<base>/clients/…) by transaction.
    answers = collections.defaultdict(list)
    mailbox = collections.defaultdict(list)
    for record in records:
        if record.channel is not None and record.channel.is_response and record.envelope is not None:
            answers[record.topic].append(record)
        elif record.channel is None and "/clients/" in record.topic:
            try:
                envelope = json.loads(record.raw)
            except ValueError:
                continue
            if isinstance(envelope, dict) and "status" in envelope:
                record.envelope = envelope
                base = record.topic.split("/clients/", 1)[0]
                mailbox[(base, envelope.get("transaction"))].append(record)
    decisions = collections.defaultdict(list)
    for record in checked:
        if record.channel.id == "gateDecision" and isinstance(record.value, dict):
            decisions[(record.topic.rsplit("/", 1)[0], record.value.get("uuid"))].append(record)
    claimed = set()

    def outcome(record):
        """'accepted', 'refused: …' or 'unknown' for an input that violates the contract."""
        channel = record.channel
        if channel.is_request:
            transaction = record.value.get("transaction") if isinstance(record.value, dict) else None
            if not isinstance(transaction, str):
                transaction = None
            pool = answers.get(response_topic(record.topic), [])
            if transaction is not None:
                pool = pool + mailbox.get((record.base, transaction), [])
            for answer in sorted(pool, key=lambda r: r.index):
                if answer.index <= record.index or answer.index in claimed:
                    continue
                if answer.envelope.get("transaction") != transaction:
                    continue
                claimed.add(answer.index)
                if answer.envelope.get("status") == "ok":
                    return "accepted"
                error = answer.envelope.get("error") or {}
                return f"refused: {error.get('code')}: {error.get('message', '')[:120]}"
            return "unknown"
        if channel.id == "gateRecognition" and isinstance(record.value, dict):
            gate = record.topic.rsplit("/", 1)[0]
            if any(d.index > record.index for d in decisions.get((gate, record.value.get("uuid")), [])):
                return "accepted"
        return "unknown"

    per_channel = collections.OrderedDict((cid, collections.Counter()) for cid in contract.channels)
    failures = collections.OrderedDict()
    refused = collections.OrderedDict()
    fixtures = collections.Counter()
    passed = failed = 0
    for record in checked:
        counts = per_channel[record.channel.id]
        counts["checked"] += 1
        if not record.problems:
            counts["passed"] += 1
            passed += 1
            continue
        fixture = TEST_FIXTURES.get((record.channel.id, record.raw))
        if fixture is not None:
            counts["refused"] += 1
            fixtures[(record.channel.id, record.topic, record.raw, fixture)] += 1
            continue
        if record.channel.action == "receive":
            fate = outcome(record)
            if fate != "accepted":
                counts["refused"] += 1
                key = (record.channel.id, record.topic, record.raw, fate)
                refused[key] = refused.get(key, 0) + 1
                continue
            record.problems.insert(0, ("accepted", "Gatehouse accepted this input (an ok answer or a decision)", "-"))
        counts["failed"] += 1
        failed += 1
        key = (record.channel.id, record.topic, record.raw, tuple(record.problems), record.retain)
        failures[key] = failures.get(key, 0) + 1

    say(f"contract check: {os.path.relpath(contract_path_of(contract))} against {log_path}")
    say(f"  {len(records)} messages recorded; {sum(outside.values())} outside the contract, {cleared} cleared retained "
        f"(empty), {len(checked)} checked" + (f"; {bad_lines} unreadable log lines" if bad_lines else ""))
    if outside:
        say("  outside the contract: " + ", ".join(f"{k} ×{v}" for k, v in outside.most_common(8))
            + (" …" if len(outside) > 8 else ""))
    say("")
    say(f"  {'channel':<28} {'dir':<8} {'checked':>7} {'passed':>7} {'failed':>7} {'other':>7}  address")
    silent = []
    for cid, counts in per_channel.items():
        channel = contract.channels[cid]
        if not counts["checked"]:
            silent.append(channel)
            continue
        say(f"  {cid:<28} {channel.action:<8} {counts['checked']:>7} {counts['passed']:>7} {counts['failed']:>7} "
            f"{counts['refused']:>7}  {channel.address}")
    if failures:
        say("")
        say("violations:")
        for (cid, topic, raw, problems, retain), count in failures.items():
            say(f"  FAIL {cid}  {topic}" + (" (retained)" if retain else "") + (f"  ×{count}" if count > 1 else ""))
            say(f"       payload: {excerpt(raw)}")
            for where, message, spath in problems[:6]:
                say(f"       at {where}: {message}  [{spath}]")
            if len(problems) > 6:
                say(f"       … {len(problems) - 6} more")
    if refused:
        say("")
        say(f"refused inputs ({sum(refused.values())}): inputs that violate the contract and that Gatehouse refused, or whose")
        say("outcome is not visible on MQTT; negative tests send these on purpose, so they are neither passed nor failed:")
        for (cid, topic, raw, fate), count in refused.items():
            say(f"  {cid}  {topic}: {excerpt(raw)[:100]!r} → {fate}" + (f"  ×{count}" if count > 1 else ""))
    if fixtures:
        say("")
        say(f"test fixtures ({sum(fixtures.values())}): payloads a test writes itself through the bridge, exempted in TEST_FIXTURES:")
        for (cid, topic, raw, why), count in fixtures.items():
            say(f"  {cid}  {topic}: {excerpt(raw)[:100]!r}: {why}" + (f"  ×{count}" if count > 1 else ""))
    if silent:
        say("")
        say(f"no traffic (info) on {len(silent)} of {len(contract.channels)} channels" + (":" if list_silent else "."))
        for channel in silent if list_silent else []:
            say(f"  {channel.id:<28} {channel.address}")
    say("")
    return passed, failed, {"checked": len(checked), "refused": sum(refused.values()), "fixtures": sum(fixtures.values()), "silent": [c.id for c in silent],
                            "channels_seen": len(contract.channels) - len(silent)}


_CONTRACT_PATHS = {}


def contract_path_of(contract):
    return _CONTRACT_PATHS.get(id(contract), "docs/asyncapi.yaml")


def load(path):
    contract = Contract(path)
    _CONTRACT_PATHS[id(contract)] = path
    return contract


def self_test(spec):
    """Feeds known-good and deliberately wrong traffic through the checker; it must fail exactly the wrong ones."""
    b = "gh-selftest"
    gate = f"{b}/parking/lot-1/gates/CAM-01"
    good = [
        (f"{b}/bridge/state", '{"state":"online"}', True),
        (f"{gate}/decision", '{"by":"platform","open":true,"uuid":"u-1"}', False),
        (f"{b}/locks/101/set", "OPEN", False),
        (f"{b}/locks/101/response/set", '{"status":"ok","data":{"room":"101"}}', False),
        (f"{b}/locks/101/request/open", "{oops", False),  # refused input: broken JSON …
        (f"{b}/locks/101/response/open", '{"status":"error","error":{"code":"invalid-request","message":"not valid JSON"}}', False),
        (f"{b}/locks/101/set", "WIGGLE", False),  # … and a bad plain command, answered with an error
        (f"{b}/locks/101/response/set", '{"status":"error","error":{"code":"invalid-request","message":"field \'state\'"}}', False),
        (f"{b}/bridge/probe/gatehouse-x", "token", False),  # outside the contract
        (f"{b}/locks/101", "", True),  # cleared retained state
    ]
    wrong = [
        (f"{gate}/decision", '{"by":"platform","open":"yes","uuid":"u-2"}', False),  # open must be a boolean
        (f"{b}/bridge/state", '{"state":"sleeping"}', True),  # not in the enum
        (f"{b}/bridge/response/health-check", '{"status":"error","error":{"code":"oops","message":"x"}}', False),  # unknown code
        (f"{b}/locks/101/response/open", '{"status":"ok","data":{"room":"101"}}', True),  # a retained response
        (f"{b}/encoders/001/request/issue-card", '{"checkIn":"2025-09-04T14:00:00+03:00","transaction":"t-9"}', False),
        (f"{b}/encoders/001/response/issue-card",  # … accepted although room & co. are missing
         '{"status":"ok","data":{"cardUid":"C1","checkOut":"2025-09-06T12:00:00+03:00","encoder":"001","room":"101",'
         '"workstation":"FD1"},"transaction":"t-9"}', False),
        (f"{b}/bridge/log", '{"at":"2025-09-04T12:21:07Z","level":"warning","message":"m"}', False),  # Z is never written
    ]
    expected_failures = 6  # the issue-card answer itself is valid
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for topic, payload, retain in good + wrong:
            qos = 0 if topic.endswith("/bridge/log") else 1
            f.write(json.dumps({"topic": topic, "payload_b64": base64.b64encode(payload.encode()).decode(), "retain": retain,
                                "qos": qos}) + "\n")
        path = f.name
    try:
        print("self-test: deliberately wrong traffic must be reported")
        passed, failed, report = check(load(spec), path, list_silent=False)
    finally:
        os.unlink(path)
    ok = failed == expected_failures and report["refused"] == 2 and passed == report["checked"] - failed - 2
    print(f"self-test {'ok' if ok else 'FAILED'}: the checker reported {failed} failures (expected {expected_failures}), "
          f"{report['refused']} refused inputs (expected 2), {passed} conforming messages")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("log", nargs="?", help="JSONL written with GATEHOUSE_CONTRACT_LOG")
    parser.add_argument("--spec", default=DEFAULT_SPEC, help="the AsyncAPI document (default: docs/asyncapi.yaml)")
    parser.add_argument("--self-test", action="store_true", help="prove that the checker fails wrong payloads")
    args = parser.parse_args()
    if args.self_test:
        return self_test(args.spec)
    if not args.log:
        parser.error("a log file is required (or --self-test)")
    if not os.path.exists(args.log) or os.path.getsize(args.log) == 0:
        print(f"contract check: no traffic recorded in {args.log}: the check did not run")
        print("contract: 0 passed, 0 failed")
        return 1
    passed, failed, report = check(load(args.spec), args.log)
    print(f"{report['channels_seen']} of {report['channels_seen'] + len(report['silent'])} channels saw traffic; "
          f"{report['checked']} messages checked: {passed} conform, {failed} violate the contract, "
          f"{report['refused']} refused inputs, {report['fixtures']} test fixtures")
    print(f"contract: {passed} passed, {failed} failed")
    if report["checked"] == 0:
        print("check-contract: no message of the contract was recorded: the check did not run", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
