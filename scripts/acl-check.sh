#!/usr/bin/env bash
# Proves deploy/acl.example against a real mosquitto: a private broker on a free loopback port
# with a generated password file and that ACL, exercised with mosquitto_pub/_sub/_rr.
#
#   scripts/acl-check.sh [ACL_FILE]      (default: deploy/acl.example)
#
# Prints one line per check and "N passed, M failed"; exits 1 if any check failed.
#
# How "not delivered" is proved without waiting for a timeout: the watcher subscribes to the
# topic under test AND to a marker topic. The forbidden message is published first (QoS 1:
# mosquitto_pub returns after the PUBACK, i.e. after the broker has routed it), then
# gatehouse publishes the marker. The broker queues messages to one subscriber in order, so
# if the first message the watcher receives is the marker, the forbidden one was dropped.
set -uo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
acl_file="$(realpath "${1:-$repo_root/deploy/acl.example}")"
readonly repo_root acl_file
readonly broker_sh="$repo_root/scripts/broker.sh"
readonly wait_seconds=5 # safety net only: passing checks never wait this long

for tool in mosquitto_pub mosquitto_sub mosquitto_rr mosquitto_passwd stdbuf python3; do
    command -v "$tool" >/dev/null || { echo "acl-check: $tool not found (apt-get install mosquitto-clients)" >&2; exit 2; }
