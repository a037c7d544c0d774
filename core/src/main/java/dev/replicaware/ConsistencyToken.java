package dev.replicaware;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A commit position of the primary: what a read must see to see a write. Opaque to applications: they hold it, carry
 * it (it is {@link Serializable}, and {@link #asString()} fits a cookie or a header), and hand it back with
 * {@link ReadConsistency#readYourWrites(ConsistencyToken)}. Immutable.
 *
 * <p>Inside it: the position as the server spells it (PostgreSQL LSN {@code 0/16B3F28}, MariaDB GTID {@code 0-1-42},
 * MySQL GTID set), which the server's own wait takes, and the same position as a number that compares with the
 * replicas' positions the monitor samples (WAL bytes; transactions), so that most reads need no round trip to know.
 */
public final class ConsistencyToken implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String VERSION = "1";

    private final long position;
    private final String serverPosition;

    private ConsistencyToken(long position, String serverPosition) {
        this.position = position;
        this.serverPosition = serverPosition;
    }

    /**
     * A position as read from the primary: {@code position} in the dialect's comparable unit, {@code serverPosition}
     * as the server spells it. Internal: made by the dialects.
     */
    public static ConsistencyToken of(long position, String serverPosition) {
        if (position < 0) {
            throw new IllegalArgumentException("A commit position must not be negative, but was " + position);
        }
        return new ConsistencyToken(position, Objects.requireNonNull(serverPosition, "serverPosition"));
    }

    /** The comparable position (WAL bytes, GTID transactions). Internal. */
    public long position() {
        return position;
    }

    /** The position as the server spells it, for its wait function. Internal. */
    public String serverPosition() {
        return serverPosition;
    }

    /** True when a read that has seen {@code other} has seen this, by the comparable position. */
    public boolean isAtOrBefore(ConsistencyToken other) {
        return other != null && position <= other.position;
    }

    /** The later of two positions; either may be null. */
    public static ConsistencyToken later(ConsistencyToken a, ConsistencyToken b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return b.position > a.position ? b : a;
    }

    /** This token as URL- and cookie-safe text; {@link #parse} reads it back. */
    public String asString() {
        return VERSION + "." + position + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(serverPosition.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The token {@link #asString()} wrote.
     *
     * @throws IllegalArgumentException when {@code text} is not such a token (it says what it got, cut to 80 characters)
     */
    public static ConsistencyToken parse(String text) {
        if (text != null) {
            String[] parts = text.trim().split("\\.", 3);
            if (parts.length == 3 && parts[0].equals(VERSION)) {
                try {
                    return of(Long.parseLong(parts[1]),
                            new String(Base64.getUrlDecoder().decode(parts[2]), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    // falls through to the message below
                }
            }
        }
        String shown = text == null ? "null" : text.length() > 80 ? text.substring(0, 80) + "..." : text;
        throw new IllegalArgumentException("Not a Replicaware consistency token: '" + shown
                + "'; expected what ConsistencyToken.asString() writes, like 1.1234.MC8xNkIzRjI4");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConsistencyToken t && position == t.position && serverPosition.equals(t.serverPosition);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(position) * 31 + serverPosition.hashCode();
    }

    @Override
    public String toString() {
        return "ConsistencyToken[" + serverPosition + "]";
    }
}
