package looop.cli;

import looop.act.moves.Moves;

/** `looop help`: the full manual. */
public final class Manual {
    private Manual() {}

    /** Terminals are at least this wide; the manual never needs a wider one. */
    public static final int MAX_COLUMNS = 100;

    public static String text() {
        return PREFACE + actionTable() + RUNTIME + commands() + EXIT_CODES;
    }

    /** The table of decisions: what the AI may ask for. */
    public static String actionTable() {
        return ACTIONS;
    }

    /** Every command and its options; ManualTest checks each option against the command line. */
    public static String commands() {
        return COMMANDS;
    }

    /** The idea, the nouns, one beat, the rules, and the head of DECISIONS. */
    private static final String PREFACE = """
            looop - a personal control loop, shaped like a Kubernetes controller

            THE IDEA
              Once per beat looop looks at the world, compares it with the desired state, and asks
              an AI for exactly ONE move, which looop itself (not the AI) then executes and logs.
              Like a Kubernetes controller it is level-triggered: every beat re-derives everything
              from files, so a crashed beat, a dead worker or days offline heal on the next beat.

                Kubernetes               looop
                desired state (YAML)     goals/*.md (inert; never executed)
                etcd                     the data dir (files are the only memory)
                informers                sensors/*.sh (each prints one JSON object)
                reconcile loop           the pulse: sense -> diff -> decide one move -> act -> log
                scheduler policy         PLAYBOOK.md (priorities and guardrails, in prose)
                Job / Pod                a worker session (an agent working in a terminal)

            THE NOUNS
              playbook   PLAYBOOK.md: what the loop is for, what comes first, what it must never
                         do. Prose for the AI to weigh, not rules for a parser.
              goals      goals/<id>.md: desired state, one outcome each. Read, never executed.
                         Finished goals move to goals/archive/.
              sensors    sensors/<name>.sh: executables that each print ONE JSON object,
                         {"signal":{...},"detail":{...}}. Only a change in "signal" wakes the loop;
                         "detail" is context for the AI. Examples ship in looop's sensors/examples/.
              snapshots  snapshots/*.json: this beat's readings (sensor-<name>.json from your
                         sensors, sys-sessions/sys-claims/sys-goals from looop). Wiped every beat.
              journal    journal.md: one line per move, "- YYYY-MM-DD HH:MM <text>". Append-only.
              workers    agents running detached in real terminals (tmux), started by a move. They
                         outlive looop, can be watched and driven, and flag a human when stuck.
              claims     claims/<name>.json: a worker's lease on a shared thing (a repo, a branch),
                         so two workers never touch it at once. Dead holders lose their leases.
              runners    the AI CLIs looop calls: "claude", "pi", or your own in looop.json. A
                         runner decides the beat (prompt on stdin) and powers workers.

            ONE BEAT (looop tick)
              0 housekeeping  reap finished sessions older than the retention window; drop claims
                              whose session is not alive
              1 sense         wipe snapshots/, run every sensor, write the snapshots
              2 diff          hash the world (playbook, goals, wake signals)
              3 gate          unchanged since the last good beat and not forced: stop here, no AI
                              call, no cost; a world that failed before waits 60s x 2^(fails-1),
                              at most 1 hour
              4 budget        (the gate too) stop when today's spend reached max_daily_usd, or when
                              the runner left 3 runs in a row unmetered while a budget is set
              5 decide        write runs/<id>/prompt.md, run the runner in the data dir, keep its
                              output in runs/<id>/output.log and tick.log, meter the spend
              6 act           read .decision.json (deleted whatever happens), validate, execute,
                              append the journal line
              7 commit        a good move records the world hash and clears the backoff; any failure
                              leaves the hash uncommitted so a later beat retries
              8 prune         keep the newest LOOOP_RUNS_KEEP run archives

            RULES
              1. One beat, at most one move. The AI only emits a typed action; looop is the sole
                 executor and writes one journal line.
              2. The pulse is deterministic code; judgment is the AI; memory is files.
              3. Nothing irreversible happens automatically: workers prepare, flag, and wait for a
                 human.
              4. Workers ask (flag and wait) rather than guess.
              5. Level-triggered: no hidden "what I was waiting for" state.
              6. Single writer: only the pulse writes PLAYBOOK.md, goals/, sensors/ and journal.md.
                 Workers write claims/, reports/ and their own sandbox.

            DECISIONS
              The AI writes one JSON object to .decision.json in the data dir, e.g.
                {"action":"write_goal","id":"fix-ci","body":"# Fix CI\\n...","journal":"new goal"}

            """;

