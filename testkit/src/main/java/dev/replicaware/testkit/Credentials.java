package dev.replicaware.testkit;

/** A user name and password of a testkit cluster. {@link #toString()} masks the password. */
public record Credentials(String username, String password) {
    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=****]";
    }
}
