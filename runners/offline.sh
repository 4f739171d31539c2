#!/usr/bin/env bash
# looop's offline decider: plays back a script of decisions, one per call, so
# the demo and the tests run the whole loop with no network, no API key and
# nothing but bash and coreutils. It talks like a real runner: the prompt on
# stdin, the decision in $LOOOP_DECISION_FILE (else $LOOOP_DATA_DIR/.decision.json), an NDJSON stream on
# stdout in pi's or claude's shape that reports what the call "cost".
#
# Usage (a runner's "tick" command):
#   bash "$LOOOP_DATA_DIR/runners/offline.sh" SCRIPT.jsonl [--shape pi|claude] [--cost USD] [--repeat-last]
#
# SCRIPT (relative to the data dir, or absolute) holds one entry per line;
# blank lines and lines starting with # are skipped. Each call takes the next
# entry (with --repeat-last, a call past the end replays the last entry
# instead of reporting the script exhausted):
#   !exit N       exit N without a decision (a crashing runner)
#   !nodecision   exit 0 without a decision (a confused model)
#   anything else written verbatim as the decision, valid JSON or not
# State lives in $LOOOP_DATA_DIR/.offline-runner/: `cursor` (entries used so
# far) and `calls.log` (one line per call: time, prompt bytes and sha256).
set -u

usage() {
  echo "usage: offline.sh SCRIPT.jsonl [--shape pi|claude] [--cost USD] [--repeat-last]" >&2
  exit 2
}

die() {
  echo "offline runner: $*" >&2
  exit 2
}

script="" shape=pi cost=0.002 repeat_last=""
while [ $# -gt 0 ]; do
  case $1 in
    --shape) [ $# -ge 2 ] || usage; shape=$2; shift 2 ;;
    --cost) [ $# -ge 2 ] || usage; cost=$2; shift 2 ;;
    --repeat-last) repeat_last=1; shift ;;
    -h|--help) usage ;;
    -*) die "unknown option $1 (expected --shape or --cost)" ;;
    *) [ -z "$script" ] || die "one script only, got '$script' and '$1'"; script=$1; shift ;;
  esac
