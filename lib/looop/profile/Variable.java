package looop.profile;

/**
 * The environment variables that are not knobs (Knob holds the numbers):
 * what a person sets, and what looop exports to the commands it runs. The
 * manual (`looop help`) and docs/reference.md are printed from this table and
 * Knob, and a test fails when the code reads a LOOOP_ variable that neither
 * names, so the lists cannot drift.
 */
public enum Variable {
    LOOOP_DATA_DIR(Who.YOU_AND_EXPORTED, "the profile's data dir (default ${XDG_STATE_HOME:-$HOME/.local/state}/looop)"),
    LOOOP_CONFIG(Who.YOU_AND_EXPORTED, "the config file (default `<data dir>/looop.json`)"),
    XDG_STATE_HOME(Who.YOU, "parent of the default data dir"),
    LOOOP_LOG_FORMAT(Who.YOU, "json: every log line as NDJSON (same as --json)"),
    LOOOP_COLOR(Who.YOU, "1 or 0: force colour on or off"),
    NO_COLOR(Who.YOU, "set: no colour (colour is otherwise on a terminal only)"),
    LOOOP_SANDBOX(Who.YOU, "auto, required or off: overrides the config's sandbox mode (docs/sandbox.md)"),
    LOOOP_BWRAP(Who.YOU, "the bubblewrap binary to use"),
    LOOOP_CDS(Who.YOU, "0: the launcher starts without its class-data archive"),
    LOOOP_OPENAI_BASE_URL(Who.YOU, "the openai runner's server (docs/runners.md)"),
    LOOOP_OPENAI_MODEL(Who.YOU, "the openai runner's model"),
    LOOOP_OPENAI_API_KEY(Who.YOU, "the openai runner's API key, when its server wants one"),
    LOOOP_OPENAI_PRICE_IN(Who.YOU, "the openai runner's USD per million input tokens, for the cost ledger"),
    LOOOP_OPENAI_PRICE_OUT(Who.YOU, "the openai runner's USD per million output tokens"),
    LOOOP_BIN(Who.EXPORTED, "one executable running this looop with this profile; call it quoted: \"$LOOOP_BIN\" _ flag ..."),
    LOOOP_CLAIMS_DIR(Who.EXPORTED, "`<data dir>/claims`"),
    LOOOP_REPORTS_DIR(Who.EXPORTED, "`<data dir>/reports`"),
    LOOOP_COST_LEDGER(Who.EXPORTED, "`<data dir>/cost.jsonl`"),
    LOOOP_SESSION_ID(Who.EXPORTED, "the worker's own session id (workers only)"),
    LOOOP_SANDBOXED(Who.EXPORTED, "1 inside looop's sandbox, so its verbs know they run confined"),
    LOOOP_DECISION_FILE(Who.EXPORTED, "where the tick command writes its decision (runners only)"),
    LOOOP_EVENT(Who.EXPORTED, "a notify command channel's event kind (with LOOOP_EVENT_ID, _TITLE, _TEXT, _TS)"),
    LOOOP_EVENT_ID(Who.EXPORTED, "the event's id (notify command channels)"),
    LOOOP_EVENT_TITLE(Who.EXPORTED, "the event's title (notify command channels)"),
    LOOOP_EVENT_TEXT(Who.EXPORTED, "the event's text (notify command channels)"),
    LOOOP_EVENT_TS(Who.EXPORTED, "the event's time (notify command channels)"),
    LOOOP_WRAPPER(Who.WRAPPER, "the ./jbang wrapper that started this looop, for the next-step lines init prints"),
    LOOOP_JBANG_PINNED(Who.WRAPPER, "set: ./jbang uses the JBang it fetched even when another is on PATH"),
    LOOOP_JBANG_HOME(Who.WRAPPER, "where ./jbang keeps the JBang it fetched (default ~/.cache/looop)"),
    LOOOP_BUILD_KEY(Who.WRAPPER, "the hash of the sources a launcher was built from");

    /** Who sets the variable. */
    public enum Who {
        YOU("set by you"), YOU_AND_EXPORTED("set by you, exported by looop"), EXPORTED("exported by looop"), WRAPPER("for the ./jbang wrapper");

        public final String words;

        Who(String words) {
            this.words = words;
        }
    }

    public final Who who;
    public final String meaning;

    Variable(Who who, String meaning) {
        this.who = who;
        this.meaning = meaning;
    }

    /** Whether a person may set it (and so the manual lists it among what you set). */
    public boolean setByYou() {
        return who == Who.YOU || who == Who.YOU_AND_EXPORTED;
    }

    /** Whether the commands looop runs (sensors, runners, run_shell, workers, channels) get it. */
    public boolean exported() {
        return who == Who.EXPORTED || who == Who.YOU_AND_EXPORTED;
    }
}
