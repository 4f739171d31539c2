package looop.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import looop.io.UserError;
import looop.profile.Paths;
import looop.profile.Secrets;
import looop.web.Fleet;
import looop.web.HumanActions;
import looop.web.ProfileHuman;
import looop.web.WebServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "web", description = "Serve this profile's page: pulse, beats, workers and their screens, asks, journal, spend.")
final class WebCommand implements Callable<Integer> {
    @ParentCommand Main root;

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (default: a free one).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address to listen on (default: 127.0.0.1, this machine only).")
    String bind = "127.0.0.1";

    @Option(names = "--open", description = "Open the page in a browser too (through a sign-in file: no key on any command line).")
    boolean open;

    public Integer call() {
        if (port < 0 || port > 65_535) throw new UserError("--port takes 0 to 65535, got " + port, 2);
        InetAddress address = address(bind);
        Paths paths = root.ctx.profile();
        HumanActions human = new ProfileHuman(paths, root.ctx.clock(), root.ctx.sessions());
        Fleet fleet = new Fleet(paths, root.ctx.clock(), root.ctx.sessions(), human);
        WebServer web = WebServer.start(fleet, human, address, port, root.ctx.err(), Secrets.hiddenDir(paths), java.time.Clock.systemUTC());
        if (!address.isLoopbackAddress()) warnExposed(web.address().getPort());
        PrintStream out = root.ctx.out();
        out.println("looop web: serving " + paths.data + " at " + web.url());
        // the link too with --open: a snap browser cannot read a file under a hidden dir such as ~/.local/state
        out.println("sign in once, within " + WebServer.CODE_TTL.toMinutes() + " minutes: " + web.signInUrl());
        out.println((open ? "opening " : "or open ") + web.signInFile().toUri() + " (it always holds a fresh one-time code)");
        out.println("the browser keeps the page's key in a cookie only; Ctrl-C stops it");
        out.flush();
        if (open) openBrowser(web.signInFile().toUri().toString());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            web.close();
            stopped.countDown();
        }, "looop-web-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        web.close();
        return 0;
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new UserError("--bind " + text + " is not an address of this machine; give one like 127.0.0.1 or 0.0.0.0", 2);
        }
    }

    private void warnExposed(int boundPort) {
        root.ctx.err().println("looop web: warning: --bind " + bind + " serves this page beyond this machine: anyone who can reach port "
                + boundPort + " and a sign-in code or the page's cookie can read every worker's screen and answer and steer for you; it is plain"
                + " HTTP, so use it only on a network you trust (or over an SSH tunnel)");
    }

    /** Best effort: a desktop's opener if there is one, else the printed file is the way in. */
    private void openBrowser(String url) {
        for (String opener : new String[] {"xdg-open", "open"}) {
            try {
                new ProcessBuilder(opener, url).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return;
            } catch (IOException notThere) {
                // try the next opener
            }
        }
        root.ctx.err().println("looop web: found no browser to open (no xdg-open or open); open the file above yourself");
    }
}
