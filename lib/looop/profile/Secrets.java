package looop.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import looop.io.Fs;
import looop.io.Json;
import looop.io.UserError;

/**
 * What no sandboxed command may read: the data dir's private/ (0700), hidden
 * in every sandbox (Confinement), where looop.json, which every command
 * reads, cannot be. It holds secrets.json, the person's
 * {"notify": [channels]} with their topics, tokens and URLs, and the page's
 * sign-in file (looop.web). Only the person writes secrets.json.
 */
public final class Secrets {
    private Secrets() {}

    /** How errors and warnings name the file: relative to the data dir. */
    public static final String SHOWN = "private/secrets.json";
    private static final Set<String> KEYS = Set.of("notify");

    public static Path dir(Paths paths) {
        return paths.data.resolve("private");
    }

    public static Path file(Paths paths) {
        return dir(paths).resolve("secrets.json");
    }

    /**
     * private/, made if missing, for a sandbox to hide: bwrap can only cover
     * what exists as it starts, and a secret written later must land under
     * that cover. Best effort: inside a sandbox the data dir is read-only and
     * what is there is hidden already.
     */
    public static Path hiddenDir(Paths paths) {
        try {
            Fs.mkdirs(dir(paths));
        } catch (RuntimeException readOnly) {
            // nothing to make here; a sandbox hides what exists
        }
        return dir(paths);
    }

    /** secrets.json as an object, or null when absent (as it is inside every sandbox); a broken file fails in one line. */
    public static JsonNode read(Paths paths) {
        String text = Fs.readOrNull(file(paths));
        if (text == null) return null;
        JsonNode root;
        try {
            root = Json.parse(text);
        } catch (JsonProcessingException e) {
            throw new UserError(SHOWN + ": not valid JSON at " + Json.describe(e) + "; fix it (it holds {\"notify\": [channels]})");
        }
        if (!root.isObject()) throw new UserError(SHOWN + ": must hold one JSON object like {\"notify\": [channels]}");
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!KEYS.contains(key)) throw new UserError(SHOWN + ": unknown key \"" + key + "\"; it holds only \"notify\"");
        }
        return root;
    }
}
