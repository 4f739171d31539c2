package looop.profile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import looop.io.UserError;

/**
 * The gate in front of run_shell, the decider's one arbitrary power, and in
 * front of write_sensor (a sensor script runs every beat, so it is a command
 * too). It lives in code and in looop.json, which no move can write, so a
 * decider cannot talk or edit its way past it.
 *
 * Deny patterns are searched anywhere in the command; allow patterns, when an
 * allow list is given, must match the whole command. Both are checked against
 * the command as written and with quotes and backslashes removed, so
 * `git push "--force"` or `r\m -rf` are the commands they spell. This is a
 * tripwire against accidents and an over-eager decider, not a sandbox: a
 * determined program can always spell a command some other way. The allow
 * list is the strong control.
 *
 * looop.json: "run_shell": {"deny": [regex…], "allow": [regex…], "replace_defaults": false,
 * "timeout_s": 600, "max_output_bytes": 65536}. User deny patterns add to DEFAULTS unless
 * replace_defaults is true. Every pattern is case-insensitive unless it says (?-i).
 */
public record ShellGate(List<Rule> deny, List<Rule> allow, long timeoutS, long maxOutputBytes) {

    public static final long DEFAULT_TIMEOUT_S = 600;
    /** run_shell output only feeds a failure message; 64 KiB is plenty to find its last line. */
    public static final long DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;

    /**
     * A named pattern; user patterns are named by their own text. A user's
     * compiles when the config is read, so a bad one is refused there; a
     * built-in one at its first use: two dozen regexes cost every one-shot
     * beat milliseconds, and most beats check no command.
     */
    public static final class Rule {
        private final String name;
        private final String regex;
        private volatile Pattern pattern;

        private Rule(String name, String regex, Pattern pattern) {
            this.name = name;
            this.regex = regex;
            this.pattern = pattern;
        }

        static Rule of(String name, String regex) {
            return new Rule(name, regex, compile(regex));
        }

        static Rule builtIn(String name, String regex) {
            return new Rule(name, regex, null);
        }

        public String name() {
            return name;
        }

        public Pattern pattern() {
            Pattern p = pattern;
            if (p == null) pattern = p = compile(regex);
            return p;
        }

        private static Pattern compile(String regex) {
            return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
        }
    }

    /** A command the gate refused: a failed move, and its journal line says why. */
    public static final class Refused extends UserError {
        public Refused(String message) {
            super(message);
        }
    }

    /** The rest of one simple command: a pipe, a list operator or a new line ends it. */
    private static final String REST = "[^;&|\\n]*";

    /** On by default: commands whose effect cannot be taken back, or that hand the machine to a download. */
    public static final List<Rule> DEFAULTS = List.of(
            Rule.builtIn("git-push-force", "\\bgit\\b" + REST + "\\bpush\\b" + REST + "(?:\\s--force(?:-with-lease)?\\b|\\s-[a-z]*f[a-z]*\\b|\\s\\+\\S)"),
            Rule.builtIn("git-push-delete", "\\bgit\\b" + REST + "\\bpush\\b" + REST + "(?:\\s--delete\\b|\\s-[a-z]*d[a-z]*\\b|\\s:\\S)"),
            Rule.builtIn("git-reset-hard", "\\bgit\\b" + REST + "\\breset\\b" + REST + "\\s--hard\\b"),
            Rule.builtIn("git-clean-force", "\\bgit\\b" + REST + "\\bclean\\b" + REST + "\\s-[a-z]*f"),
            Rule.builtIn("rm-recursive-force", "\\brm\\b(?=" + REST + "\\s-(?:-recursive\\b|[a-z]*r))(?=" + REST + "\\s-(?:-force\\b|[a-z]*f))"),
            Rule.builtIn("find-delete", "\\bfind\\b" + REST + "\\s-delete\\b"),
            Rule.builtIn("gh-pr-merge", "\\bgh\\s+pr\\s+merge\\b"),
            Rule.builtIn("gh-delete", "\\bgh\\b" + REST + "\\sdelete\\b"),
            Rule.builtIn("kubectl-delete", "\\bkubectl\\b" + REST + "\\sdelete\\b"),
            Rule.builtIn("infra-destroy", "\\bterraform\\b" + REST + "\\sdestroy\\b|\\bhelm\\b" + REST + "\\s(?:uninstall|delete)\\b"),
            Rule.builtIn("sql-drop", "\\bdrop\\s+(?:table|database|schema)\\b"),
            Rule.builtIn("sql-truncate", "\\btruncate\\s+(?:table\\b|[a-z_\"`])"),
            Rule.builtIn("download-piped-to-shell", "\\b(?:curl|wget)\\b[^;&\\n]*\\|\\s*(?:sudo\\s+)?(?:(?:ba|z|k|da|fi)?sh|python[0-9.]*|perl|ruby|node)\\b"),
            Rule.builtIn("download-run-as-code", "\\b(?:eval|source|(?:ba|z|k|da)?sh)\\b[^\\n]*(?:<\\(|\\$\\(|`)\\s*(?:curl|wget)\\b"),
            Rule.builtIn("mkfs", "\\bmkfs(?:\\.\\w+)?\\b"),
            Rule.builtIn("dd-to-device", "\\bdd\\b" + REST + "\\bof=/dev/(?!null\\b|zero\\b|stdout\\b|stderr\\b|fd/)"),
            Rule.builtIn("write-to-disk-device", ">\\s*/dev/(?:sd|hd|vd|xvd|nvme|mmcblk|disk)"),
            Rule.builtIn("power-off", "\\b(?:shutdown|reboot|poweroff|halt)\\b|\\binit\\s+[06]\\b"),
            Rule.builtIn("chmod-recursive-home-or-root", "\\bch(?:mod|own|grp)\\b" + REST + "\\s-(?:[a-z]*r|-recursive)\\b" + REST + "\\s(?:/|~/?|\\$HOME/?)(?=\\s|$)"),
            Rule.builtIn("fork-bomb", ":\\(\\)\\s*\\{\\s*:\\s*\\|\\s*:\\s*&\\s*\\}"),
            Rule.builtIn("publish", "\\b(?:npm|pnpm|yarn|cargo|poetry)\\s+publish\\b|\\bgem\\s+push\\b|\\btwine\\s+upload\\b"),
            Rule.builtIn("looop-config", "looop\\.json|\\bLOOOP_CONFIG\\b"));

