package looop.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The screens each preset's CLI stops at until a person answers: first-run
 * and trust dialogs, permission prompts, login, API-key confirmation, "press
 * Enter", a usage limit. A worker whose screen shows one is blocked
 * (looop.workers.Health), with the screen's one line as the reason.
 *
 * Each signature is a few plain phrases that must all be on the screen,
 * taken from the real CLIs' screens (tests/fixtures/screens/, captured from
 * the versions tests/fixtures/PRESETS.md names; the usage-limit ones are
 * written from the CLIs' own strings, as no test can reach a real limit).
 * The screen is matched as text: lowercased, typographic apostrophes made
 * plain, box-drawing borders and line breaks made single spaces, so a phrase
 * a narrow pane wraps still matches. By hand, without a regex or a lambda:
 * `ls` looks at every live worker's screen and is a one-shot verb.
 */
public final class CliScreens {
    private CliScreens() {}

    /**
     * One screen: the line saying what it asks, the phrases (lowercase) that
     * all show on it, and for a usage-limit screen how its CLI is carried on at
     * the reset (null: looop knows no way; the worker stays blocked).
     */
    public record Screen(String reason, Resume resume, String... phrases) {
        public Screen(String reason, String... phrases) {
            this(reason, (Resume) null, phrases);
        }

        boolean on(String normalised) {
            for (String p : phrases) if (!normalised.contains(p)) return false;
            return true;
        }

        /** Whether this is a usage-limit screen (the worker waits for a reset, not for a person's choice). */
        public boolean usageLimit() {
            return reason.startsWith(USAGE_LIMIT);
        }
    }

    /** How a limited worker is resumed at the reset: these keys pressed (tmux names) in turn, then text typed and Enter. */
    public record Resume(java.util.List<String> keys, String text) {
        public String describe() {
            return (keys.isEmpty() ? "" : "pressed " + String.join(", ", keys) + ", ") + "typed \"" + text + "\"";
        }
    }

    /** How every usage-limit screen's reason begins. */
    public static final String USAGE_LIMIT = "hit its usage limit";

    /**
     * Claude Code's limit dialog (captured from 2.1.332 against a stand-in
     * answering 429, tests/fixtures/screens/claude-usage-limit.txt): "1" picks
     * "Stop and wait for limit to reset", which leaves it at its prompt; at
     * the reset "continue" carries the turn on. Without the dialog (answered
     * already) only the typing is needed.
     */
    private static final Resume CLAUDE_DIALOG = new Resume(java.util.List.of("1"), "continue");
    private static final Resume CLAUDE_PROMPT = new Resume(java.util.List.of(), "continue");

    private static final Map<String, List<Screen>> TABLE = table();

