package looop.cli;

import picocli.CommandLine;

/**
 * picocli's factory for looop: everything as picocli's default factory makes
 * it, except that completion candidates read the command's own profile.
 */
record Factory(Context ctx, boolean forScript) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
        K made = CommandLine.defaultFactory().create(cls);
        if (made instanceof LiveIds ids) ids.bind(ctx::profile, forScript);
        return made;
    }
}
