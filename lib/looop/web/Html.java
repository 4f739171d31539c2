package looop.web;

/**
 * Escaping for everything the page shows: worker screens, journal lines and
 * ask text are hostile input, so every character that could open markup or
 * leave an attribute becomes an entity, in HTML and in SVG alike.
 */
public final class Html {
    private Html() {}

    public static String esc(String text) {
        if (text == null) return "";
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // control characters (an ESC from a screen, a NUL) have no business in markup
                    if (c < 0x20 && c != '\n' && c != '\t') out.append(' ');
                    else out.append(c);
                }
            }
        }
        return out.toString();
    }
}
