#!/usr/bin/env bash
# Example sensor: an inbox where you leave notes for the loop.
#
# Copy it into your profile's sensors/. Drop a text file into <data dir>/inbox/ (an
# answer to a question the loop asked, a task, a correction) and the next beat sees
# it. The signal is each note's name and checksum, so a new or edited note wakes the
# loop; the start of each note rides along in detail so the decider can read it
# without opening files. Handled notes can go to inbox/done/: subdirectories and
# dotfiles are not read.
set -uo pipefail

INBOX="${LOOOP_DATA_DIR:?run by looop, which sets LOOOP_DATA_DIR}/inbox"
SHOWN=5        # notes whose text is included in detail
HEAD_BYTES=1000 # bytes of each; keeps the reading under looop's 8 KiB cap

json_str() {
    local s
    s=$(printf '%s' "$1" | tr -d '\000-\010\013\014\016-\037')
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\t'/\\t}
    s=${s//$'\r'/\\r}
    s=${s//$'\n'/\\n}
    printf '"%s"' "$s"
}

notes="" texts="" count=0
shopt -s nullglob
for path in "$INBOX"/*; do
    [[ -f $path ]] || continue
    name=${path##*/}
    sum=$(cksum <"$path") sum=${sum%% *}
    notes+="${notes:+,}{\"name\":$(json_str "$name"),\"cksum\":$sum}"
    if ((count < SHOWN)); then
        texts+="${texts:+,}$(json_str "$name"):$(json_str "$(head -c "$HEAD_BYTES" "$path")")"
    fi
    count=$((count + 1))
done

printf '{"signal":{"notes":[%s]},"detail":{"inbox":%s,"count":%d,"text":{%s}}}\n' \
    "$notes" "$(json_str "$INBOX")" "$count" "$texts"
