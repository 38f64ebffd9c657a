#!/usr/bin/python3
"""Checks recorded MQTT traffic against the topic contract in docs/asyncapi.yaml, and recorded HTTP
exchanges against the OpenAPI documents of the endpoints Gatehouse serves (docs/openapi/*.yaml).

    scripts/check-contract.py [--spec docs/asyncapi.yaml] [--openapi docs/openapi] LOG.jsonl
    scripts/check-contract.py --self-test

LOG is what the tests' MessageCollectors wrote with GATEHOUSE_CONTRACT_LOG set: one JSON line
per received message, {"topic", "payload_b64", "retain"[, "qos"]}. Each topic is mapped to a
channel of the document by dropping the base topic (whatever comes before the first contract
level: bridge, locks, encoders, parking, ofd, or `device` under the discovery prefix); topics outside the contract (bridge/probe/…,
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

HTTP lines ({"kind":"http", "api", "method", "path", "status", "request_b64", "response_b64",
"contentType"}, written by ContractRecorder.recordHTTP; lines without `kind` are MQTT) are checked
against the document whose `info.x-gatehouse-api` is `api`: the path must match one of its paths
(concrete before templated), the method must be documented there, and the status among the
operation's responses; the response's Content-Type must be documented for that status, and a JSON
body must validate against its schema (JSON Schema 2020-12, `#/components/…` resolved). The
request body is validated against the operation's requestBody schema (read as the facade's lenient
JSON when the document says `x-gatehouse-lenient-json`): a violating request that Gatehouse
accepted (a 2xx answer, and `info.x-gatehouse-accepted-when` members such as respCode "0") fails;
one it refused is listed as a refused request, and the exchange counts by its answer.

Ends with a line of counts per API and the line `contract: N passed, M failed` (MQTT messages and
HTTP exchanges together); exits 1 on any failure, and when the log holds no message or exchange of
the contract at all (no traffic recorded means the check did not run).
Needs Debian's python3-yaml and python3-jsonschema (scripts/install-deps.sh).
"""

import argparse
import base64
import collections
import json
import os
import re
import sys
import tempfile

try:
    import jsonschema
    import yaml
except ImportError as missing:  # pragma: no cover
    sys.exit(f"check-contract: {missing}; install python3-yaml and python3-jsonschema (scripts/install-deps.sh)")

# `device`: Home Assistant discovery, `<prefix>/device/<object id>/config` (the prefix plays the base topic).
ROOT_LEVELS = {"bridge", "locks", "encoders", "parking", "ofd", "device"}

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


def say_problems(say, problems, shown=6):
    """The schema violations of one failure, at most `shown` of them."""
    for where, message, spath in problems[:shown]:
        say(f"       at {where}: {message}  [{spath}]")
    if len(problems) > shown:
        say(f"       … {len(problems) - shown} more")


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


def check(contract, log_path, out=sys.stdout, list_silent=True, apis=None):
    """Returns (passed, failed, report dict): MQTT messages and (with `apis`) HTTP exchanges together."""
    say = lambda *a: print(*a, file=out)
    records = []
    http_records = []
    bad_lines = 0
    with open(log_path, encoding="utf-8") as f:
        for number, line in enumerate(f):
            line = line.strip()
            if not line:
                continue
            try:
                item = json.loads(line)
                if item.get("kind", "mqtt") == "http":
                    http_records.append(HTTPRecord(item))
                    continue
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
            say_problems(say, problems)
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
    report = {"checked": len(checked), "refused": sum(refused.values()), "fixtures": sum(fixtures.values()), "silent": [c.id for c in silent],
              "channels_seen": len(contract.channels) - len(silent), "mqtt_passed": passed, "mqtt_failed": failed, "http": None}
    if apis is not None:
        http_passed, http_failed, report["http"] = check_http(apis, http_records, say, list_silent)
        passed, failed = passed + http_passed, failed + http_failed
    elif http_records:
        say(f"{len(http_records)} HTTP exchanges recorded but not checked (no OpenAPI documents loaded)")
    return passed, failed, report


# ---------------------------------------------------------------------------------------------
# HTTP: the endpoints Gatehouse serves, against docs/openapi/<api>.yaml (OpenAPI 3.1).

DEFAULT_OPENAPI = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "openapi")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def media_type(content_type):
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_json_media(media):
    return media == "application/json" or media.endswith("+json")