    private static final String ACTIONS = """
                action             fields          what looop does
            """ + Moves.table(Moves.Audience.MANUAL, "    ", 19, 16, 90) + """

            """;

    /** The rest of DECISIONS, runners and cost, paths, environment. */
    private static final String RUNTIME = """
              Any action may add "journal" (the line to log; looop's own summary when empty) and
              "next_interval_s" (5..3600: the next sleep, once; also forces the next beat to
              decide). Ids and names must be safe file names: letters, digits, - and _.

            RUNNERS AND COST
              looop.json names the default runner and the runner table:
                {"default":"claude",
                 "runners":{"<name>":{"tick":"<cmd, prompt on stdin>",
                                      "interactive":"<cmd using {{prompt_file}}>",
                                      "resume":"<cmd>",
                                      "cost":{"type":"<event type>","pointer":"/json/pointer",
                                              "mode":"sum|total"}}},
                 "interval":60, "busy_interval":15, "active_interval":30,
                 "session_ttl":259200, "max_daily_usd":null, "tick_timeout_s":600,
                 "sensor_concurrency":8, "run_shell":{"deny":[...],"allow":[...]},
                 "noop_ttl":21600, "flap_beats":5, "max_decides_per_hour":120, "max_workers":8,
                 "rotate_bytes":5242880,
                 "runner_retry":{"attempts":2,"backoff_s":5,"exit_codes":[75],"patterns":[...]}}
              Guards: an unchanged world is decided again once the last decision is noop_ttl
              old (0 = never); a sensor whose signal changed flap_beats beats in a row is named
              as flapping; past max_decides_per_hour runner calls in a rolling hour a beat skips
              (decide_capped); a start_worker beyond max_workers live workers fails; a runner
              failure matching runner_retry (rate limit, overload, network) is retried in the
              beat; events.jsonl and tick.log rotate to .1 past rotate_bytes (0 = never).
              sensor_concurrency: sensors run at once (default 4 per core, at least 4);
              run_shell: the gate in front of shell moves (see docs/reliability.md)
              claude   built in; metered from the final result event's total_cost_usd
              pi       built in; metered by summing each message_end's message.usage.cost.total
              custom   give "cost": events whose "type" equals cost.type contribute the number at
                       cost.pointer, added up (sum) or last one wins (total)
              Every metered run with a cost above 0 adds a row to cost.jsonl; workers report their
              own spend with `looop _ cost`. With max_daily_usd set, beats stop once today's
              local-day total reaches it, and fail closed after 3 runs in a row that reported no
              cost at all (an unmetered runner could spend without limit) until the runner or its
              cost spec changes. A runner whose first word is not on PATH fails fast, naming it.

            PATHS
              data dir   $LOOOP_DATA_DIR, else ${XDG_STATE_HOME:-$HOME/.local/state}/looop
              config     $LOOOP_CONFIG, else <data dir>/looop.json
              Kept:      PLAYBOOK.md playbook.d/ goals/ sensors/ journal.md reports/ cost.jsonl looop.json
              Scratch:   snapshots/ claims/ runs/ prompts/ sessions/ workers/ events.jsonl tick.log
                         .last-tick-hash .tick-backoff .cost-unmetered .goal-activity.json
                         .decision.json .lock/ .recall.json .sensor-cache/
              The first run seeds a new profile once: looop.json, a starter PLAYBOOK.md, a setup
              goal that interviews you and replaces the starter, a daily playbook-review goal,
              sensors/today.sh (wakes the loop once a day) and a .gitignore for the scratch.
              With that .gitignore the data dir can be kept in git, to see how the loop's
              policy evolves.

            ENVIRONMENT
              LOOOP_DATA_DIR          the profile's data dir
              LOOOP_CONFIG            the config file
              XDG_STATE_HOME          parent of the default data dir
              LOOOP_SENSOR_TIMEOUT    seconds a sensor may run (default 60, 0 = no limit)
              LOOOP_SENSOR_MAX_BYTES  largest reading kept (default 8192, 0 = no limit)
              LOOOP_RUNS_KEEP         run archives kept (default 50, 0 = all)
              LOOOP_SESSION_TTL       seconds finished sessions are kept (over config
                                      session_ttl; default 3 days)
              LOOOP_STUCK_AFTER       seconds a live worker's screen may stay unchanged
                                      before it is stuck (over stuck_after; default 900)
              LOOOP_INTERVAL          sleep after an idle beat (over config interval)
              LOOOP_BUSY_INTERVAL     sleep after a beat that acted (over busy_interval)
              LOOOP_ACTIVE_INTERVAL   sleep while a worker is alive (over active_interval)
              LOOOP_SHELL_TIMEOUT     seconds a run_shell move may run (default 600, 0 = none)
              LOOOP_NOOP_TTL          seconds before an unchanged world is decided again (over
                                      noop_ttl; default 21600, 0 = never)
              LOOOP_ROTATE_BYTES      size at which events.jsonl and tick.log rotate (over
                                      rotate_bytes; default 5 MiB, 0 = never)
              LOOOP_LOCK_WAIT         seconds a command waits for the profile's lock
              LOOOP_STOP_GRACE        seconds a stopping pulse gets to finish its beat
              LOOOP_NOTIFY_FAILED_BEATS  failed beats in a row before a beat_failed notice
              LOOOP_LOG_FORMAT        json: every log line as NDJSON (same as --json)
              LOOOP_COLOR             1 or 0: force colour on or off
              NO_COLOR                set: no colour (colour is otherwise on a terminal only)
              Exported to every sensor, runner, run_shell command and worker:
              LOOOP_BIN               one executable running this looop with this profile; call
                                      it quoted: "$LOOOP_BIN" _ flag ...
              LOOOP_DATA_DIR, LOOOP_CONFIG
              LOOOP_CLAIMS_DIR        <data>/claims
              LOOOP_REPORTS_DIR       <data>/reports
              LOOOP_COST_LEDGER       <data>/cost.jsonl
              LOOOP_SESSION_ID        the worker's own session id (workers only)
              Every command looop runs uses bash -c with looop's own environment and PATH. For a
              login shell, write bash -lc '...' in the command yourself.

            """;