    /** In order: the first that matches names the screen, so the more specific come first. */
    private static Map<String, List<Screen>> table() {
        Map<String, List<Screen>> m = new LinkedHashMap<>();
        m.put("claude", List.of(
                new Screen("first-run setup: choose a text style (theme), then Enter", "choose the text style that looks best with your terminal"),
                new Screen("first-run security notes: press Enter to continue", "security notes:", "press enter to continue"),
                new Screen("asks whether to trust this folder", "is this a project you created or one you trust"),
                new Screen("asks whether to trust this folder", "do you trust the files in this folder?"),
                new Screen("Bypass Permissions warning: accept it (or pre-accept with skipDangerousModePermissionPrompt)",
                        "running in bypass permissions mode", "yes, i accept"),
                new Screen("asks whether to use the API key in its environment", "detected a custom api key in your environment",
                        "do you want to use this api key?"),
                new Screen("not logged in: log in (/login) or give it an API key", "select login method:"),
                new Screen("not logged in: log in (/login) or give it an API key", "not logged in", "please run /login"),
                new Screen("auto mode cannot reach its safety check: asks whether to stay in auto mode",
                        "auto mode can't check actions in this session", "enter to stay in auto mode"),
                new Screen("hit its usage limit: wait for the reset, or choose an option", CLAUDE_DIALOG, "stop and wait for limit to reset"),
                new Screen("hit its usage limit: wait for the reset, or choose an option", CLAUDE_PROMPT, "you've hit your", "limit"),
                new Screen("permission prompt: asks to create a file", "do you want to create "),
                new Screen("permission prompt: asks to edit a file", "do you want to make this edit"),
                new Screen("permission prompt: asks to go ahead with a tool call", "do you want to proceed?"),
                new Screen("permission prompt: asks to allow an action", "do you want to allow"),
                new Screen("press Enter to continue", "press enter to continue")));
        m.put("codex", List.of(
                new Screen("not signed in: sign in with ChatGPT, or give it an API key", "choose how you want to use codex", "sign in with chatgpt"),
                new Screen("asks whether to trust this folder", "trust this folder?", "trust and continue"),
                new Screen("approval prompt: asks to run a command", "would you like to run the following command?"),
                new Screen("approval prompt: asks to apply edits", "would you like to make the following edits?"),
                new Screen("approval prompt: asks for more permissions", "would you like to grant these permissions?"),
                new Screen("approval prompt: asks to type into a terminal", "would you like to send input to the existing terminal?"),
                new Screen("hit its usage limit: wait for the reset, or choose an option", "usage limit reached", "choose an option below to continue"),
                new Screen("hit its usage limit: wait for the reset, or choose an option", "you've hit your usage limit"),
                new Screen("press Enter to continue", "press enter to continue")));
        m.put("gemini", List.of(
                new Screen("asks whether to trust this folder", "do you trust the files in this folder?"),
                new Screen("not signed in: choose how to authenticate", "how would you like to authenticate for this project?"),
                new Screen("first-run privacy notice: choose an option", "allow google to use this data to develop and improve our products"),
                new Screen("permission prompt: asks to apply a change", "apply this change?", "allow once"),
                new Screen("permission prompt: asks to run a tool", "allow execution of", "allow once"),
                new Screen("hit its usage limit: keep trying, switch models, or stop", "usage limit reached for"),
                new Screen("the model is over capacity: keep trying, switch models, or stop", "we are currently experiencing high demand", "keep trying")));
        m.put("opencode", List.of(
                new Screen("permission prompt: asks to allow an action", "permission required", "allow once"),
                new Screen("hit its usage limit: wait for the reset", "usage limit reached. it will reset in")));
        m.put("pi", List.of(
                new Screen("no model or API key: log in (/login) or configure a provider", "no api key found for the selected model"),
                new Screen("no model or API key: log in (/login) or configure a provider", "no models available", "use /login")));
        return m;
    }

    /** The screens of preset cli, in matching order; empty for a CLI looop has no screens for. */
    public static List<Screen> of(String cli) {
        List<Screen> s = cli == null ? null : TABLE.get(cli);
        return s == null ? List.of() : s;
    }

    /**
     * What cli's screen (its text, escapes already gone) asks of a person, as
     * "&lt;CLI&gt; &lt;reason&gt;"; null when it shows none of cli's screens.
     */
    public static String blockedOn(String cli, String screenText) {
        Screen s = screenOn(cli, screenText);
        return s == null ? null : label(cli) + " " + s.reason();
    }

    /** The first of cli's screens that screenText shows, or null. */
    public static Screen screenOn(String cli, String screenText) {
        List<Screen> screens = of(cli);
        if (screens.isEmpty() || screenText == null) return null;
        String text = normalised(screenText);
        for (Screen s : screens) if (s.on(text)) return s;
        return null;
    }

    /** How the reason names the CLI. */
    static String label(String cli) {
        return switch (cli) {
            case "claude" -> "Claude Code";
            case "codex" -> "Codex";
            case "gemini" -> "Gemini CLI";
            case "opencode" -> "OpenCode";
            default -> cli;
        };
    }

    /**
     * The preset a worker command runs, by its program (the first word after
     * any VAR=value, and after `env` with its own assignments and options),
     * path or bare name: a runner called `work` whose command starts `claude`
     * runs Claude Code. Null when the program is none of the presets'.
     */
    public static String cliOf(String command) {
        return RunnerCli.of(command).cli();
    }

    /** The text made comparable: see the class comment. */
    static String normalised(String text) {
        StringBuilder b = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u2019' || c == '\u2018') c = '\'';
            boolean blank = Character.isWhitespace(c) || c == '\u00a0' || (c >= '\u2500' && c <= '\u257f');
            if (blank) {
                space = b.length() > 0;
                continue;
            }
            if (space) b.append(' ');
            space = false;
            b.append(c);
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
