package dev.replicaware.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.List;

/**
 * Where the commands print. Live, on a terminal, a block (the table) stays at the bottom and is redrawn in place with
 * ANSI escapes while ordinary lines scroll above it; plain (a pipe, a file, {@code --plain}, {@code TERM=dumb}), every
 * block is printed in full after the lines before it, so logs and tests read it top to bottom.
 */
final class Screen {
    private static final String UP_AND_CLEAR = "\033[%dF\033[J";

    private final PrintWriter out;
    private final boolean live;
    private List<String> block = List.of();
    private boolean printed;

    Screen(PrintWriter out, boolean live) {
        this.out = out;
        this.live = live;
    }

    /** True on an interactive terminal that understands ANSI escapes, unless plain output was asked for. */
    static boolean liveTerminal(boolean plainRequested) {
        if (plainRequested || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try { // Java 22+ returns a console even when redirected; isTerminal() tells
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // Java 17-21: a console means a terminal
        }
    }

    boolean live() {
        return live;
    }

    /** A line that stays; live, it goes above the block, which is drawn again under it. */
    synchronized void line(String text) {
        if (live && !block.isEmpty()) {
            out.print(String.format(UP_AND_CLEAR, block.size()));
            out.println(text);
            block.forEach(out::println);
        } else {
            out.println(text);
        }
        printed = true;
        out.flush();
    }

    /** Live: replaces the block at the bottom. Plain: prints it, after a blank line unless it comes first. */
    synchronized void block(List<String> lines) {
        if (live) {
            if (!block.isEmpty()) {
                out.print(String.format(UP_AND_CLEAR, block.size()));
            }
            lines.forEach(out::println);
            block = List.copyOf(lines);
        } else {
            if (printed) {
                out.println();
            }
            lines.forEach(out::println);
        }
        printed = true;
        out.flush();
    }

    /** Leaves the last block where it is; later lines go under it. */
    synchronized void release() {
        block = List.of();
    }
}