    private static final String COMMANDS = """
            USAGE
              looop [--json]                  run the pulse in the foreground and stream its log;
                                              Ctrl-C stops it and every live worker
              looop run [--json]              the pulse itself: beat, sleep, repeat (one per data
                                              dir; a second one exits 1 naming the first's pid)
              looop tick [--force|--now] [--json]  one beat; --force decides even if nothing changed,
                                              --now also past the backoff of a failed world
              looop sense                     stage 1: run the sensors, print the readings as JSON
              looop hash                      stage 2: add the world hash and whether it changed
              looop gate [--force]            stage 3: may this beat call the AI? (changed,
                                              backoff, budget); adds "gate" to hash's JSON
              looop decide [--force]          stage 4: ask the runner for one move behind the
                                              gate (given hash's JSON, it gates itself)
              looop act                       stage 5: execute a decision, log it, commit
              looop status [--json]           pulse, last beat, workers, cost today, data dir
              looop journal [--tail N]        the journal, or its last N lines
              looop playbook log              the playbooks write_playbook replaced (playbook.d/)
              looop playbook diff [N]         what rewrite N changed, as a unified diff
              looop cost [today|all] [--json] spend: total, calls, by kind, by runner
              looop demo [--dir DIR]          three beats on a throwaway profile, offline decider
              looop init [--runner NAME] [--base-url URL] [--model NAME] [--force]
                                              pick the runner (asks on a terminal), write
                                              looop.json, seed the profile
              looop doctor [--json]           check java, jbang, tmux, runner binaries, data dir,
                                              sensors, config; each failure with its fix; exit 1 if any
              looop config bash|zsh           shell completion; eval "$(looop config bash)"
              looop version                   the version
              looop help [COMMAND]            this manual, or one command's usage

              Every command takes -h/--help (its usage), --json and --verbose (stack traces),
              before or after its name: `looop --json status` is `looop status --json`.
              DUR is 500ms, 30s, 5m, 1h, 1d or 1h30m (a bare number is seconds).

              The stages compose; `looop tick` runs the same functions in one process:
                looop sense | looop hash | looop gate | looop decide | looop act
                looop sense | looop hash | looop decide | looop act     # decide gates itself
                looop sense | jq '.snapshots["sensor-today.json"]'
                echo '{"action":"write_goal","id":"x","body":"..."}' | looop act

            WORKERS (each in its own tmux session on the profile's private tmux server)
              looop start-session <id> <prompt> [runner]   start a worker; refuses a live <id>
                [--repo PATH [--base REV]]                 in a git worktree of its own
                                                           (worktrees/<id>, branch looop/<id>)
                [--verify CMD]                             a check run once after it exits
              looop ls [--json] [--watch] [--interval DUR] every worker: state, health (busy,
                                                           idle, asking, blocked, stuck), exit
                                                           code, flag or what it is blocked on;
                                                           --watch: again every 2s until Ctrl-C
              looop attach <id>                            take over the worker's terminal
              looop detach <id>                            let go of it again
              looop watch <id>                             follow read-only; `watch pulse` works
              looop watch                                  every worker live: table + the selected
                                                           one's screen; ↑↓ j k Tab, PgUp PgDn, q
              looop log <id> [--tail N] [--grep RE] [--since N] [--follow] [--raw] [--json]
              looop shot <id> [--ansi|--json] [--trim]     the visible screen right now
              looop send <id> <text...> [-n]               type text, then Enter unless -n
              looop key <id> <KEY...>                      press keys: Enter Up Esc C-c F1 ...
              looop expect <id> <REGEX> [--timeout DUR] [--from-now] [--screen]
                                                           wait for output (default 30s)
              looop wait <id> [--timeout DUR]              wait for exit; exits with its code
                                                           (137 if killed); no timeout by default
              looop wait-idle <id> [--settle DUR] [--timeout DUR]
                                                           wait until the screen stops changing
                                                           for --settle (2s); timeout 60s
              looop resize <id> <COLSxROWS>                resize the worker's terminal
              looop restart <id>                           run the worker's command again
              looop kill <id>                              stop the worker for good
              looop prune                                  remove finished sessions (keeps a
                                                           worktree with unmerged work, says so)
              looop diff <id> [--stat] [--json]            what a repo worker changed vs its base
              looop merge <id> [--squash|--rebase] [--force]
                                                           into the checkout's branch, only clean
              looop discard <id> [--force]                 remove its worktree and branch
                                                           (--force stops a running worker first)
              These refuse "pulse": watch it with `looop watch pulse`, stop it with Ctrl-C.

            WHEN LOOOP NEEDS YOU (asks, tells, notifications, schedules)
              looop ask <id> <question…> [--options a,b] [--timeout DUR]
                                                           ask the human, wait, print the answer
              looop asks [--json] [--wait [--timeout DUR]] pending asks with age and options
              looop answer <id> <text…>|- [--force]        answer once (--force replaces)
              looop tell <id> <text…>                      queue a message for a live worker:
                                                           typed when its screen is still, or
                                                           returned with its next answer
              looop schedule add <name> (--at TIME|--in DUR|--every DUR) [--note TEXT]
              looop schedule ls [--json] | rm <name>       wake the loop at a time
              "notify" in private/secrets.json sends asks, worker exits, failing beats, the budget and
              send_notification moves to command, ntfy, webhook or desktop channels.

            THE WEB PAGE
              looop web [--port N] [--bind ADDR] [--open]  pulse, beats, workers and their screens, asks,
                                                           journal, spend; 127.0.0.1, one-time sign-in

            INSIDE A WORKER (internal verbs, called as "$LOOOP_BIN" _ ...)
              ask "$LOOOP_SESSION_ID" <q>     ask the human and wait for the answer (above)
              _ flag <id> [note]              older way to ask: the note shows in status and ls
              _ unflag <id>                   the answer arrived
              _ kill <id>                     end this worker when its work is done
              _ claim <name> [--session S]    take a lease; exit 1 naming the holder if taken
              _ unclaim <name> [--session S]  release it
              _ cost <kind> <id> <runner> <usd>
                                              record spend in the cost ledger; kind is
                                              tick (a beat's decision) or session (a worker)
              _ openai                        the openai runner's tick: runners/OpenAiHttp.java
                                              on looop's own java and Jackson

            """;

    private static final String EXIT_CODES = """
            EXIT CODES
              0    ok
              1    error, or a failed move
              2    usage error
              124  timeout (a wait gave up, or a command ran past its time limit)
              137  a waited-for worker was killed
            """;
}