done
[[ -f $acl_file ]] || { echo "acl-check: $acl_file not found" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-acl-check.XXXXXX")
cleanup() {
    local pid
    # Only this shell's own background jobs still running (never a reused pid).
    for pid in $(jobs -p); do kill -KILL "$pid" 2>/dev/null; done
    "$broker_sh" stop "$work/broker" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Broker with passwords and the ACL ---------------------------------------------------

readonly users=(gatehouse pms dashboard homeassistant camera-east)
password_of() { echo "acl-check-secret-$1"; }
for user in "${users[@]}"; do
    create=(); [[ -f $work/passwd ]] || create=(-c)
    mosquitto_passwd "${create[@]}" -b "$work/passwd" "$user" "$(password_of "$user")" ||
        { echo "acl-check: mosquitto_passwd failed" >&2; exit 2; }
done
{
    echo "allow_anonymous false"
    echo "password_file $work/passwd"
    echo "acl_file $acl_file"
} >"$work/auth.conf"
port=$("$broker_sh" start "$work/broker" "$work/auth.conf" 2>"$work/broker-start.log") ||
    { cat "$work/broker-start.log" >&2; echo "acl-check: broker did not start" >&2; exit 2; }
echo "acl-check: $acl_file on mosquitto 127.0.0.1:$port"

# --- Plumbing ----------------------------------------------------------------------------

passed=0 failed=0 n=0
pass() { passed=$((passed + 1)); echo "ok     $n - $1"; }
fail() {
    failed=$((failed + 1)); echo "FAILED $n - $1"
    # shellcheck disable=SC2001 # indent every line of a multi-line detail
    [[ -z ${2:-} ]] || sed 's/^/         | /' <<<"$2"
}

client_args() { echo -h 127.0.0.1 -p "$port" -u "$1" -P "$(password_of "$1")"; }

# subscribe USER OUT [mosquitto_sub options...] — runs a one-message MQTT 5 subscriber in the
# background (SUB_PID) and returns once its SUBACK arrived; 1 if it never did.
subscribe() {
    local user=$1 out=$2 deadline
    shift 2
    : >"$out"
    # stdbuf: mosquitto_sub does not flush its debug lines to a file by itself.
    # shellcheck disable=SC2046
    stdbuf -oL mosquitto_sub -V 5 -d -q 1 -C 1 -W "$wait_seconds" -F 'MSG %t %p' \
        $(client_args "$user") "$@" >"$out" 2>&1 &
    SUB_PID=$!
    deadline=$((SECONDS + wait_seconds))
    until grep -q '^Subscribed (mid' "$out"; do
        if ! kill -0 "$SUB_PID" 2>/dev/null || ((SECONDS > deadline)); then return 1; fi
        sleep 0.01
    done
}

# publish USER TOPIC PAYLOAD [options...] — MQTT 5 QoS 1; the debug output (PUBACK reason)
# is left in $work/pub.out.
publish() {
    local user=$1 topic=$2 payload=$3
    shift 3
    # shellcheck disable=SC2046
    mosquitto_pub -V 5 -d -q 1 $(client_args "$user") -t "$topic" -m "$payload" "$@" \
        >"$work/pub.out" 2>&1
}

first_message() { grep -m1 '^MSG ' "$1"; }

# Checks -----------------------------------------------------------------------------------

# delivered DESC SUBSCRIBER FILTER PUBLISHER TOPIC
delivered() {
    local desc=$1 sub_user=$2 filter=$3 pub_user=$4 topic=$5
    n=$((n + 1))
    local out="$work/sub.$n" payload="payload-$n"
    subscribe "$sub_user" "$out" -t "$filter" || { fail "$desc" "subscriber never subscribed: $(cat "$out")"; return; }
    publish "$pub_user" "$topic" "$payload"
    wait "$SUB_PID"
    if [[ $(first_message "$out") == "MSG $topic $payload" ]]; then
        pass "$desc"
    else
        fail "$desc" "$sub_user did not receive $topic; publisher: $(cat "$work/pub.out")"
    fi
}

# not_delivered DESC SUBSCRIBER FILTER PUBLISHER TOPIC MARKER_TOPIC
# When PUBLISHER is not gatehouse the publish itself must be refused with MQTT 5 reason 135.
not_delivered() {
    local desc=$1 sub_user=$2 filter=$3 pub_user=$4 topic=$5 marker_topic=$6
    n=$((n + 1))
    local out="$work/sub.$n" payload="forbidden-$n" marker="marker-$n" first
    subscribe "$sub_user" "$out" -t "$filter" -t "$marker_topic" ||
        { fail "$desc" "subscriber never subscribed: $(cat "$out")"; return; }
    publish "$pub_user" "$topic" "$payload"
    local puback; puback=$(cat "$work/pub.out")
    publish gatehouse "$marker_topic" "$marker"
    wait "$SUB_PID"
    first=$(first_message "$out")
    if [[ $first == "MSG $marker_topic $marker" ]]; then
        if [[ $pub_user != gatehouse && $puback != *"RC:135"* ]]; then
            fail "$desc" "dropped, but the PUBACK did not say not authorized (135): $puback"
        else
            pass "$desc"
        fi
    elif [[ $first == *" $payload" ]]; then
        fail "$desc" "DELIVERED to $sub_user: $first"
    else
        fail "$desc" "marker never arrived (check is broken): $(cat "$out")"
    fi
}

# connection_refused DESC [mosquitto_sub credentials...]
connection_refused() {
    local desc=$1
    shift
    n=$((n + 1))
    local output
    output=$(mosquitto_sub -V 5 -h 127.0.0.1 -p "$port" "$@" -t '#' -C 1 -W "$wait_seconds" 2>&1)
    local status=$?
    if ((status != 0)) && [[ ${output,,} == *"not authori"* ]]; then
        pass "$desc"
    else
        fail "$desc" "exit $status: $output"
    fi
}

# camera_drops WILL_TOPIC OUT — camera-east connects with a Last Will on WILL_TOPIC, then dies
# without DISCONNECT; returns once the broker has logged the lost connection (will handled).
camera_drops() {
    local will_topic=$1 out=$2 client_id="acl-check-camera-$n" deadline
    subscribe camera-east "$out" -i "$client_id" -t gatehouse/parking/lot-1/gates/east-01/command \
        --will-topic "$will_topic" --will-payload '{"state":"offline"}' --will-qos 1 || return 1
    local camera=$SUB_PID
    kill -KILL "$camera"
    wait "$camera" 2>/dev/null
    deadline=$((SECONDS + wait_seconds))
    until grep -Eq "(Client $client_id closed its connection|on client $client_id, disconnecting)" \
        "$work/broker/mosquitto.log"; do
        ((SECONDS <= deadline)) || return 1
        sleep 0.01
    done
}

# --- The checks --------------------------------------------------------------------------

readonly gatehouse_marker=gatehouse/acl-check/marker
readonly pms_marker=gatehouse/clients/pms/acl-check/marker
readonly camera_marker=gatehouse/parking/lot-1/gates/east-01/command

echo "# authentication"
connection_refused "anonymous client is refused"
connection_refused "wrong password is refused" -u pms -P wrong

echo "# pms (hotel PMS)"
delivered "pms lock request reaches gatehouse" \
    gatehouse 'gatehouse/locks/+/request/#' pms gatehouse/locks/101/request/open
# shellcheck disable=SC2016 # $share is literal
delivered "pms encoder request reaches gatehouse through a shared subscription" \
    gatehouse '$share/gatehouse/gatehouse/encoders/+/request/#' pms gatehouse/encoders/001/request/issue-card
delivered "pms receives lock responses" \
    pms 'gatehouse/locks/+/response/#' gatehouse gatehouse/locks/101/response/open
delivered "pms receives encoder responses" \
    pms 'gatehouse/encoders/+/response/#' gatehouse gatehouse/encoders/001/response/issue-card
not_delivered "pms may not use the Home Assistant command topic locks/<room>/set" \
    gatehouse 'gatehouse/locks/+/set' pms gatehouse/locks/101/set "$gatehouse_marker"
not_delivered "pms may not publish gatehouse/bridge/state" \
    gatehouse gatehouse/bridge/state pms gatehouse/bridge/state "$gatehouse_marker"
not_delivered "pms may not forge a response" \
    pms 'gatehouse/locks/+/response/#' pms gatehouse/locks/101/response/open "$pms_marker"
not_delivered "pms may not publish parking topics" \
    gatehouse 'gatehouse/parking/#' pms gatehouse/parking/lot-1/gates/east-01/command "$gatehouse_marker"
not_delivered "pms does not receive lock states" \
    pms gatehouse/locks/101 gatehouse gatehouse/locks/101 "$pms_marker"

echo "# MQTT 5 Response Topic mailbox (pattern read gatehouse/clients/%u/#)"
n=$((n + 1))
desc="pms request with Response Topic gets its reply in gatehouse/clients/pms/"
if subscribe gatehouse "$work/responder.$n" -t 'gatehouse/locks/+/request/#' -F 'MSG %t %R'; then
    responder=$SUB_PID
    # shellcheck disable=SC2046
    mosquitto_rr -V 5 -q 1 $(client_args pms) -t gatehouse/locks/101/request/read-state \
        -e gatehouse/clients/pms/frontdesk-1/reply -m '{"transaction":"t-1"}' \
        -W "$wait_seconds" >"$work/rr.$n" 2>&1 &
    requester=$!
    wait "$responder"
    response_topic=$(sed -n 's|^MSG gatehouse/locks/101/request/read-state ||p' "$work/responder.$n")
    if [[ $response_topic == gatehouse/clients/pms/frontdesk-1/reply ]]; then
        publish gatehouse "$response_topic" '{"status":"ok","transaction":"t-1"}'
        wait "$requester"
        if grep -qxF '{"status":"ok","transaction":"t-1"}' "$work/rr.$n"; then
            pass "$desc"
        else
            fail "$desc" "no reply at the requester: $(cat "$work/rr.$n")"
        fi
    else
        fail "$desc" "request without the expected Response Topic: $(cat "$work/responder.$n")"
    fi
else
    fail "$desc" "responder never subscribed"
fi
not_delivered "another user cannot read the pms mailbox" \
    camera-east 'gatehouse/clients/pms/#' gatehouse gatehouse/clients/pms/frontdesk-1/reply "$camera_marker"

echo "# dashboard (read only)"
n=$((n + 1))
desc="dashboard receives the retained lock state gatehouse/locks/101"
publish gatehouse gatehouse/locks/101 '{"room":"101","online":true}' -r
# shellcheck disable=SC2046
state=$(mosquitto_sub -V 5 $(client_args dashboard) -t gatehouse/locks/101 -C 1 -W "$wait_seconds" 2>&1)
if [[ $state == '{"room":"101","online":true}' ]]; then pass "$desc"; else fail "$desc" "got: $state"; fi
publish gatehouse gatehouse/locks/101 '' -r # clear it
not_delivered "dashboard may not send a lock request" \
    gatehouse 'gatehouse/locks/+/request/#' dashboard gatehouse/locks/101/request/open "$gatehouse_marker"
not_delivered "dashboard may not publish lock states" \
    gatehouse gatehouse/locks/101 dashboard gatehouse/locks/101 "$gatehouse_marker"
not_delivered "dashboard does not read homeassistant/#" \
    dashboard 'homeassistant/#' gatehouse homeassistant/device/gatehouse_x/config "$gatehouse_marker"

echo "# homeassistant"
delivered "homeassistant lock command .../set reaches gatehouse" \
    gatehouse 'gatehouse/locks/+/set' homeassistant gatehouse/locks/101/set
delivered "homeassistant reads discovery" \
    homeassistant 'homeassistant/#' gatehouse homeassistant/device/gatehouse_hotel-1_lock_101/config
delivered "homeassistant gate open button reaches gatehouse" \
    gatehouse 'gatehouse/parking/+/gates/+/request/+' homeassistant gatehouse/parking/lot-1/gates/east-01/request/open
not_delivered "homeassistant may not send other gate requests" \
    gatehouse 'gatehouse/parking/+/gates/+/request/+' homeassistant gatehouse/parking/lot-1/gates/east-01/request/close "$gatehouse_marker"
not_delivered "homeassistant may not send lock requests" \
    gatehouse 'gatehouse/locks/+/request/#' homeassistant gatehouse/locks/101/request/open "$gatehouse_marker"

echo "# field device camera-east"
delivered "camera-east recognition reaches gatehouse" \
    gatehouse 'gatehouse/parking/+/gates/+/recognition' camera-east gatehouse/parking/lot-1/gates/east-01/recognition
delivered "camera-east receives its gate commands" \
    camera-east "$camera_marker" gatehouse gatehouse/parking/lot-1/gates/east-01/command
not_delivered "camera-east may not report for another gate" \
    gatehouse 'gatehouse/parking/#' camera-east gatehouse/parking/lot-1/gates/west-01/recognition "$gatehouse_marker"
not_delivered "camera-east may not send lock requests" \
    gatehouse 'gatehouse/locks/+/request/#' camera-east gatehouse/locks/101/request/open "$gatehouse_marker"
not_delivered "camera-east does not receive other gates' commands" \
    camera-east gatehouse/parking/lot-1/gates/west-01/command gatehouse gatehouse/parking/lot-1/gates/west-01/command "$camera_marker"

n=$((n + 1))
desc="camera-east Last Will on its availability topic reaches gatehouse"
avail=gatehouse/parking/lot-1/devices/east-01/availability
if subscribe gatehouse "$work/will.$n" -t "$avail"; then
    watcher=$SUB_PID
    if camera_drops "$avail" "$work/camera.$n"; then
        wait "$watcher"
        if [[ $(first_message "$work/will.$n") == "MSG $avail {\"state\":\"offline\"}" ]]; then
            pass "$desc"
        else
            fail "$desc" "watcher got: $(cat "$work/will.$n")"
        fi
    else
        fail "$desc" "camera did not connect or the broker never saw it drop"
    fi
else
    fail "$desc" "watcher never subscribed"
fi

n=$((n + 1))
desc="camera-east cannot smuggle a lock request through its Last Will"
if subscribe gatehouse "$work/will.$n" -t 'gatehouse/locks/+/request/#' -t "$gatehouse_marker"; then
    watcher=$SUB_PID
    if camera_drops gatehouse/locks/101/request/open "$work/camera.$n"; then
        publish gatehouse "$gatehouse_marker" "marker-$n"
        wait "$watcher"
        first=$(first_message "$work/will.$n")
        if [[ $first == "MSG $gatehouse_marker marker-$n" ]]; then
            pass "$desc"
        else
            fail "$desc" "watcher got first: $first"
        fi
    else
        fail "$desc" "camera did not connect or the broker never saw it drop"
    fi
else
    fail "$desc" "watcher never subscribed"
fi

echo
echo "$passed passed, $failed failed"
((failed == 0))