def lenient_json_repair(data):
    """Python twin of Sources/Adapters/OZLocks/Facade/LenientJSON.swift: drops a trailing comma before
    `}`/`]`, and adds the comma missing between a value that ends a line and the next member's name."""
    spaces = b" \t\r\n"
    ends_value = set(b'"}]0123456789el')
    out = bytearray()
    in_string = escaped = False
    for index, byte in enumerate(data):
        if in_string:
            out.append(byte)
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
            continue
        if byte == 0x22:
            significant = out.rstrip(spaces)
            if significant and significant[-1] in ends_value and b"\n" in out[len(significant):]:
                out.append(0x2C)
            in_string = True
            out.append(byte)
        elif byte == 0x2C:
            following = data[index + 1:].lstrip(spaces)
            if following[:1] not in (b"}", b"]"):
                out.append(byte)
        else:
            out.append(byte)
    return bytes(out)


class OpenAPIDocument:
    """One docs/openapi/*.yaml: its operations by path template and method, with validators."""

    def __init__(self, path):
        self.path = path
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        if not str(self.doc.get("openapi", "")).startswith("3.1"):
            raise SystemExit(f"check-contract: {path} is not an OpenAPI 3.1 document")
        info = self.doc.get("info", {})
        self.api = info.get("x-gatehouse-api") or os.path.splitext(os.path.basename(path))[0]
        # Which answers mean "the request was accepted" beyond a 2xx status: {member: value} of the JSON body.
        self.accepted_when = info.get("x-gatehouse-accepted-when") or {}
        self.lenient_json = bool(info.get("x-gatehouse-lenient-json", False))
        self.components = self.doc.get("components", {})
        for name, schema in self.components.get("schemas", {}).items():
            try:
                jsonschema.Draft202012Validator.check_schema(schema)
            except jsonschema.SchemaError as error:
                raise SystemExit(f"check-contract: {path}: schema {name} is not valid JSON Schema: {error.message}")
        self.paths = []  # (template, regex, number of parameters, path item)
        for template, item in (self.doc.get("paths") or {}).items():
            item = self.resolve(item)
            parts = []
            params = 0
            for segment in template.strip("/").split("/"):
                if segment.startswith("{") and segment.endswith("}"):
                    parts.append("[^/]+")
                    params += 1
                else:
                    parts.append(re.escape(segment))
            self.paths.append((template, re.compile("^/" + "/".join(parts) + "$"), params, item))
        # Concrete paths win over templated ones (OpenAPI 3.1, "Path Templating Matching").
        self.paths.sort(key=lambda p: p[2])
        self.operations = collections.OrderedDict()  # (METHOD, template) → operation
        for template, _, _, item in self.paths:
            for method in HTTP_METHODS:
                if method in item:
                    self.operations[(method.upper(), template)] = item[method]
        self._validators = {}

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node and len(node) == 1:
            node = pointer(self.doc, node["$ref"])
        return node

    def match(self, path):
        for template, regex, _, item in self.paths:
            if regex.match(path):
                return template, item
        return None, None

    def validator(self, schema):
        key = id(schema)
        if key not in self._validators:
            root = dict(schema)
            root["components"] = self.components  # so `#/components/…` resolves inside the root
            self._validators[key] = (root, jsonschema.Draft202012Validator(root))
        return self._validators[key]

    def schema_location(self, root, parts):
        """`#/components/schemas/X/properties/y` for an error's absolute schema path."""
        label, node = "#", root
        for part in parts:
            # jsonschema leaves `$ref` out of schema paths: follow a reference whenever the next step is not beside it.
            while isinstance(node, dict) and "$ref" in node and part not in node:
                label, node = node["$ref"], pointer(self.doc, node["$ref"])
            label += f"/{part}"
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                node = None
        return label

    def problems(self, schema, instance, where):
        """[(where, message, schema location)] of `instance` against `schema`; [] when it conforms."""
        root, validator = self.validator(schema)
        found = []

        def leaves(error):
            # For oneOf/anyOf, the branch that came closest tells more than "not valid under any".
            if error.validator in ("oneOf", "anyOf") and error.context:
                branches = collections.defaultdict(list)
                for sub in error.context:
                    branches[sub.relative_schema_path[0]].append(sub)
                closest = min(branches.values(), key=lambda subs: (len(subs), -max(len(s.absolute_path) for s in subs)))
                for sub in closest:
                    yield from leaves(sub)
                return
            yield error

        for error in sorted(validator.iter_errors(instance), key=lambda e: (list(map(str, e.absolute_path)), e.message)):
            for leaf in leaves(error):
                found.append((where + json_path(leaf.absolute_path)[1:], leaf.message[:300],
                              self.schema_location(root, leaf.absolute_schema_path)))
        return found

    def json_schema(self, content, media):
        """The schema of `media` in a content map (exact type, then `type/*`, then `*/*`)."""
        if not content:
            return None, None
        for key in (media, media.split("/", 1)[0] + "/*", "*/*"):
            for name, entry in content.items():
                if name.lower() == key:
                    return name, (entry or {}).get("schema")
        return None, None