done
[ -n "$script" ] || usage
case $shape in pi|claude) ;; *) die "--shape must be pi or claude, got '$shape'" ;; esac
[[ $cost =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--cost must be a dollar amount like 0.002, got '$cost'"
[ -n "${LOOOP_DATA_DIR:-}" ] || die "LOOOP_DATA_DIR is not set; run me as a looop runner"

data=$LOOOP_DATA_DIR
state=$data/.offline-runner
# looop names the run's own decision file; the data dir's .decision.json is the old place
decision_file=${LOOOP_DECISION_FILE:-$data/.decision.json}
case $script in /*) ;; *) script=$data/$script ;; esac
[ -f "$script" ] || die "script $script not found"
mkdir -p "$state" || exit 1

# --- JSON and numbers, without jq or bc ---------------------------------------

# Control characters other than \n \r \t, and their JSON escapes, built once.
CTRL_CHARS=() CTRL_ESCAPES=()
for code in 1 2 3 4 5 6 7 8 11 12 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31; do
  printf -v oct '%03o' "$code"
  printf -v "CTRL_CHARS[${#CTRL_CHARS[@]}]" "\\$oct"
  printf -v "CTRL_ESCAPES[${#CTRL_ESCAPES[@]}]" '\\u%04x' "$code"
done

# Sets REPLY to the JSON string literal for $1 (no subshell: this runs often).
# Backslash and quote first, then every control character: a decision may carry
# tabs or worse, and the stream must stay valid JSON.
json_str() {
  local s=$1 i
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  for i in "${!CTRL_CHARS[@]}"; do
    s=${s//"${CTRL_CHARS[i]}"/"${CTRL_ESCAPES[i]}"}
  done
  REPLY="\"$s\""
}

# Sets REPLY to a decimal's digits and scale (0.0075 → "75 4"), so halving stays exact.
to_fixed() {
  local int=${1%%.*} frac=""
  [[ $1 == *.* ]] && frac=${1#*.}
  REPLY="$((10#$int$frac)) ${#frac}"
}

# Sets REPLY to digits/10^scale as a JSON number (75 4 → 0.0075).
from_fixed() {
  local digits=$1 scale=$2
  while [ "${#digits}" -le "$scale" ]; do digits=0$digits; done
  if [ "$scale" -eq 0 ]; then REPLY=$digits; return; fi
  REPLY=${digits:0:${#digits}-scale}.${digits:${#digits}-scale}
}

# Sets REPLY to half of a decimal, exactly: an odd amount gains one digit of scale.
half() {
  local n s
  to_fixed "$1"
  read -r n s <<<"$REPLY"
  if (( n % 2 )); then n=$((n * 10)); s=$((s + 1)); fi
  from_fixed "$((n / 2))" "$s"
}

# --- the call -----------------------------------------------------------------

# bash's own clock, to spare a fork per timestamp
now_ms() { local us=${EPOCHREALTIME/[.,]/}; REPLY=${us:0:${#us}-3}; }
now_iso() { TZ=UTC printf -v REPLY '%(%Y-%m-%dT%H:%M:%S)TZ' -1; }

# Reads the whole prompt like a real runner and logs its size and digest, so
# tests can see each call and what it was given.
record_call() {
  local tmp bytes sum
  tmp=$(mktemp "$state/prompt.XXXXXX") || exit 1
  cat > "$tmp"
  bytes=$(wc -c < "$tmp")
  sum=$(sha256sum < "$tmp")
  rm -f "$tmp"
  now_iso
  printf '%s bytes=%s sha256=%s entry=%s\n' "$REPLY" "$bytes" "${sum%% *}" "$1" >> "$state/calls.log"
}

# Sets REPLY to entry number $1 (1-based) of the script, skipping blanks and
# comments; fails when there is none.
entry() {
  local want=$1 n=0 line
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    [[ $line =~ ^[[:space:]]*$ || $line =~ ^[[:space:]]*# ]] && continue
    n=$((n + 1))
    if [ "$n" -eq "$want" ]; then REPLY=$line; return 0; fi
  done < "$script"
  return 1
}

# --- the stream, in pi's shape ------------------------------------------------

# Sets REPLY to an assistant message with content $1 costing $2, stop reason $3.
pi_assistant() {
  now_ms
  printf -v REPLY '{"role":"assistant","content":[%s],"api":"offline","provider":"offline","model":"offline-script","usage":{"input":1000,"output":50,"cacheRead":0,"cacheWrite":0,"totalTokens":1050,"cost":{"input":0,"output":0,"cacheRead":0,"cacheWrite":0,"total":%s}},"stopReason":"%s","timestamp":%s}' \
    "$1" "$2" "$3" "$REPLY"
}

# One assistant turn: message_start, message_update and turn_end repeat the
# usage as pi's do, so a meter that counts more than message_end is caught.
pi_turn() {
  local delta=text_end
  [ "$3" = toolUse ] && delta=toolcall_end
  pi_assistant "$@"
  echo '{"type":"turn_start"}'
  printf '{"type":"message_start","message":%s}\n' "$REPLY"
  printf '{"type":"message_update","assistantMessageEvent":{"type":"%s","contentIndex":0},"message":%s}\n' "$delta" "$REPLY"
  printf '{"type":"message_end","message":%s}\n' "$REPLY"
  [ "$3" = toolUse ] && pi_tool_result
  printf '{"type":"turn_end","message":%s,"toolResults":[]}\n' "$REPLY"
}

pi_tool_result() {
  local bytes
  bytes=$(wc -c < "$decision_file")
  printf '{"type":"tool_execution_start","toolCallId":"call_offline_1","toolName":"write","args":{"path":%s}}\n' "$path_json"
  printf '{"type":"tool_execution_end","toolCallId":"call_offline_1","toolName":"write","result":{"content":[{"type":"text","text":"Successfully wrote %s bytes to %s"}]},"isError":false}\n' \
    "$((bytes))" "${path_json:1:${#path_json}-2}"
}

pi_stream() {
  local prompt
  now_iso
  printf '{"type":"session","version":3,"id":"offline-%s","timestamp":"%s","cwd":%s}\n' "$cursor" "$REPLY" "$cwd_json"
  echo '{"type":"agent_start"}'
  now_ms
  printf -v prompt '{"role":"user","content":[{"type":"text","text":"Follow the looop instructions given on stdin."}],"timestamp":%s}' "$REPLY"
  printf '{"type":"message_start","message":%s}\n{"type":"message_end","message":%s}\n' "$prompt" "$prompt"
  if [ -z "$decision_json" ]; then
    pi_turn '{"type":"text","text":"Nothing to decide."}' "$cost_json" stop
  else
    pi_turn "{\"type\":\"toolCall\",\"id\":\"call_offline_1\",\"name\":\"write\",\"arguments\":{\"path\":$path_json,\"content\":$decision_json}}" "$half_json" toolUse
    pi_turn '{"type":"text","text":"Decision written."}' "$half_json" stop
  fi
  echo '{"type":"agent_end","messages":[]}'
}

# --- the stream, in claude's shape --------------------------------------------

claude_assistant() {
  printf '{"type":"assistant","message":{"id":"msg_offline_%s","type":"message","role":"assistant","model":"offline-script","content":[%s],"stop_reason":null,"usage":{"input_tokens":1000,"output_tokens":50}},"parent_tool_use_id":null,"session_id":"offline-%s"}\n' \
    "$1" "$2" "$cursor"
}

claude_stream() {
  local text="Decision written."
  printf '{"type":"system","subtype":"init","cwd":%s,"session_id":"offline-%s","tools":["Write"],"model":"offline-script","permissionMode":"bypassPermissions","apiKeySource":"none"}\n' \
    "$cwd_json" "$cursor"
  if [ -n "$decision_json" ]; then
    claude_assistant 1 "{\"type\":\"tool_use\",\"id\":\"toolu_offline_1\",\"name\":\"Write\",\"input\":{\"file_path\":$path_json,\"content\":$decision_json}}"
    printf '{"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_offline_1","type":"tool_result","content":"File created successfully at: %s"}]},"parent_tool_use_id":null,"session_id":"offline-%s"}\n' \
      "${path_json:1:${#path_json}-2}" "$cursor"
  else
    text="Nothing to decide."
  fi
  claude_assistant 2 "{\"type\":\"text\",\"text\":\"$text\"}"
  # claude reports the run's cumulative cost once, at the end
  printf '{"type":"result","subtype":"success","is_error":false,"num_turns":2,"result":"%s","session_id":"offline-%s","total_cost_usd":%s}\n' \
    "$text" "$cursor" "$cost_json"
}

# --- main ---------------------------------------------------------------------

cursor=$(cat "$state/cursor" 2>/dev/null)
[[ $cursor =~ ^[0-9]+$ ]] || cursor=0

if entry "$((cursor + 1))"; then
  cursor=$((cursor + 1))
elif [ -n "$repeat_last" ] && [ "$cursor" -gt 0 ] && entry "$cursor"; then
  : # past the end: the last entry again, the cursor stays
else
  record_call exhausted
  echo "offline runner: script exhausted"
  exit 0
fi
line=$REPLY
record_call "$cursor"
printf '%s\n' "$cursor" > "$state/cursor.tmp" && mv -f "$state/cursor.tmp" "$state/cursor"

case $line in
  '!exit'*)
    code=${line#!exit}
    code=${code// /}
    [[ $code =~ ^[0-9]+$ ]] || die "entry $cursor: '!exit' needs a number, got '$code'"
    echo "offline runner: exiting $code as scripted (entry $cursor)" >&2
    exit "$code"
    ;;
  '!nodecision') decision_json="" ;;
  *)
    printf '%s\n' "$line" > "$decision_file.tmp" && mv -f "$decision_file.tmp" "$decision_file"
    json_str "$line"; decision_json=$REPLY
    ;;
esac
json_str "$decision_file"; path_json=$REPLY
json_str "$PWD"; cwd_json=$REPLY
to_fixed "$cost"; from_fixed $REPLY; cost_json=$REPLY
half "$cost"; half_json=$REPLY
"${shape}_stream"