    public static ShellGate defaults() {
        return new ShellGate(DEFAULTS, null, DEFAULT_TIMEOUT_S, DEFAULT_MAX_OUTPUT_BYTES);
    }

    /** Reads looop.json's "run_shell" object (absent or null: the defaults); a bad one is a one-line UserError. */
    public static ShellGate parse(JsonNode node, String where) {
        if (node == null || node.isNull()) return defaults();
        String at = where + ": \"run_shell\"";
        if (!node.isObject()) throw new UserError(at + " must be an object like {\"deny\": [\"regex\"], \"allow\": [\"regex\"]}");
        boolean replace = node.path("replace_defaults").asBoolean(false);
        if (node.has("replace_defaults") && !node.get("replace_defaults").isBoolean()) {
            throw new UserError(at + " \"replace_defaults\" must be true or false");
        }
        List<Rule> deny = new ArrayList<>(replace ? List.of() : DEFAULTS);
        deny.addAll(rules(node.get("deny"), at + " \"deny\""));
        JsonNode allowNode = node.get("allow");
        List<Rule> allow = allowNode == null || allowNode.isNull() ? null : rules(allowNode, at + " \"allow\"");
        return new ShellGate(List.copyOf(deny), allow,
                Knob.SHELL_TIMEOUT.fromConfig(node, DEFAULT_TIMEOUT_S, where),
                Knob.SHELL_MAX_OUTPUT.fromConfig(node, DEFAULT_MAX_OUTPUT_BYTES, where));
    }

    private static List<Rule> rules(JsonNode list, String at) {
        List<Rule> out = new ArrayList<>();
        if (list == null || list.isNull()) return out;
        if (!list.isArray()) throw new UserError(at + " must be an array of regular expressions");
        for (int i = 0; i < list.size(); i++) {
            JsonNode v = list.get(i);
            if (!v.isTextual() || v.textValue().isBlank()) throw new UserError(at + "[" + i + "] must be a non-empty regular expression string");
            try {
                out.add(Rule.of(v.textValue(), v.textValue()));
            } catch (PatternSyntaxException e) {
                throw new UserError(at + "[" + i + "] is not a valid regular expression (" + e.getDescription() + " near index " + e.getIndex() + "); fix it");
            }
        }
        return out;
    }

    /** Passes a run_shell command or throws Refused naming the rule and how to allow it. */
    public void check(String cmd) {
        Rule denied = denied(cmd);
        if (denied != null) throw refusal("`" + shown(cmd) + "`", denied);
        if (allow != null && allow.stream().noneMatch(r -> wholeMatch(r, cmd))) {
            throw new Refused("refused by the run_shell gate: `" + shown(cmd) + "` matches no \"allow\" pattern in looop.json"
                    + " (\"run_shell\" → \"allow\"); add a pattern that matches the whole command, or do it by hand");
        }
    }

    /** A sensor script runs every beat unattended: the deny list holds for it as for run_shell. */
    public void checkScript(String script) {
        Rule denied = denied(script);
        if (denied != null) throw refusal("the script", denied);
    }

    private Rule denied(String text) {
        String plain = unquoted(text);
        for (Rule r : deny) {
            if (r.pattern().matcher(text).find() || r.pattern().matcher(plain).find()) return r;
        }
        return null;
    }

    private static boolean wholeMatch(Rule r, String cmd) {
        return r.pattern().matcher(cmd.strip()).matches();
    }

    private static Refused refusal(String what, Rule r) {
        String which = r.name().equals(r.pattern().pattern()) ? "deny pattern /" + r.name() + "/"
                : "deny rule " + r.name() + " (/" + r.pattern().pattern() + "/)";
        return new Refused("refused by the run_shell gate: " + what + " matches " + which
                + "; it is irreversible, so a human runs it, or allow it in looop.json (see docs/reliability.md)");
    }

    /** The text a shell would see after quote removal: quotes and backslashes dropped. */
    static String unquoted(String text) {
        return text.replaceAll("[\"'\\\\]", "");
    }

    private static String shown(String cmd) {
        String s = Journal.oneLine(cmd);
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
