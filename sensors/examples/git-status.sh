#!/usr/bin/env bash
# Example sensor: the state of one git repository.
#
# Copy it into your profile (one copy per repo, e.g. sensors/git-myapp.sh) and point
# REPO at the repository. The signal holds only what should wake the loop: the branch,
# whether the tree is dirty or conflicted, and how far it is ahead of or behind its
# upstream. Which files changed goes in detail, so editing a second file does not
# cost another AI call.
set -uo pipefail

REPO="${GIT_STATUS_REPO:-$HOME/src/myapp}"

# JSON string: escape backslash, quote and the usual control characters; drop the rest.
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

if ! git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
    echo "git-status: $REPO is not a git repository; set REPO in $0" >&2
    exit 1
fi

# --no-optional-locks: a sensor must never hold index.lock while a person or a worker
# is committing in the same repository.
status=$(git --no-optional-locks -C "$REPO" status --porcelain=v2 --branch) || exit 1

branch="" ahead=0 behind=0 changed=0 conflicts=false files=()
while IFS= read -r line; do
    case "$line" in
        "# branch.head "*) branch=${line#"# branch.head "} ;;
        "# branch.ab "*)
            read -r _ _ a b <<<"$line"
            ahead=${a#+} behind=${b#-} ;;
        "#"*) ;;
        *)
            changed=$((changed + 1))
            [[ $line == u\ * ]] && conflicts=true
            if ((${#files[@]} < 20)); then
                case "$line" in
                    "? "*) files+=("?? ${line#"? "}") ;;
                    "1 "*) read -r _ xy _ _ _ _ _ _ path <<<"$line"; files+=("$xy $path") ;;
                    "2 "*) read -r _ xy _ _ _ _ _ _ _ path <<<"$line"; files+=("$xy ${path%%$'\t'*}") ;;
                    "u "*) read -r _ xy _ _ _ _ _ _ _ _ path <<<"$line"; files+=("$xy $path") ;;
                esac
            fi ;;
    esac
done <<<"$status"

dirty=false
((changed > 0)) && dirty=true
head=$(git -C "$REPO" log -1 --format='%h %s' 2>/dev/null || echo "(no commits yet)")

list=""
for f in "${files[@]+"${files[@]}"}"; do list+="${list:+,}$(json_str "$f")"; done

printf '{"signal":{"repo":%s,"branch":%s,"dirty":%s,"conflicts":%s,"ahead":%d,"behind":%d},' \
    "$(json_str "$REPO")" "$(json_str "$branch")" "$dirty" "$conflicts" "$ahead" "$behind"
printf '"detail":{"changed":%d,"files":[%s],"head":%s}}\n' "$changed" "$list" "$(json_str "$head")"