class HTTPRecord:
    __slots__ = ("api", "method", "path", "status", "request", "response", "content_type", "problems", "template",
                 "refused_request", "lenient")

    def __init__(self, item):
        self.api = item["api"]
        self.method = str(item["method"]).upper()
        self.path = str(item["path"]).split("?", 1)[0]
        self.status = int(item["status"])
        self.request = base64.b64decode(item.get("request_b64") or "")
        self.response = base64.b64decode(item.get("response_b64") or "")
        self.content_type = item.get("contentType")
        self.problems = []
        self.template = None
        self.refused_request = None  # why the request violates the document, when Gatehouse refused it
        self.lenient = False


def operation_pointer(template, method=None):
    """`#/paths/~1IssueCard/post`: a JSON pointer into the document."""
    return "#/paths/" + template.replace("~", "~0").replace("/", "~1") + (f"/{method.lower()}" if method else "")


def one_line(raw):
    return " ".join(excerpt(raw).split())


def validate_http(apis, record):
    """Fills record.problems; sets record.refused_request for a request outside the document that was refused."""
    api = apis.get(record.api)
    if api is None:
        record.problems.append(("api", f"no OpenAPI document with x-gatehouse-api {record.api!r}", "docs/openapi/"))
        return
    template, item = api.match(record.path)
    if template is None:
        record.problems.append(("path", f"{record.path} is no path of the document", "#/paths"))
        return
    record.template = template
    operation = item.get(record.method.lower())
    if operation is None:
        record.problems.append(("method", f"{record.method} is not documented for {template}", operation_pointer(template)))
        return
    responses = operation.get("responses", {})
    status = str(record.status)
    response = responses.get(status) or responses.get(status[0] + "XX") or responses.get("default")
    if response is None:
        record.problems.append(("status", f"status {status} is not documented for {record.method} {template} "
                                          f"(documented: {', '.join(sorted(responses))})", f"{operation_pointer(template, record.method)}/responses"))
        return
    response = api.resolve(response)
    location = f"{operation_pointer(template, record.method)}/responses/{status}"

    # The response body.
    media = media_type(record.content_type)
    content = response.get("content")
    answer = None
    if not content:
        if record.response:
            record.problems.append(("response", f"a body ({len(record.response)} bytes) where the document has none", location))
    elif not record.response and not media:
        record.problems.append(("response", "an empty answer without Content-Type", f"{location}/content"))
    else:
        name, schema = api.json_schema(content, media)
        if name is None:
            record.problems.append(("Content-Type", f"{record.content_type!r} is not documented (documented: {', '.join(content)})",
                                    f"{location}/content"))
        elif is_json_media(media):
            try:
                answer = json.loads(record.response.decode("utf-8"))
            except ValueError as error:
                record.problems.append(("response", f"not JSON: {error}", f"{location}/content/{name}"))
            else:
                if schema is not None:
                    record.problems.extend(api.problems(schema, answer, "response"))

    # The request body, when the operation documents one.
    accepted = 200 <= record.status < 300 and all(
        isinstance(answer, dict) and answer.get(member) == value for member, value in api.accepted_when.items())
    body = api.resolve(operation.get("requestBody")) or {}
    name, schema = api.json_schema(body.get("content"), "application/json")
    if schema is None:
        return
    if not record.request:
        found = [("request", "empty body", f"{operation_pointer(template, record.method)}/requestBody")] if body.get("required") else []
    else:
        try:
            instance = json.loads(record.request.decode("utf-8"))
            found = None
        except ValueError as error:
            instance, found = None, [("request", f"not JSON: {error}", f"{operation_pointer(template, record.method)}/requestBody")]
            if api.lenient_json:
                try:
                    instance = json.loads(lenient_json_repair(record.request).decode("utf-8"))
                    found, record.lenient = None, True
                except ValueError:
                    pass
        if found is None:
            found = api.problems(schema, instance, "request")
    if not found:
        return
    if accepted:
        record.problems.insert(0, ("accepted", "Gatehouse accepted a request the document forbids (a 2xx"
                                   + (f" with {api.accepted_when}" if api.accepted_when else "") + " answer)", "-"))
        record.problems.extend(found)
    else:
        record.refused_request = found


