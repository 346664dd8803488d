package org.flinkmobilenet.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Command-line options: {@code --name value}, {@code --name=value}, boolean {@code --flag}, and positionals. */
final class Args {

    private final Map<String, String> options = new HashMap<>();
    private final List<String> positional = new ArrayList<>();
    private final Set<String> used = new HashSet<>();

    Args(String[] argv, int from, Set<String> flags) {
        for (int i = from; i < argv.length; i++) {
            String a = argv[i];
            if (a.startsWith("--") && a.length() > 2) {
                String name = a.substring(2);
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    options.put(name.substring(0, eq), name.substring(eq + 1));
                } else if (flags.contains(name)) {
                    options.put(name, "true");
                } else {
                    if (i + 1 >= argv.length) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    options.put(name, argv[++i]);
                }
            } else {
                positional.add(a);
            }
        }
    }

    String get(String name, String dflt) {
        used.add(name);
        return options.getOrDefault(name, dflt);
    }

    String required(String name) {
        String v = get(name, null);
        if (v == null) {
            throw new UsageException("missing --" + name);
        }
        return v;
    }

    boolean has(String name) {
        used.add(name);
        return options.containsKey(name);
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(get(name, "false"));
    }

    int getInt(String name, int dflt) {
        String v = get(name, null);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, was '" + v + "'");
        }
    }

    double getDouble(String name, double dflt) {
        String v = get(name, null);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, was '" + v + "'");
        }
    }

    List<String> positional() {
        return positional;
    }

    /** Fails on options nobody asked for, so typos do not pass silently. */
    void rejectUnknown() {
        for (String name : options.keySet()) {
            if (!used.contains(name)) {
                throw new UsageException("unknown option --" + name);
            }
        }
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
