package org.flinkmobilenet.deploy;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.FallbackKey;

/**
 * The configuration keys Flink knows: every {@link ConfigOption} declared in flink-core's
 * {@code org.apache.flink.configuration} *Options classes, with their deprecated and fallback keys.
 * Flink ignores a key it does not know without a word, so a misspelt key in a deployment silently
 * does nothing; checking against this set catches it.
 */
final class FlinkConfigKeys {

    /** Settings of one metric reporter, below {@code metrics.reporter.<name>.} (MetricOptions and the Prometheus reporter's). */
    private static final Set<String> REPORTER_KEYS = Set.of("factory.class", "port", "interval", "scope.delimiter",
            "scope.variables.excludes", "scope.variables.additional", "filter.includes", "filter.excludes", "filterLabelValueCharacters");

    private static final Set<String> KEYS = load();

    private FlinkConfigKeys() {}

    static boolean isKnown(String key) {
        if (key.startsWith("metrics.reporter.")) {
            String rest = key.substring("metrics.reporter.".length());
            int dot = rest.indexOf('.');
            return dot > 0 && REPORTER_KEYS.contains(rest.substring(dot + 1));
        }
        return KEYS.contains(key);
    }

    static int size() {
        return KEYS.size();
    }

    private static Set<String> load() {
        Set<String> keys = new HashSet<>();
        try {
            Path jar = Path.of(CoreOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (JarFile f = new JarFile(jar.toFile())) {
                for (Enumeration<JarEntry> e = f.entries(); e.hasMoreElements(); ) {
                    String name = e.nextElement().getName();
                    if (name.startsWith("org/apache/flink/configuration/") && name.endsWith("Options.class")
                            && name.indexOf('/', "org/apache/flink/configuration/".length()) < 0 && !name.contains("$")) {
                        addOptions(Class.forName(name.replace('/', '.').replace(".class", "")), keys);
                    }
                }
            }
        } catch (IOException | URISyntaxException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot list Flink's configuration options", e);
        }
        return Collections.unmodifiableSet(keys);
    }

    private static void addOptions(Class<?> c, Set<String> keys) {
        for (Field f : c.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                try {
                    ConfigOption<?> o = (ConfigOption<?>) f.get(null);
                    keys.add(o.key());
                    for (FallbackKey k : o.fallbackKeys()) {
                        keys.add(k.getKey());
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