def load_openapi(directory):
    """{api name: OpenAPIDocument} for every *.yaml in `directory`."""
    apis = collections.OrderedDict()
    if not directory or not os.path.isdir(directory):
        return apis
    for name in sorted(os.listdir(directory)):
        if name.endswith((".yaml", ".yml")):
            document = OpenAPIDocument(os.path.join(directory, name))
            if document.api in apis:
                raise SystemExit(f"check-contract: {name} and {apis[document.api].path} both describe {document.api}")
            apis[document.api] = document
    return apis


def check_http(apis, records, say, list_silent=True):
    """Validates the HTTP exchanges; returns (passed, failed, report)."""
    per_operation = collections.OrderedDict()
    for api in apis.values():
        for (method, template) in api.operations:
            per_operation[(api.api, method, template)] = collections.Counter()
    per_api = collections.OrderedDict((name, collections.Counter()) for name in apis)
    failures = collections.OrderedDict()
    refused = collections.OrderedDict()
    statuses = collections.defaultdict(set)
    passed = failed = lenient = 0
    for record in records:
        validate_http(apis, record)
        counts = per_api.setdefault(record.api, collections.Counter())
        counts["checked"] += 1
        key = (record.api, record.method, record.template)
        operation = per_operation.get(key)
        if operation is not None:
            operation["checked"] += 1
            statuses[key].add(record.status)
        lenient += record.lenient
        if record.refused_request:
            counts["refused"] += 1
            if operation is not None:
                operation["refused"] += 1
            rkey = (record.api, record.method, record.path, record.status, record.request, record.refused_request[0][:2])
            refused[rkey] = refused.get(rkey, 0) + 1
        if record.problems:
            failed += 1
            counts["failed"] += 1
            if operation is not None:
                operation["failed"] += 1
            fkey = (record.api, record.method, record.path, record.status, record.request, record.response, tuple(record.problems))
            failures[fkey] = failures.get(fkey, 0) + 1
        else:
            passed += 1
            counts["passed"] += 1
            if operation is not None:
                operation["passed"] += 1
    say(f"HTTP check: {', '.join(os.path.relpath(a.path) for a in apis.values()) or 'no OpenAPI documents'}")
    say(f"  {len(records)} exchanges recorded" + (f"; {lenient} request bodies read as the facade's lenient JSON" if lenient else ""))
    say("")
    say(f"  {'api':<16} {'method':<6} {'path':<30} {'checked':>7} {'passed':>7} {'failed':>7} {'refused':>7}  statuses")
    silent = []
    for (name, method, template), counts in per_operation.items():
        if not counts["checked"]:
            silent.append((name, method, template))
            continue
        seen = ",".join(str(s) for s in sorted(statuses[(name, method, template)]))
        say(f"  {name:<16} {method:<6} {template:<30} {counts['checked']:>7} {counts['passed']:>7} {counts['failed']:>7} "
            f"{counts['refused']:>7}  {seen}")
    if failures:
        say("")
        say("HTTP violations:")
        for (api, method, path, status, request, response, problems), count in failures.items():
            say(f"  FAIL {api}  {method} {path} → {status}" + (f"  ×{count}" if count > 1 else ""))
            if request:
                say(f"       request:  {one_line(request)}")
            say(f"       response: {one_line(response)}")
            say_problems(say, problems)
    if refused:
        say("")
        say(f"refused requests ({sum(refused.values())}): request bodies outside the document that Gatehouse refused (negative")
        say("tests send these on purpose); the exchange counts by its answer:")
        for (api, method, path, status, request, (where, message)), count in refused.items():
            say(f"  {api}  {method} {path} → {status}: {one_line(request)[:90]!r}: at {where}: {message[:90]}"
                + (f"  ×{count}" if count > 1 else ""))
    if silent:
        say("")
        say(f"no traffic (info) on {len(silent)} of {len(per_operation)} operations" + (":" if list_silent else "."))
        for name, method, template in silent if list_silent else []:
            say(f"  {name:<16} {method:<6} {template}")
    say("")
    return passed, failed, {"checked": len(records), "refused": sum(refused.values()), "per_api": per_api,
                            "operations_seen": len(per_operation) - len(silent), "operations": len(per_operation)}


_CONTRACT_PATHS = {}


def contract_path_of(contract):
    return _CONTRACT_PATHS.get(id(contract), "docs/asyncapi.yaml")


def load(path):
    contract = Contract(path)
    _CONTRACT_PATHS[id(contract)] = path
    return contract


def self_test(spec, openapi_dir=DEFAULT_OPENAPI):
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

    # HTTP exchanges: (api, method, path, status, request, response, content type).
    json_type = "application/json; charset=utf-8"
    sloppy = ('{\n  "Room": "101",\n  "CheckIn": "04.09.2025 15:21",\n  "CheckOut": "05.09.2025 14:00",\n'
              '  "GuestName": "Иванов Иван",\n  "NewIssue": true,\n  "EncoderID": "001",\n  "WorkstationID": "ADMIN01"\n'
              '  "CardIssuer": "Ресепшн",\n}')  # the vendor's own example: a missing and a trailing comma
    issued = '{"CheckOut":"05.09.2025 14:00","EncoderID":"001","GuestID":12,"Number":"AAFF1122","Room":"101","WorkstationID":"ADMIN01"}'
    signed = '{"version":"1.0","token":"2e6eef5a0bba5a666004298e76b2f1cf","parkingLotId":"lot-1","time":"20170818 17:14:15"'
    page = ('{"currentPage":1,"data":[{"placeNo":"P-001","placeStatus":"vacancy"},{"placeNo":"P-002","placeStatus":"occupy",'
            '"plateNumber":"粤B3"}],"pageSize":10,"respCode":"0","total":2}')
    http_good = [
        ("ozlocks-facade", "POST", "/IssueCard", 200, sloppy, issued, json_type),
        ("ozlocks-facade", "GET", "/ReadState", 401, '{"Room":"101","WorkstationID":"W"}',
         '{"ECode":"401","EMessage":"unknown API key"}', json_type),
        ("ozlocks-facade", "GET", "/ReadState", 500, '{"WorkstationID":"W"}',  # refused request: Room is missing
         '{"ECode":"5","EMessage":"field \'Room\': missing"}', json_type),
        ("vanke-supplier", "POST", "/checkConnect", 200, signed + "}", '{"respCode":"0"}', json_type),
        ("vanke-supplier", "POST", "/receiveOpenGate", 200, signed + ',"deviceNo":"CAM-01","openMode":"7"}',  # refused request
         '{"respCode":"1","respDesc":"field \'openMode\': expected 0, 1, 2 or 3, got \\"7\\""}', json_type),
        ("vanke-supplier", "POST", "/queryPlaceStatus", 200, signed + ',"pageSize":"10"}', page, json_type),
        ("vanke-supplier", "POST", "/openEverything", 404, "{}", '{"respCode":"1","respDesc":"unknown endpoint /openEverything"}',
         json_type),
        ("bridge", "GET", "/images/3f2b8c9e-6a1d-4e57-9c0b-2f7d8e1a4b60.jpg", 200, "", "\xff\xd8\xff\xe0JFIF", "image/jpeg"),
    ]
    http_wrong = [
        ("ozlocks-facade", "POST", "/IssueCard", 200, sloppy, issued.replace('"AAFF1122"', "12345"), json_type),  # Number: a number
        ("ozlocks-facade", "POST", "/IssueCards", 200, "{}", issued, json_type),  # no such path
        ("ozlocks-facade", "GET", "/IssueCard", 200, sloppy, issued, json_type),  # IssueCard is a POST
        ("ozlocks-facade", "GET", "/ReadState", 418, '{"Room":"101","WorkstationID":"W"}', "", None),  # undocumented status
        ("ozlocks-facade", "POST", "/OpenLock", 500, '{"Room":"101","WorkstationID":"W"}',
         '{"ECode":10,"EMessage":"Замок не в сети"}', json_type),  # ECode must be a string
        ("vanke-supplier", "POST", "/queryPlaceStatus", 200, signed + "}", page.replace("vacancy", "free"), json_type),  # not an enum value
        ("vanke-supplier", "POST", "/checkConnect", 200, signed + "}", '{"respCode":0}', json_type),  # respCode is a string
        ("vanke-supplier", "POST", "/receiveOpenGate", 200, signed + ',"deviceNo":"CAM-01","openMode":"9"}',
         '{"respCode":"0"}', json_type),  # accepted although openMode 9 does not exist
    ]
    http_expected_failures, http_expected_refused = len(http_wrong), 2
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for topic, payload, retain in good + wrong:
            qos = 0 if topic.endswith("/bridge/log") else 1
            f.write(json.dumps({"topic": topic, "payload_b64": base64.b64encode(payload.encode()).decode(), "retain": retain,
                                "qos": qos}) + "\n")
        for api, method, path, status, request, response, content_type in http_good + http_wrong:
            encode = (lambda text: base64.b64encode(text.encode("latin-1") if text.startswith("\xff") else text.encode()).decode())
            line = {"kind": "http", "api": api, "method": method, "path": path, "status": status,
                    "request_b64": encode(request), "response_b64": encode(response)}
            if content_type:
                line["contentType"] = content_type
            f.write(json.dumps(line) + "\n")
        path = f.name
    try:
        print("self-test: deliberately wrong traffic must be reported")
        apis = load_openapi(openapi_dir)
        passed, failed, report = check(load(spec), path, list_silent=False, apis=apis)
    finally:
        os.unlink(path)
    mqtt_failed, mqtt_passed = report["mqtt_failed"], report["mqtt_passed"]
    mqtt_ok = mqtt_failed == expected_failures and report["refused"] == 2 and mqtt_passed == report["checked"] - mqtt_failed - 2
    http = report["http"]
    http_failed, http_passed = failed - mqtt_failed, passed - mqtt_passed
    missing = {"ozlocks-facade", "vanke-supplier", "bridge"} - set(apis)
    http_ok = (not missing and http_failed == http_expected_failures and http["refused"] == http_expected_refused
               and http_passed == len(http_good))
    print(f"self-test {'ok' if mqtt_ok else 'FAILED'} (MQTT): the checker reported {mqtt_failed} failures (expected {expected_failures}), "
          f"{report['refused']} refused inputs (expected 2), {mqtt_passed} conforming messages")
    print(f"self-test {'ok' if http_ok else 'FAILED'} (HTTP): the checker reported {http_failed} failures (expected "
          f"{http_expected_failures}), {http['refused']} refused requests (expected {http_expected_refused}), {http_passed} conforming "
          f"exchanges (expected {len(http_good)})" + (f"; no OpenAPI document for {', '.join(sorted(missing))}" if missing else ""))
    return 0 if mqtt_ok and http_ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("log", nargs="?", help="JSONL written with GATEHOUSE_CONTRACT_LOG")
    parser.add_argument("--spec", default=DEFAULT_SPEC, help="the AsyncAPI document (default: docs/asyncapi.yaml)")
    parser.add_argument("--openapi", default=DEFAULT_OPENAPI, help="folder of the OpenAPI documents (default: docs/openapi)")
    parser.add_argument("--self-test", action="store_true", help="prove that the checker fails wrong payloads")
    args = parser.parse_args()
    if args.self_test:
        return self_test(args.spec, args.openapi)
    if not args.log:
        parser.error("a log file is required (or --self-test)")
    if not os.path.exists(args.log) or os.path.getsize(args.log) == 0:
        print(f"contract check: no traffic recorded in {args.log}: the check did not run")
        print("contract: 0 passed, 0 failed")
        return 1
    apis = load_openapi(args.openapi)
    passed, failed, report = check(load(args.spec), args.log, apis=apis)
    http = report["http"]
    print(f"{report['channels_seen']} of {report['channels_seen'] + len(report['silent'])} channels saw traffic; "
          f"{report['checked']} messages checked: {report['mqtt_passed']} conform, {report['mqtt_failed']} violate the contract, "
          f"{report['refused']} refused inputs, {report['fixtures']} test fixtures")
    print(f"{http['operations_seen']} of {http['operations']} HTTP operations saw traffic; {http['checked']} exchanges checked, "
          f"{http['refused']} refused requests")
    apis_line = [f"asyncapi {report['mqtt_passed']} passed/{report['mqtt_failed']} failed"]
    apis_line += [f"{name} {c['passed']} passed/{c['failed']} failed" for name, c in http["per_api"].items()]
    print("per API: " + ", ".join(apis_line))
    print(f"contract: {passed} passed, {failed} failed")
    if report["checked"] + http["checked"] == 0:
        print("check-contract: no message of the contract was recorded: the check did not run", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
